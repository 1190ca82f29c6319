/**
 * ISO 4217 minor-unit exponents. Most currencies have two decimals; these are the exceptions
 * (ISO 4217 "minor unit" column). Kept as data rather than read from Intl because ICU's
 * display digits differ from ISO for several currencies (e.g. IQD, LAK, RSD).
 */
const EXPONENT_EXCEPTIONS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0,
  UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

const KNOWN_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

export type CurrencyCode = string & { readonly __brand: 'CurrencyCode' };

/** An ISO 4217 alphabetic code the runtime knows, upper-cased; null when it is not one. */
export function toCurrencyCode(raw: string): CurrencyCode | null {
  const code = raw.trim().toUpperCase();
  return /^[A-Z]{3}$/.test(code) && KNOWN_CURRENCIES.has(code) ? (code as CurrencyCode) : null;
}

/** Digits after the decimal point in the currency's minor unit: JPY 0, USD 2, KWD 3. */
export function currencyExponent(currency: CurrencyCode): number {
  return EXPONENT_EXCEPTIONS[currency] ?? 2;
}
