import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MinorUnits } from '../money/minor-units.ts';
import type { PaymentState } from '../order/order.ts';
import { aConfig, aLine, anOrder } from '../testing/builders.ts';
import type { Mapping } from './conversion.ts';
import { mapOrder } from './map-order.ts';
import { operatorLines } from './explain-line.ts';

const now = new Date('2026-06-01T00:00:00Z');
const usd = (n: number) => n as MinorUnits;

function submitted(mapping: Mapping): Record<string, string> {
  if (mapping.decision !== 'submit') throw new Error(`expected submit, got skip: ${mapping.reason}`);
  return { ...mapping.request.fields };
}

function skipped(mapping: Mapping): { code: string; reason: string } {
  if (mapping.decision !== 'skip') throw new Error('expected skip, got submit');
  return { code: mapping.code, reason: mapping.reason };
}

const promoConfig = aConfig({
  promoCodes: [
    { match: 'exact', code: 'JANE20', partnerId: '555001' },
    { match: 'regex', code: '^PODCAST', partnerId: '555002', actionTrackerId: '67891' },
    { match: 'exact', code: 'STAFF50', exclude: true },
  ],
});

describe('rule 1: trigger', () => {
  const cases: Array<[PaymentState, boolean, boolean]> = [
    // state, submitted under "paid", submitted under "created"
    ['paid', true, true],
    ['awaiting_payment', false, true],
    ['refunded', false, true],
    ['cancelled', false, false],
    ['declined', false, false],
    ['failed', false, false],
    ['draft', false, false],
  ];
  it.each(cases)('%s: paid → %s, created → %s', (paymentState, underPaid, underCreated) => {
    const order = anOrder({ paymentState, platformStatus: `status=${paymentState}` });
    expect(mapOrder(order, aConfig(), { now }).decision).toBe(underPaid ? 'submit' : 'skip');
    expect(mapOrder(order, aConfig({ trigger: 'created' }), { now }).decision).toBe(underCreated ? 'submit' : 'skip');
  });

  it('names the platform status in the reason', () => {
    const order = anOrder({ paymentState: 'awaiting_payment', platformStatus: 'financial_status=pending' });
    expect(skipped(mapOrder(order, aConfig(), { now }))).toEqual({
      code: 'not_triggered',
      reason: 'not paid: financial_status=pending (trigger "paid")',
    });
  });
});

describe('rule 2: test orders', () => {
  it('skips test orders by default', () => {
    expect(skipped(mapOrder(anOrder({ test: true }), aConfig(), { now })).code).toBe('test_order');
  });
  it('submits them when testOrders is "submit"', () => {
    expect(mapOrder(anOrder({ test: true }), aConfig({ testOrders: 'submit' }), { now }).decision).toBe('submit');
  });
});

describe('rule 3: excluded codes', () => {
  it('skips the whole order when any code is excluded, whatever its case', () => {
    const order = anOrder({ discountCodes: ['JANE20', 'staff50'] });
    expect(skipped(mapOrder(order, promoConfig, { now }))).toEqual({
      code: 'excluded_code',
      reason: 'code staff50 is excluded by promoCodes[2] (exact STAFF50)',
    });
  });
});

describe('rule 4: ids, dates and program', () => {
  it('sends OrderId, EventDate, CampaignId and the config action tracker', () => {
    const fields = submitted(mapOrder(anOrder({ number: '1001', createdAt: '2021-12-31T19:00:00-05:00' }), aConfig(), { now }));
    expect(fields).toMatchObject({ CampaignId: '12345', ActionTrackerId: '67890', OrderId: '1001', EventDate: '2021-12-31T19:00:00-05:00' });
  });

  it('takes the action tracker from the matched promo rule', () => {
    const fields = submitted(mapOrder(anOrder({ discountCodes: ['PODCAST-JUNE'] }), promoConfig, { now }));
    expect(fields.ActionTrackerId).toBe('67891');
  });

  it('refuses an OrderId longer than impact.com allows', () => {
    expect(skipped(mapOrder(anOrder({ number: 'x'.repeat(65) }), aConfig(), { now })).code).toBe('invalid_order');
  });
});

