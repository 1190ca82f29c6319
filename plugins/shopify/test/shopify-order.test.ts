import { createHash } from 'node:crypto';
import { describePayloadError } from '@cartrelay/core';
import { aConfig, describeAdapterContract, mapPayload, readJsonFixture, submittedFields } from '@cartrelay/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shopifyAdapter } from '../src/index.ts';

/** Shopify's documented orders/create sample: a cancelled, voided test order (#9999). */
const sample = () => readJsonFixture(new URL('./fixtures/orders-create.json', import.meta.url));

/** The same order, paid and live, with overrides. */
function paidOrder(overrides: Record<string, unknown> = {}) {
  return { ...sample(), financial_status: 'paid', cancelled_at: null, cancel_reason: null, test: false, ...overrides };
}

function line(overrides: Record<string, unknown>) {
  const [first] = sample().line_items;
  return { ...first, discount_allocations: [], tax_lines: [], ...overrides };
}

const money = (amount: string, currency = 'USD') => ({
  shop_money: { amount, currency_code: currency },
  presentment_money: { amount, currency_code: currency },
});




const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

const map = (payload: unknown, config = aConfig()) => mapPayload(shopifyAdapter, 'orders/paid', payload, config);
const fieldsOf = (payload: unknown, config = aConfig()) => submittedFields(map(payload, config));

describeAdapterContract(shopifyAdapter, paidOrder);

