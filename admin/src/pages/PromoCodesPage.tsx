import { previewPromoCode, type TrackingConfig } from '@cartrelay/core/admin-contract';
import { type ChangeEvent, useId, useState } from 'react';
import { useAnnounce } from '../components/Announcer.tsx';
import { downloadText } from '../components/download.ts';
import { CheckboxField, SelectField, TextField } from '../components/Field.tsx';
import { NeedsProgram } from '../components/NeedsProgram.tsx';
import { type RuleColumn, RuleTable } from '../components/RuleTable.tsx';
import { SaveBar } from '../components/SaveBar.tsx';
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
  const columns: readonly RuleColumn<PromoRuleDraft>[] = [
    {
      header: 'Match',
      field: 'match',
      cell: (rule, cell) => (
        <SelectField
          label={cell.label}
          labelHidden
          value={rule.match}
          options={MATCH_OPTIONS}
          error={cell.error}
          onBlur={cell.touch}
          onChange={(match) => cell.update({ match })}
        />
      ),
    },
    {
      header: 'Code',
      field: 'code',
      cell: (rule, cell) => (
        <TextField
          label={cell.label}
          labelHidden
          inputRef={cell.focusTarget}
          value={rule.code}
          title={rule.code === '' ? undefined : rule.code}
          error={cell.error}
          onBlur={cell.touch}
          onChange={(code) => cell.update({ code })}
        />
      ),
    },
    {
      header: 'Partner id',
      field: 'partnerId',
      cell: (rule, cell) => (
        <TextField
          label={cell.label}
          labelHidden
          inputMode="numeric"
          value={rule.partnerId}
          disabled={rule.exclude}
          error={cell.error}
          onBlur={cell.touch}
          onChange={(partnerId) => cell.update({ partnerId })}
        />
      ),
    },
    {
      header: 'Action tracker id',
      field: 'actionTrackerId',
      cell: (rule, cell) => (
        <TextField
          label={cell.label}
          labelHidden
          inputMode="numeric"
          placeholder={config.program.actionTrackerId}
          value={rule.actionTrackerId}
          disabled={rule.exclude}
          error={cell.error}
          onBlur={cell.touch}
          onChange={(actionTrackerId) => cell.update({ actionTrackerId })}
        />
      ),
    },
    {
      header: 'Exclude',
      field: 'exclude',
      cell: (rule, cell) => (
        <CheckboxField
          label={cell.label}
          labelHidden
          checked={rule.exclude}
          error={cell.error}
          onBlur={cell.touch}
          // An excluded code credits nobody, so its partner and tracker go with it.
          onChange={(exclude) => cell.update(exclude ? { exclude, partnerId: '', actionTrackerId: '' } : { exclude })}
        />
      ),
    },
  ];

  return (
    <section aria-labelledby="promo-heading">
      <h2 id="promo-heading">Promo codes</h2>
      <p>
        Map promo codes to the partner they credit. Exact codes ignore case; regular expressions do not. An excluded code (staff,
        internal) keeps its orders from being sent.
      </p>
      <RuleTable
        caption="Promo-code mappings"
        rowName="mapping"
        columns={columns}
        rows={editor.draft}
        setRows={editor.setDraft}
        newRow={emptyPromoRule}
        problemPath="promoCodes"
        problemFor={editor.problemFor}
        onTouch={editor.touch}
        empty="No promo-code mappings yet. Add one, or import a CSV file."
        actions={<PromoCsv editor={editor} config={config} />}
      />
      <SaveBar id="save-promo-codes" editor={editor} label="Save promo codes" />
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
