import { describe, expect, it } from 'vitest';
import type { MinorUnits } from '../money/minor-units.ts';
import { aConfig, aLine, anOrder } from '../testing/builders.ts';
import { merchantLines, operatorLines } from './explain-line.ts';
import { mapOrder } from './map-order.ts';

/** Every explain line has a merchant form naming things as the admin page does; the operator form stays precise. */
describe('explain lines in the merchant’s words', () => {
  const now = { now: new Date('2026-03-02T00:00:00Z') };
  const config = aConfig({
    promoCodes: [
      { match: 'exact', code: 'JANE20', partnerId: '4455' },
      { match: 'regex', code: '^PODCAST', actionTrackerId: '777' },
      { match: 'exact', code: 'STAFF50', exclude: true },
    ],
    skus: [
      { match: 'prefix', sku: 'GIFT-WRAP', exclude: true },
      { match: 'exact', sku: 'SOCK-M', category: 'socks' },
    ],
  });

  it('a click-id order with a code: each line', () => {
    const order = anOrder({
      discountCodes: ['jane20'],
      lineItems: [aLine({ id: 'L1', name: 'Merino sock', sku: 'SOCK-M', subtotal: 1200 as MinorUnits }), aLine({ id: 'L2', name: 'Gift wrap', sku: 'GIFT-WRAP-1' }), aLine({ id: 'L3', name: 'Card', giftCard: true })],
    });
    const mapping = mapOrder(order, config, now);
    expect(merchantLines(mapping.explain)).toEqual([
      'The order counts as paid (the store says status=paid); orders are sent once paid.',
      'Code jane20 matches promo mapping 1, which credits partner 4455.',
      'SKU SOCK-M is in category socks (SKU rule 2).',
      '"Gift wrap" is not counted: SKU GIFT-WRAP-1 is excluded by SKU rule 1.',
      '"Card" is not counted: it is a gift card.',
      "The click id came from the landing page's address.",
      'The click id wins over code jane20: the settings put click ids before codes, so impact.com credits the partner of the click.',
      'A guest checkout: no customer id is sent.',
      'The order has no email: none is sent.',
      'No customer status: the order does not say whether the customer is new or returning.',
      "The buyer's IP address is not sent: the settings say not to.",
      "The buyer's browser is not sent: the settings say not to.",
    ]);
    // The operator's form keeps the config's names.
    expect(operatorLines(mapping.explain)).toContain('OrderPromoCode jane20: matches promoCodes[0] (exact JANE20) → partner 4455');
    expect(operatorLines(mapping.explain)).toContain('click id wins over code jane20; MediaPartnerId not sent (attributionPrecedence "click")');
  });

  it('an excluded code: the line and the skip reason name the promo mapping by its row', () => {
    const mapping = mapOrder(anOrder({ discountCodes: ['STAFF50'] }), config, now);
    expect(mapping.decision).toBe('skip');
    if (mapping.decision !== 'skip') return;
    expect(merchantLines(mapping.explain)).toEqual(['The order counts as paid (the store says status=paid); orders are sent once paid.', 'Code STAFF50 is excluded by promo mapping 3.']);
    expect(mapping.merchantReason).toBe('code STAFF50 is excluded by promo mapping 3');
    expect(mapping.reason).toBe('code STAFF50 is excluded by promoCodes[2] (exact STAFF50)');
  });

  it('an order with no click id and no mapped code: no partner, and why', () => {
    const mapping = mapOrder(anOrder({ landingUrl: null }), config, now);
    if (mapping.decision !== 'skip') throw new Error('expected a skip');
    expect(merchantLines(mapping.explain).slice(1)).toEqual([
      'The order has no promo code.',
      'SKU SKU-1 matches no SKU rule: it is in the default category general.',
      'No click id: the landing page\'s address had no irclickid, and the storefront reported no click.',
    ]);
    expect(mapping.merchantReason).toBe('no partner: the order has no click id, no promo code and no customer id');
  });

  it('a captured click id and a code crediting an action tracker, for a registered returning customer', () => {
    const order = anOrder({ landingUrl: null, capturedClickId: 'PX1', capturedClickSource: 'pixel', discountCodes: ['PODCAST-MAY'], customer: { id: '77', returning: true } });
    const mapping = mapOrder(order, config, now);
    expect(merchantLines(mapping.explain)).toEqual(
      expect.arrayContaining([
        'Code PODCAST-MAY matches promo mapping 2, which credits action tracker 777.',
        "The click id came from the storefront's click capture (pixel).",
        'Sent to action tracker 777, as the code\'s promo mapping says.',
        'A registered customer: their customer id 77 is sent.',
        'Customer status Returning: a returning customer.',
      ]),
    );
    expect(merchantLines(mapping.explain).join('\n')).not.toMatch(/promoCodes\[|attributionPrecedence|customerStatus\.|sendIpAddress|defaultCategory/);
  });

  it('shows a line stored before lines had two forms as it is', () => {
    expect(merchantLines(['ClickId from landing URL parameter irclickid', { operator: 'op', merchant: 'Merchant.' }])).toEqual(['ClickId from landing URL parameter irclickid', 'Merchant.']);
    expect(operatorLines(['old line', { operator: 'op', merchant: 'Merchant.' }])).toEqual(['old line', 'op']);
  });
});