describe('rule 5: click id', () => {
  it('reads the configured parameter from a relative landing URL, URL-decoded', () => {
    const order = anOrder({ landingUrl: '/products/a?utm_source=x&irclickid=Ab%2FCd%3D1' });
    expect(submitted(mapOrder(order, aConfig(), { now })).ClickId).toBe('Ab/Cd=1');
  });

  it('reads an absolute landing URL and a custom parameter name', () => {
    const order = anOrder({ landingUrl: 'https://shop.example/p?clk=XYZ' });
    expect(submitted(mapOrder(order, aConfig({ clickIdParam: 'clk' }), { now })).ClickId).toBe('XYZ');
  });

  it('falls back to an order attribute, then to a captured click', () => {
    const fromAttribute = anOrder({ landingUrl: '/', attributes: [{ name: 'irclickid', value: 'ATTR1' }], capturedClickId: 'CAPT1' });
    expect(submitted(mapOrder(fromAttribute, aConfig(), { now })).ClickId).toBe('ATTR1');
    const fromCapture = anOrder({ landingUrl: null, capturedClickId: 'CAPT1' });
    expect(submitted(mapOrder(fromCapture, aConfig(), { now })).ClickId).toBe('CAPT1');
  });

  it('prefers the landing URL over an attribute', () => {
    const order = anOrder({ landingUrl: '/?irclickid=URL1', attributes: [{ name: 'irclickid', value: 'ATTR1' }] });
    expect(submitted(mapOrder(order, aConfig(), { now })).ClickId).toBe('URL1');
  });

  it('drops a click id over 64 characters, with an explain line, and tries the next source', () => {
    const long = 'a'.repeat(65);
    const mapping = mapOrder(anOrder({ landingUrl: `/?irclickid=${long}`, capturedClickId: 'OK1' }), aConfig(), { now });
    expect(submitted(mapping).ClickId).toBe('OK1');
    expect(operatorLines(mapping.explain)).toContain('click id from landing URL parameter irclickid dropped: 65 characters, impact.com allows 64');
    const only = mapOrder(anOrder({ landingUrl: `/?irclickid=${long}`, customer: { id: '7' } }), aConfig(), { now });
    expect(submitted(only).ClickId).toBeUndefined();
  });

  it('keeps a click id of exactly 64 characters', () => {
    const exact = 'b'.repeat(64);
    expect(submitted(mapOrder(anOrder({ landingUrl: `/?irclickid=${exact}` }), aConfig(), { now })).ClickId).toBe(exact);
  });
});

describe('rule 6: promo codes', () => {
  it('sends the first code a partner rule matches, as typed', () => {
    const order = anOrder({ landingUrl: null, discountCodes: ['WELCOME', 'jane20'] });
    expect(submitted(mapOrder(order, promoConfig, { now })).OrderPromoCode).toBe('jane20');
  });

  it('sends the first code when no partner rule matches', () => {
    const order = anOrder({ discountCodes: ['WELCOME', 'SUMMER'] });
    expect(submitted(mapOrder(order, promoConfig, { now })).OrderPromoCode).toBe('WELCOME');
  });

  it('matches regex rules case-sensitively', () => {
    const lower = anOrder({ landingUrl: null, discountCodes: ['podcast-june'] });
    const fields = submitted(mapOrder(lower, promoConfig, { now }));
    expect(fields.MediaPartnerId).toBeUndefined();
    expect(fields.OrderPromoCode).toBe('podcast-june');
  });
});

