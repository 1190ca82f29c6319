import type { ReactNode } from 'react';
import { EmptyState } from './LoadState.tsx';
import { TableScroll } from './TableScroll.tsx';
import { useRowFocus } from './useRowFocus.ts';

/** What a column's cell gets to render one rule's field. */
export interface RuleCell<R> {
  /** The field's accessible name: the column header and the row, e.g. "Code, mapping 1". */
  label: string;
  /** The schema's message for this column's field in this row. */
  error: string | undefined;
  /** Changes this row's rule. */
  update: (change: Partial<R>) => void;
  /** Call when the field loses focus: its error shows from then on. */
  touch: () => void;
  /** Ref for the field focused when its row is added, or when it takes a deleted row's place. */
  focusTarget: (element: HTMLElement | null) => void;
}

export interface RuleColumn<R> {
  /** The column header, which also starts each cell's label. */
  header: string;
  /** The rule's field, as the schema names it in problem paths (e.g. `partnerId`). */
  field: Exclude<keyof R, 'key'> & string;
  cell: (rule: R, cell: RuleCell<R>) => ReactNode;
}

/**
 * An editable table of rules, numbered, with a delete button a row and an "Add …" button below;
 * focus follows rows as they are added and deleted. Each page declares its columns and their cells.
 */
export function RuleTable<R extends { readonly key: string }>({
  caption,
  rowName,
  columns,
  rows,
  setRows,
  newRow,
  problemPath,
  problemFor,
  onTouch,
  empty,
  actions,
}: {
  /** Read by screen readers only, e.g. "Promo-code mappings". */
  caption: string;
  /** What a row is called in labels: "mapping" gives "Code, mapping 1", "Delete mapping 1" and "Add mapping". */
  rowName: string;
  columns: readonly RuleColumn<R>[];
  rows: readonly R[];
  setRows: (change: (rows: readonly R[]) => readonly R[]) => void;
  newRow: () => R;
  /** Where the schema reports these rows' problems: `promoCodes` for `promoCodes[0].code`. */
  problemPath: string;
  /** The message to show for a path; `touchId` names the field for touched-state (stable across deletes). */
  problemFor: (path: string, touchId: string) => string | undefined;
  onTouch: (touchId: string) => void;
  /** Shown instead of the table while there are no rows. */
  empty: ReactNode;
  /** More buttons for the toolbar, after the add button. */
  actions?: ReactNode;
}) {
  const focus = useRowFocus();

  const update = (key: string, change: Partial<R>) =>
    setRows((current) => current.map((rule) => (rule.key === key ? { ...rule, ...change } : rule)));
  const add = () => {
    const rule = newRow();
    setRows((current) => [...current, rule]);
    focus.focusAfterRender(rule.key);
  };
  const remove = (index: number) => {
    focus.afterDelete(
      rows.map((rule) => rule.key),
      index,
      'add',
    );
    setRows((current) => current.filter((_, i) => i !== index));
  };

  return (
    <>
      {rows.length === 0 ? (
        <EmptyState>{empty}</EmptyState>
      ) : (
        <TableScroll>
        <table className="rules">
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              {columns.map((column) => (
                <th key={column.field} scope="col">
                  {column.header}
                </th>
              ))}
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((rule, index) => {
              const n = index + 1;
              return (
                <tr key={rule.key}>
                  <th scope="row">{n}</th>
                  {columns.map((column) => (
                    <td key={column.field}>
                      {column.cell(rule, {
                        label: `${column.header}, ${rowName} ${n}`,
                        error: problemFor(`${problemPath}[${index}].${column.field}`, `${rule.key}.${column.field}`),
                        touch: () => onTouch(`${rule.key}.${column.field}`),
                        update: (change) => update(rule.key, change),
                        focusTarget: focus.target(rule.key),
                      })}
                    </td>
                  ))}
                  <td>
                    <button type="button" aria-label={`Delete ${rowName} ${n}`} onClick={() => remove(index)}>
                      Delete
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        </TableScroll>
      )}
      <div className="toolbar">
        <button type="button" ref={focus.target('add')} onClick={add}>
          {`Add ${rowName}`}
        </button>
        {actions}
      </div>
    </>
  );
}
