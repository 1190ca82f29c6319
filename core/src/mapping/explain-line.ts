/**
 * One decision of the mapping in two forms: `operator`, precise, in the config's and impact.com's own
 * names (`code STAFF50 is excluded by promoCodes[2] (exact STAFF50)`), which `cartrelay map --explain`
 * and `cartrelay actions` print; and `merchant`, a sentence naming things as the admin page does
 * ("Code STAFF50 is excluded by promo mapping 3."), which the admin API returns.
 */
export interface ExplainLine {
  readonly operator: string;
  readonly merchant: string;
}

/** An explanation as stored: orders saved before lines had two forms hold plain strings. */
export type StoredExplainLine = ExplainLine | string;

export const explainLine = (operator: string, merchant: string): ExplainLine => ({ operator, merchant });

export const operatorLines = (lines: readonly StoredExplainLine[]): string[] => lines.map((line) => (typeof line === 'string' ? line : line.operator));

/** The merchant's form of each line; a line stored before there were two forms is shown as it is. */
export const merchantLines = (lines: readonly StoredExplainLine[]): string[] => lines.map((line) => (typeof line === 'string' ? line : line.merchant));

/** How the admin page names a rule: its list's name and its row, counted from 1 ("promo mapping 3"). */
export function merchantRuleName(list: 'promoCodes' | 'skus' | 'customerTags', index: number): string {
  const name = { promoCodes: 'promo mapping', skus: 'SKU rule', customerTags: 'customer tag rule' }[list];
  return `${name} ${index + 1}`;
}
