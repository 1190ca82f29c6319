import { parseTrackingConfig, type TrackingConfig } from '@cartrelay/core/admin-contract';
import Papa from 'papaparse';
import { newRowKey, optional } from './config-editor.ts';
import { describeProblem } from './problem-labels.ts';

type PromoCodeRule = TrackingConfig['promoCodes'][number];

/** A promo-code rule as its table row holds it: every field a string, so half-typed ids stay put. */
export interface PromoRuleDraft {
  readonly key: string;
  readonly match: 'exact' | 'regex';
  readonly code: string;
  readonly partnerId: string;
  readonly actionTrackerId: string;
  readonly exclude: boolean;
}

export const emptyPromoRule = (): PromoRuleDraft => ({ key: newRowKey(), match: 'exact', code: '', partnerId: '', actionTrackerId: '', exclude: false });

export const promoDraft = (rule: PromoCodeRule): PromoRuleDraft => ({
  key: newRowKey(),
  match: rule.match,
  code: rule.code,
  partnerId: rule.partnerId ?? '',
  actionTrackerId: rule.actionTrackerId ?? '',
  exclude: rule.exclude === true,
});

/** The rule as the config schema reads it: empty optional fields left out, `exclude` only when set. */
export function promoRuleInput(draft: PromoRuleDraft): Record<string, unknown> {
  return {
    match: draft.match,
    code: draft.code,
    ...(optional(draft.partnerId) !== undefined && { partnerId: draft.partnerId }),
    ...(optional(draft.actionTrackerId) !== undefined && { actionTrackerId: draft.actionTrackerId }),
    ...(draft.exclude && { exclude: true }),
  };
}

export const PROMO_CSV_COLUMNS = ['match', 'code', 'partnerId', 'actionTrackerId', 'exclude'] as const;

export function promoRulesToCsv(rules: readonly PromoRuleDraft[]): string {
  return Papa.unparse(
    {
      fields: [...PROMO_CSV_COLUMNS],
      data: rules.map((rule) => [rule.match, rule.code, rule.partnerId, rule.actionTrackerId, rule.exclude ? 'true' : 'false']),
    },
    { newline: '\r\n' },
  );
}

export type PromoCsvImport = { readonly ok: true; readonly rules: PromoRuleDraft[] } | { readonly ok: false; readonly errors: string[] };

/**
 * Reads a CSV export back. All or nothing: the rows are checked with the config schema against the
 * rest of `config`, and any problem is reported by its line in the file (line 1 is the header).
 */
export function parsePromoCsv(text: string, config: TrackingConfig): PromoCsvImport {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: 'greedy',
    transformHeader: (header) => header.trim(),
  });
  const fields = parsed.meta.fields ?? [];
  const unknown = fields.filter((field) => !(PROMO_CSV_COLUMNS as readonly string[]).includes(field));
  const missing = ['match', 'code'].filter((field) => !fields.includes(field));
  if (unknown.length > 0 || missing.length > 0) {
    return {
      ok: false,
      errors: [
        `The header must be ${PROMO_CSV_COLUMNS.join(',')}` +
          (missing.length > 0 ? `; missing: ${missing.join(', ')}` : '') +
          (unknown.length > 0 ? `; unknown: ${unknown.join(', ')}` : ''),
      ],
    };
  }

  const errors: string[] = parsed.errors.map((error) => (error.row === undefined ? error.message : `Line ${error.row + 2}: ${error.message}`));
  const inputs = parsed.data.map((row, index) => {
    const cell = (name: string) => (row[name] ?? '').trim();
    const exclude = readFlag(cell('exclude'));
    if (exclude === 'invalid') errors.push(`Line ${index + 2}: exclude must be true or false, not "${cell('exclude')}"`);
    return {
      match: cell('match'),
      code: cell('code'),
      ...(cell('partnerId') !== '' && { partnerId: cell('partnerId') }),
      ...(cell('actionTrackerId') !== '' && { actionTrackerId: cell('actionTrackerId') }),
      ...(exclude === true && { exclude: true }),
    };
  });
  if (inputs.length === 0 && errors.length === 0) errors.push('The file has no mappings under its header.');

  const checked = parseTrackingConfig({ ...config, promoCodes: inputs });
  if (!checked.ok) {
    for (const problem of checked.error) {
      const row = /^promoCodes\[(\d+)\]\.?(.*)$/.exec(problem.path);
      if (!row) {
        errors.push(describeProblem(problem));
        continue;
      }
      // The file's lines, not the table's rows: mapping n is line n + 1 (line 1 is the header).
      const message = problem.message.replace(/\bin row (\d+)\b/, (_, n: string) => `on line ${Number(n) + 1}`);
      errors.push(`Line ${Number(row[1]) + 2}${row[2] ? `, column ${row[2]}` : ''}: ${message}`);
    }
  }
  if (errors.length > 0 || !checked.ok) return { ok: false, errors };
  return { ok: true, rules: checked.value.promoCodes.map(promoDraft) };
}

function readFlag(value: string): boolean | 'invalid' {
  const lower = value.toLowerCase();
  if (['', 'false', 'no', '0'].includes(lower)) return false;
  if (['true', 'yes', '1'].includes(lower)) return true;
  return 'invalid';
}