describe('rule 7: attribution', () => {
  it('with click precedence, a click id wins and no partner is forced', () => {
    const fields = submitted(mapOrder(anOrder({ landingUrl: '/?irclickid=C1', discountCodes: ['JANE20'] }), promoConfig, { now }));
    expect(fields.ClickId).toBe('C1');
    expect(fields.MediaPartnerId).toBeUndefined();
    expect(fields.OrderPromoCode).toBe('JANE20');
  });

  it('with no click id, a partner code forces MediaPartnerId and passes the sharedid', () => {
    const order = anOrder({ landingUrl: '/?sharedid=newsletter-7', discountCodes: ['JANE20'] });
    const fields = submitted(mapOrder(order, promoConfig, { now }));
    expect(fields).toMatchObject({ MediaPartnerId: '555001', SharedId: 'newsletter-7', OrderPromoCode: 'JANE20' });
    expect(fields.ClickId).toBeUndefined();
  });

  it('with promo precedence, the partner code wins and ClickId is left out', () => {
    const config = aConfig({ ...promoConfigInput(), attributionPrecedence: 'promo' });
    const fields = submitted(mapOrder(anOrder({ landingUrl: '/?irclickid=C1', discountCodes: ['JANE20'] }), config, { now }));
    expect(fields.MediaPartnerId).toBe('555001');
    expect(fields.ClickId).toBeUndefined();
  });

  it('with promo precedence and no partner code, the click id is still sent', () => {
    const config = aConfig({ ...promoConfigInput(), attributionPrecedence: 'promo' });
    expect(submitted(mapOrder(anOrder({ landingUrl: '/?irclickid=C1' }), config, { now })).ClickId).toBe('C1');
  });

  it('skips an order with no click id, no code and no customer id as unattributable', () => {
    const order = anOrder({ landingUrl: '/', customer: { id: null, email: 'a@b.example' } });
    expect(skipped(mapOrder(order, aConfig(), { now }))).toEqual({
      code: 'unattributable',
      reason: 'unattributable: no click id, no promo code and no customer id',
    });
  });

  it('counts a customer id or a plain code as an attribution key', () => {
    expect(submitted(mapOrder(anOrder({ landingUrl: null, customer: { id: '42' } }), aConfig(), { now })).CustomerId).toBe('42');
    expect(submitted(mapOrder(anOrder({ landingUrl: null, discountCodes: ['ANY'] }), aConfig(), { now })).OrderPromoCode).toBe('ANY');
  });
});

function promoConfigInput() {
  return { promoCodes: [{ match: 'exact', code: 'JANE20', partnerId: '555001' }] };
}

describe('rule 8: items', () => {
  const skuConfig = aConfig({
    skus: [
      { match: 'prefix', sku: 'GC-', exclude: true },
      { match: 'prefix', sku: 'SOCK-', category: 'socks' },
      { match: 'exact', sku: 'HAT-RED', category: 'hats' },
      { match: 'regex', sku: '^TEE-\\d+$', category: 'tees' },
    ],
  });

  it('categorises by the first matching rule, else defaultCategory', () => {
    const order = anOrder({
      lineItems: [
        aLine({ id: '1', sku: 'SOCK-BLUE' }),
        aLine({ id: '2', sku: 'HAT-RED' }),
        aLine({ id: '3', sku: 'hat-red' }),
        aLine({ id: '4', sku: 'TEE-42' }),
      ],
    });
    const fields = submitted(mapOrder(order, skuConfig, { now }));
    expect([fields.ItemCategory1, fields.ItemCategory2, fields.ItemCategory3, fields.ItemCategory4]).toEqual(['socks', 'hats', 'general', 'tees']);
  });

  it('leaves out gift cards, excluded SKUs and empty lines', () => {
    const order = anOrder({
      lineItems: [
        aLine({ id: '1', sku: 'GIFT', giftCard: true }),
        aLine({ id: '2', sku: 'GC-50' }),
        aLine({ id: '3', sku: 'KEEP', quantity: 0, subtotal: usd(0) }),
        aLine({ id: '4', sku: 'KEEP-2' }),
      ],
    });
    const fields = submitted(mapOrder(order, skuConfig, { now }));
    expect(fields.ItemSku1).toBe('KEEP-2');
    expect(fields.ItemSku2).toBeUndefined();
  });

  it('skips an order with nothing left to track', () => {
    const order = anOrder({ lineItems: [aLine({ giftCard: true })] });
    expect(skipped(mapOrder(order, skuConfig, { now })).code).toBe('no_items');
  });

  it('uses the trimmed SKU, else the variant id, product id or line id', () => {
    const order = anOrder({
      lineItems: [
        aLine({ id: 'L1', sku: '  SKU-A  ' }),
        aLine({ id: 'L2', sku: '', variantId: 'V2', productId: 'P2' }),
        aLine({ id: 'L3', sku: null, productId: 'P3' }),
        aLine({ id: 'L4', sku: '   ' }),
      ],
    });
    const fields = submitted(mapOrder(order, aConfig(), { now }));
    expect([fields.ItemSku1, fields.ItemSku2, fields.ItemSku3, fields.ItemSku4]).toEqual(['SKU-A', 'V2', 'P3', 'L4']);
  });

  it('merges lines with the same SKU, adding quantities and amounts, numbered by first appearance', () => {
    const order = anOrder({
      lineItems: [
        aLine({ id: '1', sku: 'B', name: 'Bee', quantity: 1, subtotal: usd(500), discount: usd(50) }),
        aLine({ id: '2', sku: 'A', quantity: 1, subtotal: usd(100) }),
        aLine({ id: '3', sku: 'B', name: 'Bee again', quantity: 2, subtotal: usd(1000), discount: usd(100) }),
      ],
    });
    const fields = submitted(mapOrder(order, aConfig(), { now }));
    expect(fields).toMatchObject({
      ItemSku1: 'B', ItemName1: 'Bee', ItemQuantity1: '3', ItemSubTotal1: '15.00',
      ItemSku2: 'A', ItemQuantity2: '1', ItemSubTotal2: '1.00',
      OrderDiscount: '1.50',
    });
    expect(fields.ItemSku3).toBeUndefined();
  });

  it('never sends ItemPrice, Amount or OrderSubTotalPostDiscount with items', () => {
    const fields = submitted(mapOrder(anOrder(), aConfig(), { now }));
    expect(Object.keys(fields).filter((key) => /^(ItemPrice|Amount|OrderSubTotalPostDiscount)/.test(key))).toEqual([]);
  });
});

