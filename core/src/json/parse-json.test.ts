import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJson } from './parse-json.ts';

/** The reference: JSON.parse, turning each unsafe integer literal into its source text. */
const reference = (text: string) =>
  JSON.parse(text, (_key, value, context?: { source?: string }) =>
    typeof value === 'number' && context?.source && /^-?\d+$/.test(context.source) && !Number.isSafeInteger(value) ? context.source : value,
  );

describe('parseJson', () => {
  it('keeps integers beyond 2^53 exact, as decimal strings', () => {
    const parsed = parseJson('{"id": 820982911946154508, "small": 42, "price": 1.5, "neg": -98765432109876543210}');
    expect(parsed).toEqual({ ok: true, value: { id: '820982911946154508', small: 42, price: 1.5, neg: '-98765432109876543210' } });
  });

  it('never touches digits inside strings, escaped quotes included', () => {
    const text = '{"note":"call 12345678901234567890 \\"now\\" 99999999999999999","n":[12345678901234567890,1e30,12345678901234567.5]}';
    expect(parseJson(text)).toEqual({
      ok: true,
      value: { note: 'call 12345678901234567890 "now" 99999999999999999', n: ['12345678901234567890', 1e30, Number('12345678901234567.5')] },
    });
  });

  it('leaves safe integers of 16 digits as numbers', () => {
    expect(parseJson('[1234567890123456, 9007199254740991]')).toEqual({ ok: true, value: [1234567890123456, 9007199254740991] });
  });

  it('agrees with JSON.parse on any JSON, unsafe integers aside (checked against a source-access reviver)', () => {
    const longIntegers = fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((n) => JSON.stringify({ n: `@${n}@` }).replace(/"@(-?\d+)@"/, '$1'));
    // Strings as a database stores them: well formed, without NUL (see the test below).
    const storableJson = fc.jsonValue().filter((v) => !/\\u(0000|d[89a-f])/i.test(JSON.stringify(v)));
    fc.assert(
      fc.property(fc.oneof(storableJson.map((v) => JSON.stringify(v)), longIntegers, storableJson.map((v) => JSON.stringify(v, null, 2))), (text) => {
        expect(parseJson(text)).toEqual({ ok: true, value: reference(text) });
      }),
      { numRuns: 1000 },
    );
  });

  it('makes every string storable: an escaped NUL or an unpaired surrogate becomes U+FFFD, a proper pair stays', () => {
    const parsed = parseJson('{"id":"58\\u0000","note":"half \\ud83d emoji","ok":"\\ud83d\\ude00","k\\u0000":[ "\\udc00" ]}');
    expect(parsed).toEqual({ ok: true, value: { id: '58\uFFFD', note: 'half \uFFFD emoji', ok: '😀', 'k\uFFFD': ['\uFFFD'] } });
  });

  it('agrees with JSON.parse then U+FFFD for what a database cannot store, on any JSON', () => {
    const cleaned = (value: unknown): unknown =>
      typeof value === 'string'
        ? value.toWellFormed().replaceAll('\u0000', '\uFFFD')
        : Array.isArray(value)
          ? value.map(cleaned)
          : value !== null && typeof value === 'object'
            ? Object.fromEntries(Object.entries(value).map(([k, v]) => [cleaned(k), cleaned(v)]))
            : value;
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), (value) => {
        const text = JSON.stringify(value);
        expect(parseJson(text)).toEqual({ ok: true, value: cleaned(reference(text)) });
      }),
      { numRuns: 500 },
    );
  });

  it('returns the syntax error as a value', () => {
    const parsed = parseJson('{"a": ');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(/JSON/);
  });
});
