import { anOrder, aLine } from '@cartrelay/core/testing';
import { describe, expect, it } from 'vitest';
import { refundsWithLines } from '../src/refund-lines.ts';

describe('refund lines from WooCommerce’s refunds list', () => {
  const order = anOrder({
    id: '727',
    lineItems: [aLine({ id: '315', sku: 'SOCK', productId: '93', variantId: null, quantity: 3 }), aLine({ id: '316', sku: 'CAP', productId: '22', variantId: '23', quantity: 1 })],
    refunds: [{ id: '740', lines: [] }, { id: '741', lines: [] }],
  });

  it('reads each refunded line by _refunded_item_id, quantities made positive', () => {
    const listed = [
      { id: 741, line_items: [{ id: 900, quantity: -1, product_id: 93, variation_id: 0, meta_data: [{ id: 1, key: '_refunded_item_id', value: '315' }] }] },
      { id: 740, line_items: [] },
      // A refund newer than the delivered order: left for its own delivery.
      { id: 742, line_items: [{ id: 901, quantity: -1, product_id: 22, variation_id: 23, meta_data: [{ id: 2, key: '_refunded_item_id', value: '316' }] }] },
    ];
    expect(refundsWithLines(order, listed)).toEqual({
      ok: true,
      value: [
        { id: '740', lines: [] },
        { id: '741', lines: [{ lineId: '315', quantity: 1 }] },
      ],
    });
  });

  it('matches a line without _refunded_item_id by its product and variation, and skips amount-only lines', () => {
    const listed = [{ id: 740, line_items: [{ id: 902, quantity: -1, product_id: 22, variation_id: 23, meta_data: [] }, { id: 903, quantity: 0, product_id: 93, variation_id: 0 }] }];
    expect(refundsWithLines(order, listed)).toMatchObject({ ok: true, value: [{ id: '740', lines: [{ lineId: '316', quantity: 1 }] }, { id: '741', lines: [] }] });
  });

  it('refuses a list that is not WooCommerce’s', () => {
    expect(refundsWithLines(order, { refunds: [] })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
  });
});
