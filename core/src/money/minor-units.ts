/**
 * Money as an exact integer count of the currency's minor unit (cents, yen, fils).
 * Decimal strings from the platforms are parsed digit by digit, never through floating point.
 */
export type MinorUnits = number & { readonly __brand: 'MinorUnits' };

export const ZERO = 0 as MinorUnits;

/** An amount too large to hold exactly (beyond 2^53 minor units): bad input, not a bug. */
export class AmountOutOfRangeError extends RangeError {
  override readonly name = 'AmountOutOfRangeError';
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal amount ("55.9900", "1000", 12.5) into minor units of a currency with the given
 * exponent. Extra digits (BigCommerce sends four decimals) are rounded half away from zero.
 * Returns null for anything that is not a plain decimal number or does not fit exactly.
 */
export function parseMinorUnits(amount: string | number, exponent: number): MinorUnits | null {
  const text = typeof amount === 'number' ? numberToDecimalText(amount) : amount.trim();
  if (text === null) return null;
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const [, sign = '', whole = '', fraction = ''] = match;
  const kept = fraction.slice(0, exponent).padEnd(exponent, '0');
  let units = BigInt(whole + kept);
  const firstDropped = fraction.charCodeAt(exponent) - 48; // NaN when nothing is dropped
  if (firstDropped >= 5) units += 1n;
  if (sign === '-' && units !== 0n) units = -units;
  return bigintToMinorUnits(units);
}

/** Formats minor units as the decimal string impact.com expects: 5599 USD → "55.99", 1000 JPY → "1000". */
export function formatMinorUnits(units: MinorUnits, exponent: number): string {
  const negative = units < 0;
  const digits = Math.abs(units).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${negative ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}`;
}

/**
 * amount × numerator ÷ denominator, rounded half away from zero, computed exactly in integers.
 * Used to take tax out of tax-inclusive amounts in proportion.
 */
export function scaleMinorUnits(amount: MinorUnits, numerator: MinorUnits, denominator: MinorUnits): MinorUnits {
  if (denominator === 0) throw new RangeError('scaleMinorUnits: denominator is zero');
  const product = BigInt(amount) * BigInt(numerator);
  const den = BigInt(denominator);
  const negative = product < 0n !== den < 0n;
  const absProduct = product < 0n ? -product : product;
  const absDen = den < 0n ? -den : den;
  const rounded = (absProduct * 2n + absDen) / (absDen * 2n);
  const result = bigintToMinorUnits(negative ? -rounded : rounded);
  if (result === null) throw new AmountOutOfRangeError(`${amount} × ${numerator} ÷ ${denominator} is out of range`);
  return result;
}

/** Unit amount × quantity, exact; throws AmountOutOfRangeError past 2^53 minor units. */
export function multiplyMinorUnits(amount: MinorUnits, quantity: number): MinorUnits {
  const result = bigintToMinorUnits(BigInt(amount) * BigInt(quantity));
  if (result === null) throw new AmountOutOfRangeError(`${amount} × ${quantity} is out of range`);
  return result;
}

export function sumMinorUnits(amounts: Iterable<MinorUnits>): MinorUnits {
  let total = 0n;
  for (const amount of amounts) total += BigInt(amount);
  const result = bigintToMinorUnits(total);
  if (result === null) throw new AmountOutOfRangeError(`sum ${total} is out of range`);
  return result;
}

function bigintToMinorUnits(units: bigint): MinorUnits | null {
  if (units > BigInt(Number.MAX_SAFE_INTEGER) || units < -BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return Number(units) as MinorUnits;
}

/** Platforms sometimes send amounts as JSON numbers (Woo line `price`, Shopify refund `subtotal`). */
function numberToDecimalText(amount: number): string | null {
  if (!Number.isFinite(amount)) return null;
  const text = String(amount);
  return /e/i.test(text) ? null : text;
}
