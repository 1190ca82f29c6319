import type { ExplainLine } from './explain-line.ts';

/**
 * What mapping produces: impact.com Conversions API fields (flat names → string values, exactly
 * as they are form-encoded), or a deliberate skip, each with the decisions that led to it.
 */
export type ConversionFields = Readonly<Record<string, string>>;

export const CONVERSIONS_PATH = '/Advertisers/{AccountSID}/Conversions';

export interface ConversionRequest {
  readonly method: 'POST';
  readonly path: typeof CONVERSIONS_PATH;
  readonly fields: ConversionFields;
}

export type SkipCode =
  | 'test_order'
  | 'not_triggered'
  | 'excluded_code'
  | 'no_items'
  | 'unattributable'
  | 'invalid_order';

export type Mapping =
  | { readonly decision: 'submit'; readonly request: ConversionRequest; readonly explain: readonly ExplainLine[] }
  | {
      readonly decision: 'skip';
      readonly code: SkipCode;
      readonly reason: string;
      /** The reason as the admin page says it ("code STAFF50 is excluded by promo mapping 3"). */
      readonly merchantReason: string;
      readonly explain: readonly ExplainLine[];
    };

/**
 * impact.com's documented field sizes (Conversions POST). Identity fields that do not fit are an
 * error; descriptive ones are cut to fit.
 */
export const FIELD_LIMITS = {
  OrderId: 64,
  ClickId: 64,
  SharedId: 255,
  OrderPromoCode: 255,
  CustomerId: 255,
  CustomerStatus: 40,
  UserAgent: 255,
  ItemSku: 255,
  ItemCategory: 255,
  ItemName: 255,
} as const;

/** Cuts a string to at most `max` characters (code points, so no half surrogate pairs). */
export function truncate(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length <= max ? value : chars.slice(0, max).join('');
}
