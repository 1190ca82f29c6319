import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyExponent, toCurrencyCode } from './currency.ts';
import { type MinorUnits, formatMinorUnits, multiplyMinorUnits, parseMinorUnits, scaleMinorUnits } from './minor-units.ts';

const units = (n: number) => n as MinorUnits;

describe('currency exponents (ISO 4217 minor units)', () => {
  it.each([
    ['USD', 2],
    ['EUR', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['KWD', 3],
    ['BHD', 3],
    ['ISK', 0],
  ])('%s has %i decimals', (code, exponent) => {
    expect(currencyExponent(toCurrencyCode(code)!)).toBe(exponent);
  });

  it('accepts known codes in any case and rejects the rest', () => {
    expect(toCurrencyCode('usd')).toBe('USD');
    expect(toCurrencyCode('XYZ')).toBeNull();
    expect(toCurrencyCode('US')).toBeNull();
    expect(toCurrencyCode('')).toBeNull();
  });
});

describe('parseMinorUnits', () => {
  it('reads decimal strings exactly', () => {
    expect(parseMinorUnits('55.99', 2)).toBe(5599);
    expect(parseMinorUnits('0.10', 2)).toBe(10);
    expect(parseMinorUnits('1000', 0)).toBe(1000);
    expect(parseMinorUnits('1.234', 3)).toBe(1234);
    expect(parseMinorUnits('-3.50', 2)).toBe(-350);
  });

  it('reads JSON numbers (WooCommerce line price, Shopify refund subtotal)', () => {
    expect(parseMinorUnits(12.5, 2)).toBe(1250);
    expect(parseMinorUnits(3, 2)).toBe(300);
    expect(parseMinorUnits(0.1 + 0.2, 2)).toBe(30);
  });

  it('rounds BigCommerce four-decimal amounts half away from zero', () => {
    expect(parseMinorUnits('55.9900', 2)).toBe(5599);
    expect(parseMinorUnits('62.6793', 2)).toBe(6268);
    expect(parseMinorUnits('62.6749', 2)).toBe(6267);
    expect(parseMinorUnits('0.0050', 2)).toBe(1);
    expect(parseMinorUnits('-0.0050', 2)).toBe(-1);
    expect(parseMinorUnits('1000.50', 0)).toBe(1001);
  });

  it('rejects anything that is not a plain decimal', () => {
    for (const bad of ['', 'abc', '1,5', '1e3', '.5', '5.', 'NaN', ' ', '--1']) expect(parseMinorUnits(bad, 2)).toBeNull();
    expect(parseMinorUnits(Number.NaN, 2)).toBeNull();
    expect(parseMinorUnits(1e21, 2)).toBeNull();
    expect(parseMinorUnits('99999999999999999999', 2)).toBeNull();
  });
});

describe('formatMinorUnits', () => {
  it('writes the currency digits', () => {
    expect(formatMinorUnits(units(5599), 2)).toBe('55.99');
    expect(formatMinorUnits(units(5), 2)).toBe('0.05');
    expect(formatMinorUnits(units(0), 2)).toBe('0.00');
    expect(formatMinorUnits(units(1000), 0)).toBe('1000');
    expect(formatMinorUnits(units(1234), 3)).toBe('1.234');
    expect(formatMinorUnits(units(-350), 2)).toBe('-3.50');
  });

  it('round-trips with parseMinorUnits for any amount and exponent', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 4 }), (n, exponent) => {
        expect(parseMinorUnits(formatMinorUnits(units(n), exponent), exponent)).toBe(n);
      }),
    );
  });
});

describe('scaleMinorUnits and multiplyMinorUnits', () => {
  it('scales exactly, rounding half away from zero', () => {
    expect(scaleMinorUnits(units(1200), units(1000), units(1200))).toBe(1000);
    expect(scaleMinorUnits(units(1000), units(1), units(3))).toBe(333);
    expect(scaleMinorUnits(units(1000), units(2), units(3))).toBe(667);
    expect(scaleMinorUnits(units(-1000), units(2), units(3))).toBe(-667);
  });

  it('refuses results beyond exact integers', () => {
    expect(() => multiplyMinorUnits(units(Number.MAX_SAFE_INTEGER), 2)).toThrow(RangeError);
    expect(multiplyMinorUnits(units(1999), 3)).toBe(5997);
  });
});
