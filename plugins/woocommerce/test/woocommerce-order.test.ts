import { createHash } from 'node:crypto';
import { describePayloadError } from '@cartrelay/core';
import { aConfig, describeAdapterContract, mapPayload, readJsonFixture, submittedFields } from '@cartrelay/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { woocommerceAdapter } from '../src/index.ts';

/** WooCommerce's documented REST order (#727, processing, guest, no coupons, no attribution). */
const sample = () => readJsonFixture(new URL('./fixtures/order-updated.json', import.meta.url));
/** The Order Attribution meta entries (session_entry carries ?irclickid=EXAMPLE123). */
const attributionMeta = () => readJsonFixture(new URL('./fixtures/order-attribution-meta.json', import.meta.url)).meta_data;

function order(overrides: Record<string, unknown> = {}) {
  const base = sample();
  return { ...base, meta_data: [...base.meta_data, ...attributionMeta()], ...overrides };
}

function line(overrides: Record<string, unknown>) {
  return { ...sample().line_items[1], ...overrides };
}

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');



const map = (payload: unknown, config = aConfig()) => mapPayload(woocommerceAdapter, 'order.updated', payload, config);
const fieldsOf = (payload: unknown, config = aConfig()) => submittedFields(map(payload, config));

describeAdapterContract(woocommerceAdapter, order);

