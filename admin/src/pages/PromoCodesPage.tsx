import { previewPromoCode, type TrackingConfig } from '@cartrelay/core/admin-contract';
import { type ChangeEvent, useId, useState } from 'react';
import { useAnnounce } from '../components/Announcer.tsx';
import { downloadText } from '../components/download.ts';
import { CheckboxField, SelectField, TextField } from '../components/Field.tsx';
import { EmptyState } from '../components/LoadState.tsx';
import { NeedsProgram } from '../components/NeedsProgram.tsx';
import { SaveBar } from '../components/SaveBar.tsx';
import { useRowFocus } from '../components/useRowFocus.ts';
import { type ConfigEditor, useConfigEditor } from '../config-editor.ts';
import { emptyPromoRule, parsePromoCsv, type PromoRuleDraft, promoDraft, promoRuleInput, promoRulesToCsv } from '../promo-rules.ts';
import type { PageProps } from './page-props.ts';

const MATCH_OPTIONS = [
  { value: 'exact', label: 'Exact code' },
  { value: 'regex', label: 'Regular expression' },
] as const;

export function PromoCodesPage(props: PageProps) {
  if (!props.shop.config) return <NeedsProgram what="promo-code mappings" />;
  return <PromoCodesEditor {...props} config={props.shop.config} />;
}