describe('Shopify orders', () => {
  it('maps the documented sample, once paid, to the conversion its rules give', () => {
    expect(fieldsOf(paidOrder())).toEqual({
      CampaignId: '12345',
      ActionTrackerId: '67890',
      EventDate: '2021-12-31T19:00:00-05:00',
      OrderId: '9999',
      CustomerId: '115310627314723954',
      CustomerEmail: sha1('jon@example.com'),
      CurrencyCode: 'USD',
      OrderDiscount: '0.00',
      ItemSku1: 'SKU2006-001', ItemCategory1: 'general', ItemName1: 'Aviator sunglasses', ItemQuantity1: '1', ItemSubTotal1: '89.99',
      ItemSku2: 'LENS-PROTECT-2YR', ItemCategory2: 'general', ItemName2: 'Lens Protection Plan (2 Year)', ItemQuantity2: '1', ItemSubTotal2: '19.99',
      ItemSku3: 'CASE-LEATHER-PREM', ItemCategory3: 'general', ItemName3: 'Premium Leather Case', ItemQuantity3: '1', ItemSubTotal3: '24.99',
      ItemSku4: 'SKU2006-020', ItemCategory4: 'general', ItemName4: 'Mid-century lounger', ItemQuantity4: '1', ItemSubTotal4: '159.99',
      ItemSku5: 'SKU2006-035', ItemCategory5: 'general', ItemName5: 'Coffee table', ItemQuantity5: '1', ItemSubTotal5: '119.99',
    });
  });

  it('skips the documented sample as is: a test order, and cancelled', () => {
    expect(map(sample())).toMatchObject({ decision: 'skip', reason: 'test order (testOrders is "skip")' });
    expect(map(sample(), aConfig({ testOrders: 'submit', trigger: 'created' }))).toMatchObject({
      decision: 'skip',
      reason: 'not a live order: cancelled (financial_status=voided) (trigger "created")',
    });
  });

  it('reads why a cancelled order was cancelled, leniently', () => {
    const cancelled = (reason: unknown) => shopifyAdapter.normalizeOrder('orders/cancelled', paidOrder({ cancelled_at: '2026-03-02T10:00:00-05:00', cancel_reason: reason }));
    expect(cancelled('fraud')).toMatchObject({ ok: true, value: { paymentState: 'cancelled', cancelReason: 'fraud' } });
    expect(cancelled('inventory')).toMatchObject({ ok: true, value: { cancelReason: 'inventory' } });
    // A reason Shopify adds later, or none, is "other" rather than a refused order.
    expect(cancelled('chargeback')).toMatchObject({ ok: true, value: { cancelReason: 'other' } });
    expect(cancelled(null)).toMatchObject({ ok: true, value: { cancelReason: 'other' } });
    expect(shopifyAdapter.normalizeOrder('orders/paid', paidOrder())).toMatchObject({ ok: true, value: { paymentState: 'paid' } });
  });

  it('reads the units an order edit removed (current_quantity), apart from refunded ones', () => {
    const [first, second] = sample().line_items;
    const edited = paidOrder({
      line_items: [
        { ...first, quantity: 3, current_quantity: 1 },
        { ...second, quantity: 2, current_quantity: 2 },
      ],
      refunds: [{ id: 77, refund_line_items: [{ id: 1, line_item_id: first.id, quantity: 1 }] }],
    });
    const normalized = shopifyAdapter.normalizeOrder('orders/updated', edited);
    // 3 ordered, 1 left, 1 refunded: 1 edited away. The quantity stays as ordered.
    expect(normalized.ok && normalized.value.lineItems.map((line) => [line.quantity, line.removed])).toEqual([
      [3, 1],
      [2, undefined],
    ]);
    expect(normalized.ok && normalized.value.refunds).toEqual([{ id: '77', lines: [{ lineId: String(first.id), quantity: 1 }] }]);
  });

  it('keeps ids beyond 2^53 exact', () => {
    const order = shopifyAdapter.normalizeOrder('orders/paid', paidOrder());
    expect(order.ok && order.value.id).toBe('820982911946154508');
    expect(order.ok && order.value.customer.id).toBe('115310627314723954');
    expect(order.ok && order.value.lineItems[0]!.id).toBe('487817672276298554');
    // A line with no SKU falls back to its product id, which must not be rounded either.
    const fields = fieldsOf(paidOrder({ line_items: [line({ sku: '', variant_id: null, product_id: 788032119674292922n })] }));
    expect(fields.ItemSku1).toBe('788032119674292922');
  });

  it('refuses a body whose large ids were already rounded by a lossy JSON parse', () => {
    // What JSON.parse would have made of the ids: the nearest double.
    const lossy = JSON.parse(JSON.stringify(paidOrder(), (_key, value) => (typeof value === 'string' && /^\d{16,}$/.test(value) ? Number(value) : value)));
    const result = shopifyAdapter.normalizeOrder('orders/paid', lossy);
    expect(!result.ok && describePayloadError(result.error)).toMatch(/^id: expected a whole-number id below 2\^53 .*; and \d+ more$/);
  });

  it.each([
    ['authorized', 'submit'],
    ['partially_paid', 'submit'],
    ['paid', 'submit'],
    ['partially_refunded', 'submit'],
    ['pending', 'skip'],
    ['refunded', 'skip'],
    ['voided', 'skip'],
    ['expired', 'skip'],
  ])('financial_status %s → %s under trigger "paid"', (financial_status, decision) => {
    expect(map(paidOrder({ financial_status })).decision).toBe(decision);
  });

  it('under trigger "created", submits a pending order but not a voided or expired one', () => {
    const created = aConfig({ trigger: 'created' });
    expect(map(paidOrder({ financial_status: 'pending' }), created).decision).toBe('submit');
    expect(map(paidOrder({ financial_status: 'voided' }), created).decision).toBe('skip');
    expect(map(paidOrder({ financial_status: 'expired' }), created).decision).toBe('skip');
  });

  it('skips test orders unless testOrders is "submit"', () => {
    expect(map(paidOrder({ test: true })).decision).toBe('skip');
    expect(map(paidOrder({ test: true }), aConfig({ testOrders: 'submit' })).decision).toBe('submit');
  });

  it('takes OrderId from name without its leading #', () => {
    expect(fieldsOf(paidOrder({ name: '#EU-1001' })).OrderId).toBe('EU-1001');
    expect(fieldsOf(paidOrder({ name: '1001-B' })).OrderId).toBe('1001-B');
  });

  it('reads the click id and sharedid from the relative landing_site', () => {
    const config = aConfig({ promoCodes: [{ match: 'exact', code: 'JANE20', partnerId: '555001' }] });
    const withClick = fieldsOf(paidOrder({ landing_site: '/collections/sale?irclickid=Qw-9x%2B1&sharedid=blog' }), config);
    expect(withClick.ClickId).toBe('Qw-9x+1');
    const forced = fieldsOf(paidOrder({ landing_site: '/?sharedid=blog', discount_codes: [{ code: 'jane20', amount: '5.00', type: 'fixed_amount' }] }), config);
    expect(forced).toMatchObject({ MediaPartnerId: '555001', SharedId: 'blog', OrderPromoCode: 'jane20' });
  });

  it('falls back to the irclickid cart attribute in note_attributes', () => {
    const fields = fieldsOf(paidOrder({ landing_site: '/', note_attributes: [{ name: 'irclickid', value: 'FromCart1' }] }));
    expect(fields.ClickId).toBe('FromCart1');
  });

  it('takes prices and discount allocations out of tax when taxes are included', () => {
    // 120.00 incl. 20% VAT, 12.00 (incl. VAT) off: net 108.00 of which 18.00 tax → 90.00 net,
    // 100.00 before the discount, 10.00 discount, all without tax.
    const fields = fieldsOf(
      paidOrder({
        taxes_included: true,
        line_items: [
          line({
            sku: 'COAT-1', price: '120.00', price_set: money('120.00'), quantity: 1,
            discount_allocations: [{ amount: '12.00', amount_set: money('12.00'), discount_application_index: 0 }],
            tax_lines: [{ price: '18.00', price_set: money('18.00'), rate: 0.2, title: 'VAT' }],
          }),
        ],
      }),
    );
    expect(fields).toMatchObject({ ItemSubTotal1: '100.00', OrderDiscount: '10.00' });
  });

  it('takes tax out by the rate when a tax-inclusive line is discounted to zero', () => {
    const fields = fieldsOf(
      paidOrder({
        taxes_included: true,
        line_items: [
          line({
            sku: 'FREE-1', price: '120.00', price_set: money('120.00'), quantity: 2,
            discount_allocations: [{ amount: '240.00', amount_set: money('240.00'), discount_application_index: 0 }],
            tax_lines: [{ price: '0.00', price_set: money('0.00'), rate: 0.2, title: 'VAT' }],
          }),
        ],
      }),
    );
    expect(fields).toMatchObject({ ItemSubTotal1: '200.00', OrderDiscount: '200.00' });
  });

  it('leaves tax out of nothing when prices exclude tax', () => {
    const fields = fieldsOf(
      paidOrder({
        taxes_included: false,
        line_items: [
          line({
            sku: 'A', price: '10.00', price_set: money('10.00'), quantity: 3,
            discount_allocations: [{ amount: '4.50', amount_set: money('4.50'), discount_application_index: 0 }],
            tax_lines: [{ price: '2.06', price_set: money('2.06'), rate: 0.08, title: 'Sales tax' }],
          }),
        ],
      }),
    );
    expect(fields).toMatchObject({ ItemSubTotal1: '30.00', OrderDiscount: '4.50' });
  });

  it('writes a zero-decimal currency without decimals', () => {
    const fields = fieldsOf(
      paidOrder({
        currency: 'JPY',
        line_items: [
          line({
            sku: 'TEA-1', price: '1500', price_set: money('1500', 'JPY'), quantity: 2,
            discount_allocations: [{ amount: '300', amount_set: money('300', 'JPY'), discount_application_index: 0 }],
          }),
        ],
      }),
    );
    expect(fields).toMatchObject({ CurrencyCode: 'JPY', ItemSubTotal1: '3000', OrderDiscount: '300' });
  });

  it('leaves gift cards out and merges duplicate SKUs; empty SKUs fall back to variant, product, line id', () => {
    const fields = fieldsOf(
      paidOrder({
        line_items: [
          line({ id: 1, admin_graphql_api_id: null, sku: 'DUP', price: '5.00', price_set: money('5.00'), quantity: 1 }),
          line({ id: 2, admin_graphql_api_id: null, sku: 'GC', gift_card: true, price: '50.00', price_set: money('50.00') }),
          line({ id: 3, admin_graphql_api_id: null, sku: 'DUP', price: '5.00', price_set: money('5.00'), quantity: 2 }),
          line({ id: 4, admin_graphql_api_id: null, sku: '', variant_id: 808950810, product_id: 632910392 }),
          line({ id: 5, admin_graphql_api_id: null, sku: null, variant_id: null, product_id: 632910393 }),
          line({ id: 6, admin_graphql_api_id: null, sku: ' ', variant_id: null, product_id: null }),
        ],
      }),
    );
    expect([fields.ItemSku1, fields.ItemQuantity1, fields.ItemSubTotal1]).toEqual(['DUP', '3', '15.00']);
    expect([fields.ItemSku2, fields.ItemSku3, fields.ItemSku4, fields.ItemSku5]).toEqual(['808950810', '632910393', '6', undefined]);
  });

  it('picks the partner code among several codes, and counts a shipping-only code but not its discount', () => {
    const config = aConfig({ promoCodes: [{ match: 'exact', code: 'JANE20', partnerId: '555001' }] });
    const fields = fieldsOf(
      paidOrder({
        landing_site: null,
        discount_codes: [
          { code: 'FREESHIP', amount: '10.00', type: 'shipping' },
          { code: 'Jane20', amount: '0.00', type: 'percentage' },
        ],
        shipping_lines: [{ ...sample().shipping_lines[0], discount_allocations: [{ amount: '10.00', amount_set: money('10.00'), discount_application_index: 0 }] }],
      }),
      config,
    );
    expect(fields).toMatchObject({ OrderPromoCode: 'Jane20', MediaPartnerId: '555001', OrderDiscount: '0.00' });
    const shippingOnly = fieldsOf(paidOrder({ discount_codes: [{ code: 'FREESHIP', amount: '10.00', type: 'shipping' }] }));
    expect(shippingOnly).toMatchObject({ OrderPromoCode: 'FREESHIP', OrderDiscount: '0.00' });
  });

  it('maps an order without the optional fields (guest, no client details, no codes, no attributes)', () => {
    const { customer: _c, client_details: _d, discount_codes: _dc, note_attributes: _na, landing_site: _ls, browser_ip: _ip, ...bare } = paidOrder({
      discount_codes: [{ code: 'WELCOME', amount: '1.00', type: 'fixed_amount' }],
    });
    const fields = fieldsOf({ ...bare, discount_codes: [{ code: 'WELCOME', amount: '1.00', type: 'fixed_amount' }] });
    expect(fields.CustomerId).toBeUndefined();
    expect(fields.CustomerEmail).toBe(sha1('jon@example.com'));
    expect(fields.IpAddress).toBeUndefined();
    expect(fields.OrderPromoCode).toBe('WELCOME');
  });

  it('sends the browser IP and user agent from client_details when the merchant turns them on', () => {
    const fields = fieldsOf(paidOrder({ browser_ip: null, client_details: { browser_ip: '198.51.100.4', user_agent: 'Mozilla/5.0 (iPhone)' } }), aConfig({ sendIpAddress: true, sendUserAgent: true }));
    expect(fields).toMatchObject({ IpAddress: '198.51.100.4', UserAgent: 'Mozilla/5.0 (iPhone)' });
  });

  it('matches customer-status rules against order tags', () => {
    const config = aConfig({ customerStatus: { rules: [{ tag: 'wholesale', status: 'Wholesale' }] } });
    expect(fieldsOf(paidOrder({ tags: 'vip, Wholesale' }), config).CustomerStatus).toBe('Wholesale');
  });

  it('reads new/returning from a legacy orders_count, and leaves it out otherwise', () => {
    const withCount = (orders_count: number) => paidOrder({ customer: { ...sample().customer, orders_count } });
    expect(fieldsOf(withCount(1)).CustomerStatus).toBe('New');
    expect(fieldsOf(withCount(4)).CustomerStatus).toBe('Returning');
    expect(fieldsOf(paidOrder()).CustomerStatus).toBeUndefined();
  });

  it.each([
    ['a price that is not an amount', { line_items: [line({ price: 'abc' })] }, /^line_items\[0\]\.price: expected a decimal amount, got "abc"/],
    ['no name', { name: undefined }, /^name: /],
    ['a created_at without offset', { created_at: '2021-12-31 19:00' }, /^created_at: expected an ISO-8601 date-time/],
    ['an unknown currency', { currency: 'ZZZ' }, /^currency: expected an ISO 4217 currency code, got "ZZZ"/],
    ['line_items missing', { line_items: undefined }, /^line_items: /],
    ['a fractional quantity', { line_items: [line({ quantity: 1.5 })] }, /^line_items\[0\]\.quantity: /],
  ])('rejects %s, naming the field', (_name, overrides, message) => {
    const result = shopifyAdapter.normalizeOrder('orders/paid', paidOrder(overrides));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(describePayloadError(result.error)).toMatch(message);
  });

  it('refuses refunds/create: a refund is not an order', () => {
    const refund = readJsonFixture(new URL('./fixtures/refunds-create.json', import.meta.url));
    const result = shopifyAdapter.normalizeOrder('refunds/create', refund);
    expect(!result.ok && result.error.code).toBe('unsupported_topic');
  });
});

