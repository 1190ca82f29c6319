import { createHash } from 'node:crypto';
import { describePayloadError } from '@cartrelay/core';
import { aConfig, describeAdapterContract, mapPayload, readJsonFixture, submittedFields } from '@cartrelay/core/testing';
import { describe, expect, it } from 'vitest';
import { bigcommerceAdapter } from '../src/index.ts';

const fixture = (name: string) => readJsonFixture(new URL(`./fixtures/${name}.json`, import.meta.url));

/**
 * The bundle the adapter fetches, from BigCommerce's documented V2 samples: order #218 (status 7,
 * Awaiting Payment), its products (S-ORAN with a 1.59 manual discount, and a bundled pick at 0.00)
 * and its coupon S2549JM0Y.
 */
function bundle(order: Record<string, unknown> = {}, rest: Record<string, unknown> = {}) {
  return { order: { ...fixture('v2-order'), ...order }, products: fixture('v2-order-products'), coupons: fixture('v2-order-coupons'), ...rest };
}
const paid = (order: Record<string, unknown> = {}, rest: Record<string, unknown> = {}) => bundle({ status_id: 11, status: 'Awaiting Fulfillment', ...order }, rest);

function product(overrides: Record<string, unknown>) {
  return { ...fixture('v2-order-products')[0], applied_discounts: [], parent_order_product_id: null, ...overrides };
}

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');



const map = (payload: unknown, config = aConfig()) => mapPayload(bigcommerceAdapter, 'store/order/statusUpdated', payload, config);
const fieldsOf = (payload: unknown, config = aConfig()) => submittedFields(map(payload, config));

describeAdapterContract(bigcommerceAdapter, paid);

