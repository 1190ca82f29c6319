import { type Result, err, ok } from '../result.ts';

/**
 * JSON.parse that keeps integers beyond 2^53 exact: they come back as bigint instead of a rounded
 * number. Shopify ids are 64-bit (820982911946154508 would otherwise become ...500).
 * Uses the reviver's source text (JSON.parse source access, Node ≥ 21).
 */
export function parseJson(text: string): Result<unknown, string> {
  try {
    // The reviver costs a call per value: only pay for it when a number could be that long.
    return ok(/\d{16}/.test(text) ? JSON.parse(text, keepLargeIntegers) : JSON.parse(text));
  } catch (error) {
    return err(error instanceof Error ? error.message : String(error));
  }
}

function keepLargeIntegers(this: unknown, _key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value === 'number' && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source)) {
    return BigInt(context.source);
  }
  return value;
}