describe('Shopify amount invariant', () => {
  const cents = (n: number) => (n / 100).toFixed(2);

  it('Σ ItemSubTotal − OrderDiscount = Σ (price × quantity − allocations − tax), with or without taxes included', () => {
    const lineArbitrary = fc.record({
      sku: fc.constantFrom('A', 'B', 'C'),
      unit: fc.integer({ min: 1, max: 50_000 }),
      quantity: fc.integer({ min: 1, max: 9 }),
      discountShare: fc.double({ min: 0, max: 1, noNaN: true }),
      ratePercent: fc.constantFrom(0, 5, 7.5, 19, 20, 25),
    });
    fc.assert(
      fc.property(fc.array(lineArbitrary, { minLength: 1, maxLength: 6 }), fc.boolean(), (lines, taxesIncluded) => {
        let expectedNet = 0;
        const line_items = lines.map((l, index) => {
          const gross = l.unit * l.quantity;
          const allocated = Math.floor(gross * l.discountShare);
          const rate = l.ratePercent / 100;
          // Tax as a shop charges it: on the discounted amount, inside it when taxes are included.
          const tax = taxesIncluded ? Math.round(((gross - allocated) * rate) / (1 + rate)) : Math.round((gross - allocated) * rate);
          expectedNet += gross - allocated - (taxesIncluded ? tax : 0);
          return line({
            id: index + 1, admin_graphql_api_id: null, sku: l.sku, quantity: l.quantity,
            price: cents(l.unit), price_set: money(cents(l.unit)),
            discount_allocations: allocated ? [{ amount: cents(allocated), amount_set: money(cents(allocated)), discount_application_index: 0 }] : [],
            tax_lines: [{ price: cents(tax), price_set: money(cents(tax)), rate, title: 'Tax' }],
          });
        });
        const fields = fieldsOf(paidOrder({ taxes_included: taxesIncluded, line_items }));
        let itemsTotal = 0;
        for (let n = 1; fields[`ItemSku${n}`]; n++) itemsTotal += Math.round(Number(fields[`ItemSubTotal${n}`]) * 100);
        expect(itemsTotal - Math.round(Number(fields.OrderDiscount) * 100)).toBe(expectedNet);
      }),
    );
  });
});