describe('BigCommerce orders', () => {
  it('skips the documented order as is: Awaiting Payment', () => {
    expect(map(bundle())).toMatchObject({ decision: 'skip', reason: 'not paid: status_id=7 (Awaiting Payment) (trigger "paid")' });
  });

  it('maps the documented bundle, once paid, to the conversion its rules give', () => {
    expect(fieldsOf(paid())).toEqual({
      CampaignId: '12345',
      ActionTrackerId: '67890',
      EventDate: '2019-03-05T21:40:11Z',
      OrderId: '218',
      OrderPromoCode: 'S2549JM0Y',
      CustomerId: '11',
      CustomerEmail: sha1('janedoe@example.com'),
      CurrencyCode: 'USD',
      OrderDiscount: '1.59',
      ItemSku1: 'S-ORAN', ItemCategory1: 'general', ItemName1: 'Fog Linen Chambray Towel - Beige Stripe', ItemQuantity1: '1', ItemSubTotal1: '55.99',
    });
  });

  it.each([
    [0, 'skip', 'skip'],
    [1, 'skip', 'submit'],
    [2, 'submit', 'submit'],
    [3, 'submit', 'submit'],
    [4, 'skip', 'submit'],
    [5, 'skip', 'skip'],
    [6, 'skip', 'skip'],
    [7, 'skip', 'submit'],
    [8, 'submit', 'submit'],
    [9, 'submit', 'submit'],
    [10, 'submit', 'submit'],
    [11, 'submit', 'submit'],
    [12, 'skip', 'submit'],
    [13, 'skip', 'submit'],
    [14, 'submit', 'submit'],
  ])('status_id %i → %s under "paid", %s under "created"', (status_id, underPaid, underCreated) => {
    expect(map(bundle({ status_id })).decision).toBe(underPaid);
    expect(map(bundle({ status_id }), aConfig({ trigger: 'created' })).decision).toBe(underCreated);
  });

  it('converts RFC-2822 dates with any offset to UTC', () => {
    expect(fieldsOf(paid({ date_created: 'Wed, 31 Dec 2025 23:30:00 -0500' })).EventDate).toBe('2026-01-01T04:30:00Z');
    expect(fieldsOf(paid({ date_created: '1 Feb 2026 08:00:05 +0130' })).EventDate).toBe('2026-02-01T06:30:05Z');
  });

  it('takes the click id captured by the storefront script', () => {
    expect(fieldsOf(paid({}, { attribution: { clickId: 'BcClick42' } })).ClickId).toBe('BcClick42');
    expect(fieldsOf(paid({}, { attribution: { landingUrl: 'https://store.example/?irclickid=FromUrl&sharedid=x' } })).ClickId).toBe('FromUrl');
  });

  it('leaves out gift certificates and bundle components', () => {
    const fields = fieldsOf(
      paid({}, { products: [product({ id: 1, sku: 'KEEP' }), product({ id: 2, sku: 'GIFT', type: 'giftcertificate' }), product({ id: 3, sku: 'PART', parent_order_product_id: 1 })] }),
    );
    expect(fields.ItemSku1).toBe('KEEP');
    expect(fields.ItemSku2).toBeUndefined();
  });

  it('rounds four-decimal amounts to the currency and sums applied discounts', () => {
    const fields = fieldsOf(
      paid({}, {
        products: [
          product({
            sku: 'MUG', quantity: 3, total_ex_tax: '12.5001', total_inc_tax: '13.7501',
            applied_discounts: [{ id: 1, amount: '1.2550', code: 'S2549JM0Y', target: 'order' }, { id: 'auto', amount: '0.5000', code: null, target: 'product' }],
          }),
        ],
      }),
    );
    expect(fields).toMatchObject({ ItemSubTotal1: '12.50', OrderDiscount: '1.76' });
  });

  it('takes tax out of discounts when the store prices include tax', () => {
    // 60.00 incl. 20% tax = 50.00 without; a 12.00 tax-inclusive discount is 10.00 without tax.
    const fields = fieldsOf(
      paid({ is_tax_inclusive_pricing: true }, {
        products: [product({ sku: 'VAT', total_ex_tax: '50.0000', total_inc_tax: '60.0000', applied_discounts: [{ id: 1, amount: '12.0000', code: null, target: 'order' }] })],
      }),
    );
    expect(fields).toMatchObject({ ItemSubTotal1: '50.00', OrderDiscount: '10.00' });
  });

  it('uses the transactional currency', () => {
    const fields = fieldsOf(paid({ currency_code: 'EUR', default_currency_code: 'JPY' }, { products: [product({ sku: 'J', total_ex_tax: '1500.0000', total_inc_tax: '1650.0000' })] }));
    expect(fields).toMatchObject({ CurrencyCode: 'JPY', ItemSubTotal1: '1500' });
  });

  it('treats customer_id 0 as a guest, and sends the order IP when the merchant turns it on', () => {
    const fields = fieldsOf(paid({ customer_id: 0, ip_address: '192.0.2.10' }), aConfig({ sendIpAddress: true }));
    expect(fields.CustomerId).toBeUndefined();
    expect(fields.IpAddress).toBe('192.0.2.10');
  });

  it('accepts a bundle without coupons (BigCommerce answers 204 when there are none)', () => {
    const { coupons: _none, ...withoutCoupons } = paid();
    expect(fieldsOf(withoutCoupons).OrderPromoCode).toBeUndefined();
  });

  it.each([
    ['no products', { products: undefined }, /^products: /],
    ['an ISO date instead of RFC-2822', { order: { ...fixture('v2-order'), date_created: '2019-03-05T21:40:11Z' } }, /^order\.date_created: expected an RFC-2822 date/],
    ['no currency', { order: { ...fixture('v2-order'), default_currency_code: '', currency_code: '' } }, /^order\.default_currency_code: /],
    ['the webhook body instead of the bundle', fixture('webhook-store-order-created'), /^order: /],
  ])('rejects %s, naming the field', (_name, payload, message) => {
    const base = 'scope' in payload ? payload : { ...paid(), ...payload };
    const result = bigcommerceAdapter.normalizeOrder('store/order/created', base);
    expect(!result.ok && describePayloadError(result.error)).toMatch(message);
  });
});
