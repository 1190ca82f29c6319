import type { TrackingConfig } from '@cartrelay/core/admin-contract';
import { CheckboxField, TextField } from '../components/Field.tsx';
import { NeedsProgram } from '../components/NeedsProgram.tsx';
import { type RuleColumn, RuleTable } from '../components/RuleTable.tsx';
import { SaveBar } from '../components/SaveBar.tsx';
import { newRowKey, optional, useConfigEditor } from '../config-editor.ts';
import type { PageProps } from './page-props.ts';

interface TagRuleDraft {
  readonly key: string;
  readonly tag: string;
  readonly status: string;
}

interface CustomerDraft {
  readonly new: string;
  readonly returning: string;
  readonly rules: readonly TagRuleDraft[];
  readonly sendIpAddress: boolean;
  readonly sendUserAgent: boolean;
}

const fromConfig = (config: TrackingConfig): CustomerDraft => ({
  new: config.customerStatus.new ?? '',
  returning: config.customerStatus.returning ?? '',
  rules: config.customerStatus.rules.map((rule) => ({ key: newRowKey(), tag: rule.tag, status: rule.status })),
  sendIpAddress: config.sendIpAddress,
  sendUserAgent: config.sendUserAgent,
});

const applyTo = (draft: CustomerDraft, config: TrackingConfig): unknown => ({
  ...config,
  customerStatus: {
    ...(optional(draft.new) !== undefined && { new: draft.new }),
    ...(optional(draft.returning) !== undefined && { returning: draft.returning }),
    rules: draft.rules.map((rule) => ({ tag: rule.tag, status: rule.status })),
  },
  sendIpAddress: draft.sendIpAddress,
  sendUserAgent: draft.sendUserAgent,
});

const newTagRule = (): TagRuleDraft => ({ key: newRowKey(), tag: '', status: '' });

const COLUMNS: readonly RuleColumn<TagRuleDraft>[] = [
  {
    header: 'Customer tag',
    field: 'tag',
    cell: (rule, cell) => (
      <TextField
        label={cell.label}
        labelHidden
        inputRef={cell.focusTarget}
        value={rule.tag}
        error={cell.error}
          onBlur={cell.touch}
        onChange={(tag) => cell.update({ tag })}
      />
    ),
  },
  {
    header: 'Status sent',
    field: 'status',
    cell: (rule, cell) => (
      <TextField label={cell.label} labelHidden value={rule.status} error={cell.error}
          onBlur={cell.touch} onChange={(status) => cell.update({ status })} />
    ),
  },
];

export function CustomerStatusPage(props: PageProps) {
  if (!props.shop.config) return <NeedsProgram what="customer status" />;
  return <CustomerStatusEditor {...props} config={props.shop.config} />;
}

function CustomerStatusEditor({ api, config, onShopChange }: PageProps & { config: TrackingConfig }) {
  const editor = useConfigEditor<CustomerDraft>({ api, config, onShopChange, fromConfig, applyTo, savedMessage: 'Customer status saved.' });
  const draft = editor.draft;

  return (
    <section aria-labelledby="customer-heading">
      <h2 id="customer-heading">Customer status</h2>
      <p>What impact.com receives as CustomerStatus. A tag rule wins over new/returning; the first matching tag counts.</p>
      <div className="field-row">
        <TextField
          label="New customers"
          value={draft.new}
          hint="Leave blank to send no status for first orders."
          error={editor.problemFor('customerStatus.new')}
          onBlur={() => editor.touch('customerStatus.new')}
          onChange={(value) => editor.setDraft((current) => ({ ...current, new: value }))}
        />
        <TextField
          label="Returning customers"
          value={draft.returning}
          hint="Leave blank to send no status for repeat orders."
          error={editor.problemFor('customerStatus.returning')}
          onBlur={() => editor.touch('customerStatus.returning')}
          onChange={(value) => editor.setDraft((current) => ({ ...current, returning: value }))}
        />
      </div>
      <h3>Tag rules</h3>
      <RuleTable
        caption="Customer tag rules"
        rowName="tag rule"
        columns={COLUMNS}
        rows={draft.rules}
        setRows={(change) => editor.setDraft((current) => ({ ...current, rules: change(current.rules) }))}
        newRow={newTagRule}
        problemPath="customerStatus.rules"
        problemFor={editor.problemFor}
        onTouch={editor.touch}
        empty="No tag rules yet."
      />
      <h3>Shopper data sent with each conversion</h3>
      <p>Neither is sent unless you turn it on here.</p>
      <CheckboxField
        label="Send the shopper’s IP address"
        checked={draft.sendIpAddress}
        hint="impact.com uses it for fraud checks and device matching. It is the shopper’s personal data: cover it in your privacy policy."
        onChange={(sendIpAddress) => editor.setDraft((current) => ({ ...current, sendIpAddress }))}
      />
      <CheckboxField
        label="Send the shopper’s browser (user agent)"
        checked={draft.sendUserAgent}
        hint="impact.com uses it for device matching and fraud checks. It is the shopper’s personal data: cover it in your privacy policy."
        onChange={(sendUserAgent) => editor.setDraft((current) => ({ ...current, sendUserAgent }))}
      />
      <SaveBar id="save-customer-status" editor={editor} label="Save customer status" />
    </section>
  );
}
