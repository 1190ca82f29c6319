import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWellFormedJson } from './is-well-formed-json.ts';

/** The reference: what JSON.parse says of the bytes decoded as UTF-8. */
function parses(bytes: Uint8Array): boolean {
  try {
    JSON.parse(Buffer.from(bytes).toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

const check = (text: string) => isWellFormedJson(Buffer.from(text, 'utf8'));

describe('isWellFormedJson', () => {
  it('accepts JSON texts of every kind', () => {
    for (const text of ['{}', '[]', ' {"a": [1, -0.5e+3, "x\\u00e9\\n", true, false, null, {}]} ', '"s"', '0', '-12.5E-2', '[[[[]]]]', '{"é":"€"}']) {
      expect(check(text), text).toBe(true);
    }
  });

  it('refuses what JSON.parse refuses', () => {
    for (const text of ['', ' ', '{', '{"a":1,}', '[1,]', '[01]', '1.', '.5', '-', '+1', '1e', '"\\x"', '"\\u12g4"', '"a\tb"', "{'a':1}", '{"a" 1}', '{1:2}', 'tru', 'nul', '[] []', '\ufeff{}', 'NaN', '"unterminated']) {
      expect(check(text), text).toBe(false);
    }
  });

  it('agrees with JSON.parse on any JSON value and any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.json().map((text) => JSON.stringify(JSON.parse(text), null, 2)), fc.string(), fc.string({ unit: 'binary' })), (text) => {
        expect(check(text)).toBe(parses(Buffer.from(text, 'utf8')));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with JSON.parse when one character of a JSON text is changed, dropped or doubled', () => {
    const edited = fc.tuple(fc.json(), fc.nat(), fc.constantFrom('drop', 'double', 'replace'), fc.constantFrom(...'{}[]",:\\ 0-.eEtfnu\u0001\u00ff')).map(([text, at, edit, ch]) => {
      const i = at % (text.length + 1);
      if (edit === 'drop') return text.slice(0, i) + text.slice(i + 1);
      if (edit === 'double') return text.slice(0, i) + text.slice(i, i + 1) + text.slice(i);
      return text.slice(0, i) + ch + text.slice(i + 1);
    });
    fc.assert(
      fc.property(edited, (text) => {
        expect(check(text)).toBe(parses(Buffer.from(text, 'utf8')));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with JSON.parse on arbitrary bytes, invalid UTF-8 included', () => {
    const json = fc.json().map((text) => [...Buffer.from(text)]);
    fc.assert(
      fc.property(fc.tuple(json, fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 4 }), fc.nat()), ([bytes, noise, at]) => {
        const i = at % (bytes.length + 1);
        const mixed = Uint8Array.from([...bytes.slice(0, i), ...noise, ...bytes.slice(i)]);
        expect(isWellFormedJson(mixed)).toBe(parses(mixed));
      }),
      { numRuns: 3000 },
    );
  });

  it('has no depth limit', () => {
    expect(check(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toBe(true);
    expect(check(`${'['.repeat(100_000)}${']'.repeat(99_999)}`)).toBe(false);
  });
});