describe('WooCommerce orders', () => {
  it('skips the documented sample as is: a guest order with no click id and no code is unattributable', () => {
    expect(map(sample())).toMatchObject({ decision: 'skip', reason: 'unattributable: no click id, no promo code and no customer id' });
  });

  it('maps the sample with Order Attribution meta to the conversion its rules give', () => {
    expect(fieldsOf(order())).toEqual({
      CampaignId: '12345',
      ActionTrackerId: '67890',
      EventDate: '2017-03-22T19:28:02Z',
      OrderId: '727',
      ClickId: 'EXAMPLE123',
      CustomerEmail: sha1('john.doe@example.com'),
      CurrencyCode: 'USD',
      OrderDiscount: '0.00',
      // The sample's user agent stays home: the default config sends neither IP nor user agent.
      // Line 315 has no SKU and no variation: its product id stands in.
      ItemSku1: '93', ItemCategory1: 'general', ItemName1: 'Woo Single #1', ItemQuantity1: '2', ItemSubTotal1: '6.00',
      ItemSku2: 'Bar3', ItemCategory2: 'general', ItemName2: 'Ship Your Idea – Color: Black, Size: M Test', ItemQuantity2: '1', ItemSubTotal2: '12.00',
    });
  });

  it('uses the order number, which extensions may make differ from the id', () => {
    expect(fieldsOf(order({ number: 'WC-2024-0042' })).OrderId).toBe('WC-2024-0042');
  });

  it.each([
    ['processing', 'submit', 'submit'],
    ['completed', 'submit', 'submit'],
    ['pending', 'skip', 'submit'],
    ['on-hold', 'skip', 'submit'],
    ['refunded', 'skip', 'submit'],
    ['cancelled', 'skip', 'skip'],
    ['failed', 'skip', 'skip'],
    ['checkout-draft', 'skip', 'skip'],
    ['trash', 'skip', 'skip'],
  ])('status %s → %s under "paid", %s under "created"', (status, underPaid, underCreated) => {
    expect(map(order({ status })).decision).toBe(underPaid);
    expect(map(order({ status }), aConfig({ trigger: 'created' })).decision).toBe(underCreated);
  });

  it('counts an extension status as paid only once WooCommerce recorded a payment', () => {
    expect(map(order({ status: 'shipped', date_paid_gmt: '2017-03-22T19:28:08' })).decision).toBe('submit');
    expect(map(order({ status: 'shipped', date_paid_gmt: null })).decision).toBe('skip');
  });

  it('falls back to irclickid order meta, with or without a leading underscore', () => {
    const withoutEntry = (meta: Array<{ key: string; value: string }>) => order({ meta_data: [...sample().meta_data, ...meta] });
    expect(fieldsOf(withoutEntry([{ key: '_irclickid', value: 'HIDDEN1' }])).ClickId).toBe('HIDDEN1');
    expect(fieldsOf(withoutEntry([{ key: 'irclickid', value: 'PLAIN1' }, { key: '_irclickid', value: 'HIDDEN1' }])).ClickId).toBe('PLAIN1');
  });

  it('prefers the session entry URL over meta', () => {
    const fields = fieldsOf(order({ meta_data: [...attributionMeta(), { key: '_irclickid', value: 'META1' }] }));
    expect(fields.ClickId).toBe('EXAMPLE123');
  });

  it('prefers the landing address the CartRelay plugin captured over Order Attribution’s session entry', () => {
    const fields = fieldsOf(order({ meta_data: [...attributionMeta(), { key: '_cartrelay_landing', value: '/shop/socks?irclickid=PLUGIN1&sharedid=s1' }] }));
    expect(fields.ClickId).toBe('PLUGIN1');
  });

  it('reads coupon codes and the per-line discount as subtotal − total', () => {
    const config = aConfig({ promoCodes: [{ match: 'exact', code: 'JANE20', partnerId: '555001' }] });
    const fields = fieldsOf(
      order({
        meta_data: [],
        coupon_lines: [{ id: 1, code: 'welcome', discount: '1.00' }, { id: 2, code: 'jane20', discount: '2.00' }],
        line_items: [line({ sku: 'A', quantity: 2, subtotal: '20.00', total: '17.00' }), line({ id: 99, sku: 'B', subtotal: '5.00', total: '5.00' })],
      }),
      config,
    );
    expect(fields).toMatchObject({ OrderPromoCode: 'jane20', MediaPartnerId: '555001', ItemSubTotal1: '20.00', ItemSubTotal2: '5.00', OrderDiscount: '3.00' });
  });

  it('keeps tax out of line amounts when the store’s prices include tax', () => {
    // WooCommerce stores line subtotal/total without tax even then; the tax is in subtotal_tax/total_tax.
    const fields = fieldsOf(
      order({
        prices_include_tax: true,
        line_items: [line({ sku: 'VAT-1', subtotal: '10.00', subtotal_tax: '2.00', total: '8.00', total_tax: '1.60' })],
      }),
    );
    expect(fields).toMatchObject({ ItemSubTotal1: '10.00', OrderDiscount: '2.00' });
  });

  it('writes a zero-decimal currency without decimals', () => {
    const fields = fieldsOf(order({ currency: 'JPY', line_items: [line({ quantity: 3, subtotal: '3000', total: '2700' })] }));
    expect(fields).toMatchObject({ CurrencyCode: 'JPY', ItemSubTotal1: '3000', OrderDiscount: '300' });
  });

  it('uses the variation id when the SKU is empty, and merges lines of one SKU', () => {
    const fields = fieldsOf(
      order({
        line_items: [
          line({ id: 1, sku: '', variation_id: 23, product_id: 22, quantity: 1, subtotal: '12.00', total: '12.00' }),
          line({ id: 2, sku: '', variation_id: 23, product_id: 22, quantity: 2, subtotal: '24.00', total: '20.00' }),
        ],
      }),
    );
    expect(fields).toMatchObject({ ItemSku1: '23', ItemQuantity1: '3', ItemSubTotal1: '36.00', OrderDiscount: '4.00' });
    expect(fields.ItemSku2).toBeUndefined();
  });

  it('sends the customer id of a registered customer, and the client IP and user agent when the merchant turns them on', () => {
    const fields = fieldsOf(order({ customer_id: 17, customer_ip_address: '198.51.100.23', customer_user_agent: 'Mozilla/5.0 (Mac)' }), aConfig({ sendIpAddress: true, sendUserAgent: true }));
    expect(fields).toMatchObject({ CustomerId: '17', IpAddress: '198.51.100.23', UserAgent: 'Mozilla/5.0 (Mac)' });
  });

  it.each([
    ['no number', { number: undefined }, /^number: /],
    ['a malformed date_created_gmt', { date_created_gmt: '22/03/2017' }, /^date_created_gmt: expected a UTC date-time/],
    ['a line total that is not an amount', { line_items: [line({ total: 'twelve' })] }, /^line_items\[0\]\.total: expected a decimal amount, got "twelve"/],
    ['an unknown currency', { currency: 'DOLLARS' }, /^currency: /],
  ])('rejects %s, naming the field', (_name, overrides, message) => {
    const result = woocommerceAdapter.normalizeOrder('order.updated', order(overrides));
    expect(!result.ok && describePayloadError(result.error)).toMatch(message);
  });

  it('refuses order.deleted, whose body is only the id', () => {
    const result = woocommerceAdapter.normalizeOrder('order.deleted', { id: 727 });
    expect(!result.ok && result.error.code).toBe('unsupported_topic');
  });

  it('Σ ItemSubTotal − OrderDiscount = Σ line totals', () => {
    const lineArbitrary = fc.record({ sku: fc.constantFrom('A', 'B', ''), quantity: fc.integer({ min: 1, max: 9 }), subtotal: fc.integer({ min: 0, max: 1e6 }), off: fc.double({ min: 0, max: 1, noNaN: true }) });
    fc.assert(
      fc.property(fc.array(lineArbitrary, { minLength: 1, maxLength: 6 }), (lines) => {
        const line_items = lines.map((l, index) => {
          const total = Math.floor(l.subtotal * (1 - l.off));
          return line({ id: index + 1, sku: l.sku, quantity: l.quantity, subtotal: (l.subtotal / 100).toFixed(2), total: (total / 100).toFixed(2) });
        });
        const expected = line_items.reduce((sum, l) => sum + Math.round(Number(l.total) * 100), 0);
        const fields = fieldsOf(order({ line_items }));
        let itemsTotal = 0;
        for (let n = 1; fields[`ItemSku${n}`]; n++) itemsTotal += Math.round(Number(fields[`ItemSubTotal${n}`]) * 100);
        expect(itemsTotal - Math.round(Number(fields.OrderDiscount) * 100)).toBe(expected);
      }),
    );
  });
});
