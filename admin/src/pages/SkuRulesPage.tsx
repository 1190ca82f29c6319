import type { TrackingConfig } from '@cartrelay/core/admin-contract';
import { CheckboxField, SelectField, TextField } from '../components/Field.tsx';
import { EmptyState } from '../components/LoadState.tsx';
import { NeedsProgram } from '../components/NeedsProgram.tsx';
import { SaveBar } from '../components/SaveBar.tsx';
import { useRowFocus } from '../components/useRowFocus.ts';
import { newRowKey, optional, useConfigEditor } from '../config-editor.ts';
import type { PageProps } from './page-props.ts';

type SkuMatch = 'exact' | 'prefix' | 'regex';

interface SkuRuleDraft {
  readonly key: string;
  readonly match: SkuMatch;
  readonly sku: string;
  readonly category: string;
  readonly exclude: boolean;
}

interface SkuDraft {
  readonly rules: readonly SkuRuleDraft[];
  readonly defaultCategory: string;
}

const MATCH_OPTIONS = [
  { value: 'exact', label: 'Exact SKU' },
  { value: 'prefix', label: 'Starts with' },
  { value: 'regex', label: 'Regular expression' },
] as const;

const fromConfig = (config: TrackingConfig): SkuDraft => ({
  rules: config.skus.map((rule) => ({
    key: newRowKey(),
    match: rule.match,
    sku: rule.sku,
    category: rule.category ?? '',
    exclude: rule.exclude === true,
  })),
  defaultCategory: config.defaultCategory,
});

const applyTo = (draft: SkuDraft, config: TrackingConfig): unknown => ({
  ...config,
  defaultCategory: draft.defaultCategory,
  skus: draft.rules.map((rule) => ({
    match: rule.match,
    sku: rule.sku,
    ...(optional(rule.category) !== undefined && { category: rule.category }),
    ...(rule.exclude && { exclude: true }),
  })),
});

export function SkuRulesPage(props: PageProps) {
  if (!props.shop.config) return <NeedsProgram what="SKU rules" />;
  return <SkuRulesEditor {...props} config={props.shop.config} />;
}

function SkuRulesEditor({ api, config, onShopChange }: PageProps & { config: TrackingConfig }) {
  const editor = useConfigEditor<SkuDraft>({ api, config, onShopChange, fromConfig, applyTo, savedMessage: 'SKU rules saved.' });
  const { rules, defaultCategory } = editor.draft;
  const focus = useRowFocus();

  const setRules = (change: (rules: readonly SkuRuleDraft[]) => readonly SkuRuleDraft[]) =>
    editor.setDraft((draft) => ({ ...draft, rules: change(draft.rules) }));
  const update = (key: string, change: Partial<SkuRuleDraft>) =>
    setRules((current) => current.map((rule) => (rule.key === key ? { ...rule, ...change } : rule)));
  const add = () => {
    const rule: SkuRuleDraft = { key: newRowKey(), match: 'prefix', sku: '', category: '', exclude: false };
    setRules((current) => [...current, rule]);
    focus.focusAfterRender(rule.key);
  };
  const remove = (index: number) => {
    focus.afterDelete(
      rules.map((rule) => rule.key),
      index,
      'add',
    );
    setRules((current) => current.filter((_, i) => i !== index));
  };

  return (
    <section aria-labelledby="sku-heading">
      <h2 id="sku-heading">SKU rules</h2>
      <p>
        Give products a category for impact.com, or exclude them (gift cards, warranties) from conversions. The first matching
        rule wins; SKUs are matched case-sensitively.
      </p>
      {rules.length === 0 ? (
        <EmptyState>No SKU rules yet: every product is sent with the default category.</EmptyState>
      ) : (
        <table className="rules">
          <caption className="visually-hidden">SKU rules</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Match</th>
              <th scope="col">SKU</th>
              <th scope="col">Category</th>
              <th scope="col">Exclude</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rules.map((rule, index) => {
              const n = index + 1;
              const problem = (field: string) => editor.problemFor(`skus[${index}].${field}`);
              return (
                <tr key={rule.key}>
                  <th scope="row">{n}</th>
                  <td>
                    <SelectField
                      label={`Match, SKU rule ${n}`}
                      labelHidden
                      value={rule.match}
                      options={MATCH_OPTIONS}
                      error={problem('match')}
                      onChange={(match) => update(rule.key, { match })}
                    />
                  </td>
                  <td>
                    <TextField
                      label={`SKU, SKU rule ${n}`}
                      labelHidden
                      inputRef={focus.target(rule.key)}
                      value={rule.sku}
                      error={problem('sku')}
                      onChange={(sku) => update(rule.key, { sku })}
                    />
                  </td>
                  <td>
                    <TextField
                      label={`Category, SKU rule ${n}`}
                      labelHidden
                      value={rule.category}
                      disabled={rule.exclude}
                      error={problem('category')}
                      onChange={(category) => update(rule.key, { category })}
                    />
                  </td>
                  <td>
                    <CheckboxField
                      label={`Exclude, SKU rule ${n}`}
                      labelHidden
                      checked={rule.exclude}
                      error={problem('exclude')}
                      onChange={(exclude) => update(rule.key, exclude ? { exclude, category: '' } : { exclude })}
                    />
                  </td>
                  <td>
                    <button type="button" aria-label={`Delete SKU rule ${n}`} onClick={() => remove(index)}>
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
          Add SKU rule
        </button>
      </div>
      <TextField
        label="Default category"
        value={defaultCategory}
        hint="Sent for products no rule gives a category."
        error={editor.problemFor('defaultCategory')}
        onChange={(value) => editor.setDraft((draft) => ({ ...draft, defaultCategory: value }))}
      />
      <SaveBar editor={editor} label="Save SKU rules" />
    </section>
  );
}
