import { z } from 'zod';
import { type CurrencyCode, currencyExponent, toCurrencyCode } from '../money/currency.ts';
import { AmountOutOfRangeError, type MinorUnits, parseMinorUnits } from '../money/minor-units.ts';
import { type Result, err, ok } from '../result.ts';
import { type FieldProblem, fieldProblems } from '../validation/format-issues.ts';
import type { PayloadError } from './platform-adapter.ts';

/**
 * zod building blocks every plugin's payload schema uses, so the platforms' quirks (64-bit ids,
 * money as strings or numbers) are read the same way everywhere.
 */

// zod's int() also refuses numbers beyond 2^53: such an id was already rounded by a lossy JSON parse.
const wholeNumberId = z
  .number()
  .int({ error: 'expected a whole-number id below 2^53 (larger ids must be read with parseJson, which keeps them exact)' })
  .nonnegative();

/** A platform id: JSON number, string (parseJson gives integers beyond 2^53 as strings) or bigint → exact decimal string. */
/** Longer ids are no platform's: refused before they reach an index (PostgreSQL's hold about 2,700 bytes). */
const MAX_ID_LENGTH = 255;

export const platformId = z
  .union([z.string().trim().min(1).max(MAX_ID_LENGTH, { error: `expected an id of at most ${MAX_ID_LENGTH} characters` }), wholeNumberId, z.bigint().nonnegative()], {
    error: 'expected an id (a whole number or a non-empty string)',
  })
  .transform((value) => String(value));

/** An id where 0, "" or null means "none" (WooCommerce `variation_id`, BigCommerce `customer_id`). */
export const optionalPlatformId = z
  .union([z.string(), wholeNumberId, z.bigint().nonnegative(), z.null()], {
    error: 'expected an id, 0 or null',
  })
  .optional()
  .transform((value) => {
    if (value === null || value === undefined) return null;
    const text = String(value).trim();
    return text === '' || text === '0' ? null : text;
  });

const DECIMAL = /^[+-]?\d+(\.\d+)?$/;

/** A money amount as the platform sends it: "55.9900", "12.00" or 12.5. Kept as text until the currency is known. */
export const decimalAmount = z
  .union([z.string(), z.number()], { error: 'expected a decimal amount' })
  .transform((value, ctx) => {
    const text = typeof value === 'number' ? String(value) : value.trim();
    if (!DECIMAL.test(text)) {
      ctx.addIssue({ code: 'custom', message: `expected a decimal amount, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return text;
  });

export const currencyCode = z.string({ error: 'expected an ISO 4217 currency code' }).transform((value, ctx) => {
  const code = toCurrencyCode(value);
  if (!code) {
    ctx.addIssue({ code: 'custom', message: `expected an ISO 4217 currency code, got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return code;
});

/** Converts a validated decimal amount into minor units of the order's currency. */
export function toMinorUnits(amount: string, currency: CurrencyCode): MinorUnits {
  const units = parseMinorUnits(amount, currencyExponent(currency));
  // decimalAmount has checked the format; only an absurd magnitude can fail here.
  if (units === null) throw new AmountOutOfRangeError(`amount ${amount} ${currency} is out of range`);
  return units;
}

/**
 * Runs a plugin's amount arithmetic, turning an amount too large to hold exactly into a payload
 * error instead of an exception (the only money failure left once the schema has passed).
 */
export function withAmountsInRange<T>(translate: () => T): Result<T, PayloadError> {
  try {
    return ok(translate());
  } catch (error) {
    if (error instanceof AmountOutOfRangeError) return invalidPayload('(amounts)', error.message);
    throw error;
  }
}

/** Runs a payload schema and returns its problems as PayloadError with field paths. */
export function parsePayload<T>(schema: z.ZodType<T>, payload: unknown): Result<T, PayloadError> {
  const parsed = schema.safeParse(payload);
  return parsed.success ? ok(parsed.data) : err({ code: 'invalid_payload', problems: fieldProblems(parsed.error) });
}

export function invalidPayload(path: string, message: string): Result<never, PayloadError> {
  const problem: FieldProblem = { path, message };
  return err({ code: 'invalid_payload', problems: [problem] });
}

/** ISO-8601 instant with an offset or Z, as impact.com's EventDate wants it. */
export const isoInstant = z.iso.datetime({ offset: true, error: 'expected an ISO-8601 date-time with an offset' });
