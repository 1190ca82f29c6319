import type { TrackingConfig } from '@cartrelay/core/admin-contract';
import { CheckboxField, SelectField, TextField } from '../components/Field.tsx';
import { NeedsProgram } from '../components/NeedsProgram.tsx';
import { type RuleColumn, RuleTable } from '../components/RuleTable.tsx';
import { SaveBar } from '../components/SaveBar.tsx';
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

const newSkuRule = (): SkuRuleDraft => ({ key: newRowKey(), match: 'prefix', sku: '', category: '', exclude: false });

const COLUMNS: readonly RuleColumn<SkuRuleDraft>[] = [
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
    header: 'SKU',
    field: 'sku',
    cell: (rule, cell) => (
      <TextField
        label={cell.label}
        labelHidden
        inputRef={cell.focusTarget}
        value={rule.sku}
        title={rule.sku === '' ? undefined : rule.sku}
        error={cell.error}
          onBlur={cell.touch}
        onChange={(sku) => cell.update({ sku })}
      />
    ),
  },
  {
    header: 'Category',
    field: 'category',
    cell: (rule, cell) => (
      <TextField
        label={cell.label}
        labelHidden
        value={rule.category}
        disabled={rule.exclude}
        error={cell.error}
          onBlur={cell.touch}
        onChange={(category) => cell.update({ category })}
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
        onChange={(exclude) => cell.update(exclude ? { exclude, category: '' } : { exclude })}
      />
    ),
  },
];

export function SkuRulesPage(props: PageProps) {
  if (!props.shop.config) return <NeedsProgram what="SKU rules" />;
  return <SkuRulesEditor {...props} config={props.shop.config} />;
}

function SkuRulesEditor({ api, config, onShopChange }: PageProps & { config: TrackingConfig }) {
  const editor = useConfigEditor<SkuDraft>({ api, config, onShopChange, fromConfig, applyTo, savedMessage: 'SKU rules saved.' });

  return (
    <section aria-labelledby="sku-heading">
      <h2 id="sku-heading">SKU rules</h2>
      <p>
        Give products a category for impact.com, or exclude them (gift cards, warranties) from conversions. The first matching
        rule wins; SKUs are matched case-sensitively.
      </p>
      <RuleTable
        caption="SKU rules"
        rowName="SKU rule"
        columns={COLUMNS}
        rows={editor.draft.rules}
        setRows={(change) => editor.setDraft((draft) => ({ ...draft, rules: change(draft.rules) }))}
        newRow={newSkuRule}
        problemPath="skus"
        problemFor={editor.problemFor}
        onTouch={editor.touch}
        empty="No SKU rules yet: every product is sent with the default category."
      />
      <TextField
        label="Default category"
        value={editor.draft.defaultCategory}
        hint="Sent for products no rule gives a category."
        error={editor.problemFor('defaultCategory')}
          onBlur={() => editor.touch('defaultCategory')}
        onChange={(value) => editor.setDraft((draft) => ({ ...draft, defaultCategory: value }))}
      />
      <SaveBar id="save-sku-rules" editor={editor} label="Save SKU rules" />
    </section>
  );
}
