import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CurrencyCode } from '../money/currency.ts';
import { type MinorUnits, parseMinorUnits } from '../money/minor-units.ts';
import type { LineItem } from '../order/order.ts';
import { aConfig, aLine, anOrder } from '../testing/builders.ts';
import { mapOrder } from './map-order.ts';

const now = new Date('2026-06-01T00:00:00Z');

const lineArbitrary: fc.Arbitrary<LineItem> = fc
  .record({
    id: fc.integer({ min: 1, max: 1e9 }).map(String),
    sku: fc.constantFrom('A-1', 'A-2', 'B-1', 'GC-10', '', null, '  A-1 '),
    variantId: fc.option(fc.constantFrom('V1', 'V2'), { nil: null }),
    quantity: fc.integer({ min: 0, max: 20 }),
    unit: fc.integer({ min: 0, max: 100_000 }),
    discountShare: fc.double({ min: 0, max: 1, noNaN: true }),
    giftCard: fc.boolean(),
  })
  .map(({ id, sku, variantId, quantity, unit, discountShare, giftCard }) => {
    const subtotal = unit * quantity;
    return aLine({ id, sku, variantId, quantity, giftCard, subtotal: subtotal as MinorUnits, discount: Math.floor(subtotal * discountShare) as MinorUnits });
  });

const currencyArbitrary = fc.constantFrom('USD', 'JPY', 'KWD', 'EUR') as fc.Arbitrary<CurrencyCode>;
const exponentOf = { USD: 2, JPY: 0, KWD: 3, EUR: 2 } as Record<string, number>;
const config = aConfig({ skus: [{ match: 'prefix', sku: 'GC-', exclude: true }, { match: 'prefix', sku: 'A-', category: 'a' }] });

/** The rule, restated independently: which lines are tracked. */
function isIncluded(line: LineItem): boolean {
  const sku = line.sku?.trim() || line.variantId || line.productId || line.id;
  return !line.giftCard && line.quantity > 0 && !sku.startsWith('GC-');
}

describe('mapping properties', () => {
  it('Σ ItemSubTotal − OrderDiscount equals the included items’ net amount, to the minor unit (to 0.01 for three-decimal currencies)', () => {
    fc.assert(
      fc.property(fc.array(lineArbitrary, { minLength: 1, maxLength: 12 }), currencyArbitrary, (lineItems, currency) => {
        const mapping = mapOrder(anOrder({ lineItems, currency }), config, { now });
        const included = lineItems.filter(isIncluded);
        if (mapping.decision === 'skip') {
          expect(included).toEqual([]);
          return;
        }
        // impact.com's decimals carry two places: KWD's three are rounded, the net amount once, half away from zero.
        const exponent = Math.min(exponentOf[currency]!, 2);
        const fields = mapping.request.fields;
        const amount = (key: string) => parseMinorUnits(fields[key]!, exponent)!;
        let itemsTotal = 0;
        for (let n = 1; fields[`ItemSku${n}`] !== undefined; n++) {
          expect(amount(`ItemSubTotal${n}`)).toBeGreaterThanOrEqual(0);
          itemsTotal += amount(`ItemSubTotal${n}`);
        }
        expect(amount('OrderDiscount')).toBeGreaterThanOrEqual(0);
        const net = included.reduce((sum, line) => sum + line.subtotal - line.discount, 0);
        const expected = exponentOf[currency] === 3 ? Math.sign(net) * Math.round(Math.abs(net) / 10) : net;
        expect(itemsTotal - amount('OrderDiscount')).toBe(expected);
        expect(fields.CurrencyCode).toBe(currency);
      }),
    );
  });

  it('quantities of merged items add up to the included lines’ quantities', () => {
    fc.assert(
      fc.property(fc.array(lineArbitrary, { minLength: 1, maxLength: 12 }), (lineItems) => {
        const mapping = mapOrder(anOrder({ lineItems }), config, { now });
        if (mapping.decision === 'skip') return;
        const fields = mapping.request.fields;
        let quantity = 0;
        const skus = new Set<string>();
        for (let n = 1; fields[`ItemSku${n}`] !== undefined; n++) {
          quantity += Number(fields[`ItemQuantity${n}`]);
          skus.add(fields[`ItemSku${n}`]!);
        }
        expect(quantity).toBe(lineItems.filter(isIncluded).reduce((sum, line) => sum + line.quantity, 0));
        expect(skus.size).toBe(Object.keys(fields).filter((key) => key.startsWith('ItemSku')).length);
      }),
    );
  });

  it('never outputs a plain email, whatever its case or spacing', () => {
    const emailArbitrary = fc
      .tuple(fc.emailAddress(), fc.constantFrom('', ' ', '\t'), fc.boolean())
      .map(([email, pad, upper]) => `${pad}${upper ? email.toUpperCase() : email}${pad}`);
    fc.assert(
      fc.property(emailArbitrary, fc.constantFrom('sha1', 'sha256', 'none'), fc.boolean(), (email, emailHash, test) => {
        const order = anOrder({ test, customer: { email, id: '1' } });
        const output = JSON.stringify(mapOrder(order, aConfig({ emailHash, testOrders: 'submit' }), { now })).toLowerCase();
        expect(output).not.toContain(email.trim().toLowerCase());
      }),
    );
  });

  it('sends the IP address and user agent only when their switch is on, and otherwise outputs neither anywhere', () => {
    const ipArbitrary = fc.option(fc.oneof(fc.ipV4(), fc.ipV6()), { nil: null });
    const agentArbitrary = fc.option(fc.constantFrom('Mozilla/5.0 (iPhone)', 'curl/8.5.0', '   '), { nil: null });
    fc.assert(
      fc.property(ipArbitrary, agentArbitrary, fc.boolean(), fc.boolean(), (ip, userAgent, sendIpAddress, sendUserAgent) => {
        const mapping = mapOrder(anOrder({ client: { ip, userAgent } }), aConfig({ sendIpAddress, sendUserAgent }), { now });
        if (mapping.decision !== 'submit') throw new Error('expected submit');
        const { fields } = mapping.request;
        const output = JSON.stringify(mapping);
        expect(fields.IpAddress).toBe(sendIpAddress && ip ? ip : undefined);
        expect(fields.UserAgent).toBe(sendUserAgent && userAgent?.trim() ? userAgent.trim() : undefined);
        if (!sendIpAddress && ip) expect(output).not.toContain(JSON.stringify(ip));
        if (!sendUserAgent && userAgent?.trim()) expect(output).not.toContain(userAgent.trim());
      }),
    );
  });

  it('keeps every order code reachable: OrderPromoCode is one of the order’s codes', () => {
    const codes = fc.array(fc.constantFrom('JANE20', 'jane20', 'PODCAST1', 'podcast1', 'WELCOME', ' SPACED '), { minLength: 1, maxLength: 4 });
    const promoConfig = aConfig({
      promoCodes: [
        { match: 'exact', code: 'JANE20', partnerId: '555001' },
        { match: 'regex', code: '^PODCAST', partnerId: '555002' },
      ],
    });
    fc.assert(
      fc.property(codes, (discountCodes) => {
        const mapping = mapOrder(anOrder({ discountCodes }), promoConfig, { now });
        if (mapping.decision !== 'submit') throw new Error('expected submit');
        const sent = mapping.request.fields.OrderPromoCode;
        expect(discountCodes.map((code) => code.trim())).toContain(sent);
        const partnerCode = discountCodes.map((code) => code.trim()).find((code) => code.toUpperCase() === 'JANE20' || code.startsWith('PODCAST'));
        if (partnerCode) expect(sent).toBe(partnerCode);
      }),
    );
  });
});
