import type { TrackingConfig } from '@cartrelay/core/admin-contract';
import { TextField } from '../components/Field.tsx';
import { EmptyState } from '../components/LoadState.tsx';
import { NeedsProgram } from '../components/NeedsProgram.tsx';
import { SaveBar } from '../components/SaveBar.tsx';
import { useRowFocus } from '../components/useRowFocus.ts';
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
}

const fromConfig = (config: TrackingConfig): CustomerDraft => ({
  new: config.customerStatus.new ?? '',
  returning: config.customerStatus.returning ?? '',
  rules: config.customerStatus.rules.map((rule) => ({ key: newRowKey(), tag: rule.tag, status: rule.status })),
});

const applyTo = (draft: CustomerDraft, config: TrackingConfig): unknown => ({
  ...config,
  customerStatus: {
    ...(optional(draft.new) !== undefined && { new: draft.new }),
    ...(optional(draft.returning) !== undefined && { returning: draft.returning }),
    rules: draft.rules.map((rule) => ({ tag: rule.tag, status: rule.status })),
  },
});

export function CustomerStatusPage(props: PageProps) {
  if (!props.shop.config) return <NeedsProgram what="customer status" />;
  return <CustomerStatusEditor {...props} config={props.shop.config} />;
}

function CustomerStatusEditor({ api, config, onShopChange }: PageProps & { config: TrackingConfig }) {
  const editor = useConfigEditor<CustomerDraft>({ api, config, onShopChange, fromConfig, applyTo, savedMessage: 'Customer status saved.' });
  const draft = editor.draft;
  const focus = useRowFocus();

  const setRules = (change: (rules: readonly TagRuleDraft[]) => readonly TagRuleDraft[]) =>
    editor.setDraft((current) => ({ ...current, rules: change(current.rules) }));
  const update = (key: string, change: Partial<TagRuleDraft>) =>
    setRules((rules) => rules.map((rule) => (rule.key === key ? { ...rule, ...change } : rule)));
  const add = () => {
    const rule: TagRuleDraft = { key: newRowKey(), tag: '', status: '' };
    setRules((rules) => [...rules, rule]);
    focus.focusAfterRender(rule.key);
  };
  const remove = (index: number) => {
    focus.afterDelete(
      draft.rules.map((rule) => rule.key),
      index,
      'add',
    );
    setRules((rules) => rules.filter((_, i) => i !== index));
  };

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
          onChange={(value) => editor.setDraft((current) => ({ ...current, new: value }))}
        />
        <TextField
          label="Returning customers"
          value={draft.returning}
          hint="Leave blank to send no status for repeat orders."
          error={editor.problemFor('customerStatus.returning')}
          onChange={(value) => editor.setDraft((current) => ({ ...current, returning: value }))}
        />
      </div>
      <h3>Tag rules</h3>
      {draft.rules.length === 0 ? (
        <EmptyState>No tag rules yet.</EmptyState>
      ) : (
        <table className="rules">
          <caption className="visually-hidden">Customer tag rules</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Customer tag</th>
              <th scope="col">Status sent</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {draft.rules.map((rule, index) => {
              const n = index + 1;
              const problem = (field: string) => editor.problemFor(`customerStatus.rules[${index}].${field}`);
              return (
                <tr key={rule.key}>
                  <th scope="row">{n}</th>
                  <td>
                    <TextField
                      label={`Customer tag, tag rule ${n}`}
                      labelHidden
                      inputRef={focus.target(rule.key)}
                      value={rule.tag}
                      error={problem('tag')}
                      onChange={(tag) => update(rule.key, { tag })}
                    />
                  </td>
                  <td>
                    <TextField
                      label={`Status sent, tag rule ${n}`}
                      labelHidden
                      value={rule.status}
                      error={problem('status')}
                      onChange={(status) => update(rule.key, { status })}
                    />
                  </td>
                  <td>
                    <button type="button" aria-label={`Delete tag rule ${n}`} onClick={() => remove(index)}>
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
          Add tag rule
        </button>
      </div>
      <SaveBar editor={editor} label="Save customer status" />
    </section>
  );
}