describe('rule 9 and 10: discounts and amounts', () => {
  it('sums only the included items’ discounts', () => {
    const order = anOrder({
      lineItems: [
        aLine({ id: '1', sku: 'A', subtotal: usd(2000), discount: usd(300) }),
        aLine({ id: '2', sku: 'GC', giftCard: true, subtotal: usd(5000), discount: usd(999) }),
      ],
    });
    expect(submitted(mapOrder(order, aConfig(), { now })).OrderDiscount).toBe('3.00');
  });

  it('writes amounts with the currency’s minor-unit digits', () => {
    const jpy = anOrder({ currency: 'JPY' as never, lineItems: [aLine({ subtotal: usd(1500), discount: usd(200) })] });
    expect(submitted(mapOrder(jpy, aConfig(), { now }))).toMatchObject({ ItemSubTotal1: '1500', OrderDiscount: '200', CurrencyCode: 'JPY' });
  });

  it('rounds three-decimal currencies to impact.com’s two, keeping the sale amount the exact one rounded once', () => {
    // impact.com's decimals carry two places (ItemSubTotal decimal(14,2), OrderDiscount decimal(12,2)).
    const kwd = anOrder({ currency: 'KWD' as never, lineItems: [aLine({ subtotal: usd(12345), discount: usd(5) })] });
    const mapping = mapOrder(kwd, aConfig(), { now });
    expect(submitted(mapping)).toMatchObject({ ItemSubTotal1: '12.35', OrderDiscount: '0.01' });
    expect(operatorLines(mapping.explain)).toContain('KWD has 3 decimals and impact.com takes 2: amounts rounded to 0.01, the sale amount once');
    // 1.004 + 1.004 = 2.008 → 2.01, though each line alone rounds to 1.00: the cent goes to the largest line.
    const split = anOrder({
      currency: 'KWD' as never,
      lineItems: [aLine({ id: 'L1', sku: 'A', subtotal: usd(1004), discount: usd(0) }), aLine({ id: 'L2', sku: 'B', subtotal: usd(1004), discount: usd(0) })],
    });
    expect(submitted(mapOrder(split, aConfig(), { now }))).toMatchObject({ ItemSubTotal1: '1.01', ItemSubTotal2: '1.00', OrderDiscount: '0.00' });
    // Many half-cent lines: the cents go one each, by remainder, and no line goes below zero.
    const lines = (mils: number[]) => mils.map((m, i) => aLine({ id: `L${i}`, sku: `S${i}`, subtotal: usd(m), discount: usd(0) }));
    const tiny = submitted(mapOrder(anOrder({ currency: 'KWD' as never, lineItems: lines([5, 5, 5, 5]) }), aConfig(), { now }));
    expect([tiny.ItemSubTotal1, tiny.ItemSubTotal2, tiny.ItemSubTotal3, tiny.ItemSubTotal4, tiny.OrderDiscount]).toEqual(['0.01', '0.01', '0.00', '0.00', '0.00']);
    const mixed = submitted(mapOrder(anOrder({ currency: 'KWD' as never, lineItems: lines([1005, 5, 5, 5, 5, 5]) }), aConfig(), { now }));
    // 1.030 in all → 1.03: each line within a cent of its own amount.
    expect([1, 2, 3, 4, 5, 6].map((n) => mixed[`ItemSubTotal${n}`])).toEqual(['1.01', '0.01', '0.01', '0.00', '0.00', '0.00']);
  });
});

