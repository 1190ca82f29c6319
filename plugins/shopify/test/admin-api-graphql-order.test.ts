import { readJsonFixture } from '@cartrelay/core/testing';
import { describe, expect, it } from 'vitest';
import { normalizeShopifyGraphqlOrder } from '../src/admin-api/graphql-order.ts';
import { normalizeShopifyOrder } from '../src/normalize-order.ts';

const graphqlNode = () => readJsonFixture(new URL('./fixtures/graphql-order-1001.json', import.meta.url)) as Record<string, unknown>;
const restBody = () => readJsonFixture(new URL('./fixtures/graphql-order-1001-rest.json', import.meta.url));

const normalized = (node: unknown) => {
  const result = normalizeShopifyGraphqlOrder(node);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
};
const withNode = (overrides: Record<string, unknown>) => ({ ...graphqlNode(), ...overrides });
const lines = () => (graphqlNode().lineItems as { nodes: Array<Record<string, unknown>> }).nodes;

describe('GraphQL Admin API orders', () => {
  it('become the same core Order as the REST webhook body of the same order, but for the customer id (read_customers is not asked for)', () => {
    const fromRest = normalizeShopifyOrder({ ...(restBody() as Record<string, unknown>), customer: null });
    expect(fromRest.ok).toBe(true);
    expect(normalizeShopifyGraphqlOrder(graphqlNode())).toEqual(fromRest);
  });

  it('reads ids from GraphQL ids and the number from the name', () => {
    const order = normalized(graphqlNode());
    expect(order.id).toBe('5900000001001');
    expect(order.number).toBe('1001');
    expect(order.lineItems.map((line) => [line.id, line.variantId, line.productId])).toEqual([
      ['13000000001', '44000000001', '55000000001'],
      ['13000000002', '44000000002', '55000000002'],
      ['13000000003', null, null],
    ]);
    expect(order.refunds).toEqual([{ id: '880000001', lines: [{ lineId: '13000000001', quantity: 1 }] }]);
  });

  it("writes times in the shop's offset, as REST does, when the shop's zone is known; UTC otherwise", () => {
    expect(normalized(graphqlNode())).toMatchObject({ createdAt: '2026-03-02T10:15:00+01:00', updatedAt: '2026-03-03T08:00:00+01:00' });
    // Summer time in Berlin.
    expect(normalized(withNode({ createdAt: '2026-07-01T12:00:00Z' })).createdAt).toBe('2026-07-01T14:00:00+02:00');
    expect(normalized(withNode({ shopTimezone: null }))).toMatchObject({ createdAt: '2026-03-02T09:15:00Z', updatedAt: '2026-03-03T07:00:00Z' });
    expect(normalizeShopifyGraphqlOrder(withNode({ shopTimezone: 'Mars/Olympus' }))).toMatchObject({ ok: false });
  });

  it('reads displayFinancialStatus with the words of REST financial_status', () => {
    const state = (status: string | null) => {
      const order = normalized(withNode({ displayFinancialStatus: status }));
      return [order.paymentState, order.platformStatus];
    };
    expect(state('PAID')).toEqual(['paid', 'financial_status=paid']);
    expect(state('AUTHORIZED')).toEqual(['paid', 'financial_status=authorized']);
    expect(state('PARTIALLY_REFUNDED')).toEqual(['paid', 'financial_status=partially_refunded']);
    expect(state('PENDING')).toEqual(['awaiting_payment', 'financial_status=pending']);
    expect(state('REFUNDED')).toEqual(['refunded', 'financial_status=refunded']);
    expect(state('VOIDED')).toEqual(['cancelled', 'financial_status=voided']);
    expect(state('EXPIRED')).toEqual(['failed', 'financial_status=expired']);
    expect(state(null)).toEqual(['awaiting_payment', 'financial_status=none']);
  });

  it('reads a cancellation and its reason', () => {
    const order = normalized(withNode({ cancelledAt: '2026-03-04T10:00:00Z', cancelReason: 'FRAUD' }));
    expect(order).toMatchObject({ paymentState: 'cancelled', cancelReason: 'fraud' });
    expect(normalized(withNode({ cancelledAt: '2026-03-04T10:00:00Z', cancelReason: null })).cancelReason).toBe('other');
  });

  it('counts units removed by an edit apart from refunded ones, as REST does', () => {
    // 3 ordered, 1 left, 1 refunded → 1 removed by an edit.
    expect(normalized(graphqlNode()).lineItems[0]).toMatchObject({ quantity: 3 });
    expect(normalized(graphqlNode()).lineItems[0]?.removed).toBe(1);
    const [first, ...rest] = lines();
    expect(normalized(withNode({ lineItems: { nodes: [{ ...first, currentQuantity: 2 }, ...rest] } })).lineItems[0]?.removed).toBeUndefined();
  });

  it('reads shop-money prices and discounts, tax taken out when prices include it', () => {
    const mug = normalized(graphqlNode()).lineItems[2];
    // 2 × 9.50 = 19.00 with 3.03 tax in it → 15.97 without.
    expect(mug).toMatchObject({ subtotal: 1597, discount: 0, sku: 'MUG-01', name: 'Enamel mug', giftCard: false });
    const untaxed = normalized(withNode({ taxesIncluded: false })).lineItems[0];
    expect(untaxed).toMatchObject({ subtotal: 4200, discount: 420 });
    expect(normalized(graphqlNode()).lineItems[1]).toMatchObject({ giftCard: true, sku: null });
  });

  it('reads codes, attributes, tags, e-mail, IP and the landing page as path and query', () => {
    const order = normalized(graphqlNode());
    expect(order.discountCodes).toEqual(['JANE20']);
    expect(order.attributes).toEqual([{ name: 'irclickid', value: 'abc123' }]);
    expect(order.customer).toEqual({ id: null, email: 'jane@example.com', tags: ['vip', 'wholesale'], returning: null });
    expect(order.client).toEqual({ ip: '203.0.113.7', userAgent: null });
    expect(order.landingUrl).toBe('/products/socks?irclickid=abc123&utm_source=partner');
    expect(normalized(withNode({ customerJourneySummary: null })).landingUrl).toBeNull();
    expect(normalized(withNode({ email: null })).customer.email).toBeNull();
  });

  it('refuses an order whose line items were not all read, rather than a short copy', () => {
    expect(normalizeShopifyGraphqlOrder(withNode({ lineItems: { nodes: lines(), pageInfo: { hasNextPage: true } } }))).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload', problems: [{ path: 'lineItems' }] },
    });
  });

  it('names the field a malformed node gets wrong', () => {
    const [first, ...rest] = lines();
    const broken = withNode({ lineItems: { nodes: [{ ...first, originalUnitPriceSet: { shopMoney: { amount: 'abc' } } }, ...rest] } });
    expect(normalizeShopifyGraphqlOrder(broken)).toMatchObject({
      ok: false,
      error: { problems: [{ path: 'lineItems.nodes[0].originalUnitPriceSet.shopMoney.amount' }] },
    });
    expect(normalizeShopifyGraphqlOrder(withNode({ id: '5900000001001' }))).toMatchObject({ ok: false, error: { problems: [{ path: 'id' }] } });
  });
});
