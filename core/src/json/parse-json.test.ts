import { describe, expect, it } from 'vitest';
import { parseJson } from './parse-json.ts';

describe('parseJson', () => {
  it('keeps integers beyond 2^53 exact as bigint', () => {
    const parsed = parseJson('{"id": 820982911946154508, "small": 42, "price": 1.5}');
    expect(parsed).toEqual({ ok: true, value: { id: 820982911946154508n, small: 42, price: 1.5 } });
  });

  it('leaves large non-integers as numbers', () => {
    expect(parseJson('[1e30, 12345678901234567890.5]')).toEqual({ ok: true, value: [1e30, Number('12345678901234567890.5')] });
  });

  it('returns the syntax error as a value', () => {
    const parsed = parseJson('{"a": ');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(/JSON/);
  });
});