describe('rule 11: customer', () => {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

  it('hashes the trimmed, lower-cased email with SHA-1 by default', () => {
    const fields = submitted(mapOrder(anOrder({ customer: { email: '  Jane.Doe@Example.COM ' } }), aConfig(), { now }));
    // Digest computed outside the code under test (printf 'jane.doe@example.com' | sha1sum).
    expect(fields.CustomerEmail).toBe('a3caddb38202511eab803116294dc020f7c4f8a2');
  });

  it('uses SHA-256 or leaves the email out as configured', () => {
    const order = anOrder({ customer: { email: 'jane@example.com' } });
    expect(submitted(mapOrder(order, aConfig({ emailHash: 'sha256' }), { now })).CustomerEmail).toBe(sha256('jane@example.com'));
    expect(submitted(mapOrder(order, aConfig({ emailHash: 'none' }), { now })).CustomerEmail).toBeUndefined();
  });

  it('never puts the plain email in fields or explain lines', () => {
    const mapping = mapOrder(anOrder({ customer: { email: 'Secret.Person@Example.com' } }), aConfig(), { now });
    expect(JSON.stringify(mapping).toLowerCase()).not.toContain('secret.person@example.com');
  });

  it('sends CustomerId for registered customers only', () => {
    expect(submitted(mapOrder(anOrder({ customer: { id: '99' } }), aConfig(), { now })).CustomerId).toBe('99');
    expect(submitted(mapOrder(anOrder(), aConfig(), { now })).CustomerId).toBeUndefined();
  });

  it('takes CustomerStatus from the first matching tag rule, ignoring case', () => {
    const config = aConfig({ customerStatus: { rules: [{ tag: 'VIP', status: 'Vip' }, { tag: 'wholesale', status: 'Wholesale' }] } });
    const order = anOrder({ customer: { tags: ['Wholesale', 'vip'], returning: true } });
    expect(submitted(mapOrder(order, config, { now })).CustomerStatus).toBe('Vip');
  });

  it('uses new/returning only when the order says so, and never guesses', () => {
    const config = aConfig();
    expect(submitted(mapOrder(anOrder({ customer: { returning: true } }), config, { now })).CustomerStatus).toBe('Returning');
    expect(submitted(mapOrder(anOrder({ customer: { returning: false } }), config, { now })).CustomerStatus).toBe('New');
    expect(submitted(mapOrder(anOrder({ customer: { returning: null } }), config, { now })).CustomerStatus).toBeUndefined();
  });

  it('leaves the status out when its value is not configured', () => {
    const config = aConfig({ customerStatus: { returning: 'EXISTING' } });
    expect(submitted(mapOrder(anOrder({ customer: { returning: false } }), config, { now })).CustomerStatus).toBeUndefined();
    expect(submitted(mapOrder(anOrder({ customer: { returning: true } }), config, { now })).CustomerStatus).toBe('EXISTING');
  });
});