function PromoCodesEditor({ api, config, onShopChange }: PageProps & { config: TrackingConfig }) {
  const editor = useConfigEditor<readonly PromoRuleDraft[]>({
    api,
    config,
    onShopChange,
    fromConfig: (saved) => saved.promoCodes.map(promoDraft),
    applyTo: (rules, saved) => ({ ...saved, promoCodes: rules.map(promoRuleInput) }),
    savedMessage: 'Promo codes saved.',
  });
  const rules = editor.draft;
  const focus = useRowFocus();

  const update = (key: string, change: Partial<PromoRuleDraft>) =>
    editor.setDraft((current) => current.map((rule) => (rule.key === key ? { ...rule, ...change } : rule)));
  const add = () => {
    const rule = emptyPromoRule();
    editor.setDraft((current) => [...current, rule]);
    focus.focusAfterRender(rule.key);
  };
  const remove = (index: number) => {
    focus.afterDelete(
      rules.map((rule) => rule.key),
      index,
      'add',
    );
    editor.setDraft((current) => current.filter((_, i) => i !== index));
  };

  return (
    <section aria-labelledby="promo-heading">
      <h2 id="promo-heading">Promo codes</h2>
      <p>
        Map promo codes to the partner they credit. Exact codes ignore case; regular expressions do not. An excluded code (staff,
        internal) keeps its orders from being sent.
      </p>
      {rules.length === 0 ? (
        <EmptyState>No promo-code mappings yet. Add one, or import a CSV file.</EmptyState>
      ) : (
        <table className="rules">
          <caption className="visually-hidden">Promo-code mappings</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Match</th>
              <th scope="col">Code</th>
              <th scope="col">Partner id</th>
              <th scope="col">Action tracker id</th>
              <th scope="col">Exclude</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rules.map((rule, index) => {
              const n = index + 1;
              const problem = (field: string) => editor.problemFor(`promoCodes[${index}].${field}`);
              return (
                <tr key={rule.key}>
                  <th scope="row">{n}</th>
                  <td>
                    <SelectField
                      label={`Match, mapping ${n}`}
                      labelHidden
                      value={rule.match}
                      options={MATCH_OPTIONS}
                      error={problem('match')}
                      onChange={(match) => update(rule.key, { match })}
                    />
                  </td>
                  <td>
                    <TextField
                      label={`Code, mapping ${n}`}
                      labelHidden
                      inputRef={focus.target(rule.key)}
                      value={rule.code}
                      error={problem('code')}
                      onChange={(code) => update(rule.key, { code })}
                    />
                  </td>
                  <td>
                    <TextField
                      label={`Partner id, mapping ${n}`}
                      labelHidden
                      inputMode="numeric"
                      value={rule.partnerId}
                      disabled={rule.exclude}
                      error={problem('partnerId')}
                      onChange={(partnerId) => update(rule.key, { partnerId })}
                    />
                  </td>
                  <td>
                    <TextField
                      label={`Action tracker id, mapping ${n}`}
                      labelHidden
                      inputMode="numeric"
                      placeholder={config.program.actionTrackerId}
                      value={rule.actionTrackerId}
                      disabled={rule.exclude}
                      error={problem('actionTrackerId')}
                      onChange={(actionTrackerId) => update(rule.key, { actionTrackerId })}
                    />
                  </td>
                  <td>
                    <CheckboxField
                      label={`Exclude, mapping ${n}`}
                      labelHidden
                      checked={rule.exclude}
                      error={problem('exclude')}
                      // An excluded code credits nobody, so its partner and tracker go with it.
                      onChange={(exclude) => update(rule.key, exclude ? { exclude, partnerId: '', actionTrackerId: '' } : { exclude })}
                    />
                  </td>
                  <td>
                    <button type="button" aria-label={`Delete mapping ${n}`} onClick={() => remove(index)}>
                      Delete
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <div className="toolbar">
        <button type="button" ref={focus.target('add')} onClick={add}>
          Add mapping
        </button>
        <PromoCsv editor={editor} config={config} />
      </div>
      <SaveBar editor={editor} label="Save promo codes" />
      <CodePreview editor={editor} />
    </section>
  );
}

function PromoCsv({ editor, config }: { editor: ConfigEditor<readonly PromoRuleDraft[]>; config: TrackingConfig }) {
  const announce = useAnnounce();
  const inputId = useId();
  const [errors, setErrors] = useState<string[]>([]);

  const exportCsv = () => {
    downloadText('promo-codes.csv', promoRulesToCsv(editor.draft), 'text/csv;charset=utf-8');
    announce(`Exported ${editor.draft.length} mapping${editor.draft.length === 1 ? '' : 's'} to promo-codes.csv.`);
  };
  const importCsv = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    if (!file) return;
    const result = parsePromoCsv(await file.text(), config);
    input.value = '';
    if (!result.ok) {
      setErrors(result.errors);
      announce(`${file.name} was not imported: nothing changed.`);
      return;
    }
    setErrors([]);
    editor.setDraft(() => result.rules);
    announce(`Imported ${result.rules.length} mapping${result.rules.length === 1 ? '' : 's'} from ${file.name}. Save to keep them.`);
  };

  return (
    <>
      <button type="button" onClick={exportCsv}>
        Export CSV
      </button>
      <label htmlFor={inputId}>
        Import CSV
      </label>
      <input
        id={inputId}
        type="file"
        accept=".csv,text/csv"
        className="file-input"
        aria-describedby={`${inputId}-hint`}
        onChange={(event) => void importCsv(event)}
      />
      <span id={`${inputId}-hint`} className="field-hint">
        Columns: match,code,partnerId,actionTrackerId,exclude. An import replaces the table; nothing is saved until you save.
      </span>
      {errors.length > 0 && (
        <div className="alert alert-error" role="alert">
          <p>
            <strong>The file was not imported; nothing changed.</strong>
          </p>
          <ul>
            {errors.map((error) => (
              <li key={error}>{error}</li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

function CodePreview({ editor }: { editor: ConfigEditor<readonly PromoRuleDraft[]> }) {
  const [code, setCode] = useState('');
  const outputId = useId();
  const answer = (() => {
    if (code.trim() === '') return 'Type a code to see which partner it would credit.';
    if (!editor.parsed.ok) return 'Fix the mappings marked above to see the answer.';
    const preview = previewPromoCode(editor.parsed.value, code);
    switch (preview.kind) {
      case 'credits':
        return `${preview.partnerId ? `Credits partner ${preview.partnerId}` : 'Credits no partner'} (action tracker ${preview.actionTrackerId}). ${preview.explain}`;
      case 'excluded':
        return `Excluded: ${preview.explain}.`;
      case 'unmapped':
        return `No partner: ${preview.explain}.`;
    }
  })();
  return (
    <div className="preview">
      <h3>Which partner would this code credit?</h3>
      <TextField label="Promo code to check" value={code} onChange={setCode} hint="Uses the mappings above, saved or not." />
      <output id={outputId} aria-live="polite" aria-label="Preview result" className="preview-answer">
        {answer}
      </output>
    </div>
  );
}