describe('rule 12: client (IP address and user agent, only when the merchant turns them on)', () => {
  const withClient = anOrder({ client: { ip: ' 203.0.113.7 ', userAgent: 'Mozilla/5.0 (X11; Linux x86_64)' } });
  const bothOn = aConfig({ sendIpAddress: true, sendUserAgent: true });

  it('leaves both out by default, saying why, even when the order has them', () => {
    const mapping = mapOrder(withClient, aConfig(), { now });
    const fields = submitted(mapping);
    expect(fields.IpAddress).toBeUndefined();
    expect(fields.UserAgent).toBeUndefined();
    expect(operatorLines(mapping.explain)).toContain('IpAddress left out: sendIpAddress is off');
    expect(operatorLines(mapping.explain)).toContain('UserAgent left out: sendUserAgent is off');
    expect(JSON.stringify(mapping)).not.toContain('203.0.113.7');
    expect(JSON.stringify(mapping)).not.toContain('Mozilla');
  });

  it('sends them, trimmed, when both are on', () => {
    const mapping = mapOrder(withClient, bothOn, { now });
    expect(submitted(mapping)).toMatchObject({ IpAddress: '203.0.113.7', UserAgent: 'Mozilla/5.0 (X11; Linux x86_64)' });
    expect(operatorLines(mapping.explain)).toContain("IpAddress: the buyer's IP address (sendIpAddress is on)");
    expect(operatorLines(mapping.explain)).toContain("UserAgent: the buyer's browser (sendUserAgent is on)");
  });

  it('decides each on its own switch', () => {
    const ipOnly = submitted(mapOrder(withClient, aConfig({ sendIpAddress: true }), { now }));
    expect(ipOnly.IpAddress).toBe('203.0.113.7');
    expect(ipOnly.UserAgent).toBeUndefined();
    const agentOnly = submitted(mapOrder(withClient, aConfig({ sendUserAgent: true }), { now }));
    expect(agentOnly.IpAddress).toBeUndefined();
    expect(agentOnly.UserAgent).toBe('Mozilla/5.0 (X11; Linux x86_64)');
  });

  it('says so when a switch is on but the order has nothing to send', () => {
    const mapping = mapOrder(anOrder({ client: { ip: '  ', userAgent: null } }), bothOn, { now });
    const fields = submitted(mapping);
    expect(fields.IpAddress).toBeUndefined();
    expect(fields.UserAgent).toBeUndefined();
    expect(operatorLines(mapping.explain)).toContain('no IpAddress: the order has no IP address');
    expect(operatorLines(mapping.explain)).toContain('no UserAgent: the order has no user agent');
  });

  it('cuts a long user agent to the 255 characters impact.com takes', () => {
    const long = `Mozilla/5.0 ${'x'.repeat(300)}`;
    const fields = submitted(mapOrder(anOrder({ client: { ip: null, userAgent: long } }), bothOn, { now }));
    expect(fields.UserAgent).toBe(long.slice(0, 255));
  });
});

describe('determinism', () => {
  it('gives the same answer for the same input', () => {
    const order = anOrder({ discountCodes: ['JANE20'], customer: { email: 'a@b.example', id: '5' } });
    expect(mapOrder(order, promoConfig, { now })).toEqual(mapOrder(order, promoConfig, { now }));
  });

  it('says so when the order is dated after the given time', () => {
    const mapping = mapOrder(anOrder({ createdAt: '2030-01-01T00:00:00Z' }), aConfig(), { now });
    expect(operatorLines(mapping.explain).some((line) => line.includes('after the current time'))).toBe(true);
  });
});

describe('rule 8: bundle components', () => {
  it('leaves out lines that are part of another line, whose price includes them', () => {
    const order = anOrder({ lineItems: [aLine({ id: '65', sku: 'KIT' }), aLine({ id: '66', sku: 'KIT-PART', subtotal: usd(0), partOf: '65' })] });
    const mapping = mapOrder(order, aConfig(), { now });
    expect(submitted(mapping).ItemSku2).toBeUndefined();
    expect(operatorLines(mapping.explain)).toContain('line 66 (Item) left out: part of line 65, whose price includes it');
  });
});
