import { GraphqlQueryError, Session } from '@shopify/shopify-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createShopifyApi } from '../src/admin-api/shopify-api.ts';
import { listOrdersUpdatedSince } from '../src/reconcile/list-orders.ts';
import { type ReconciledWebhook, reconcileShop } from '../src/reconcile/reconcile-shop.ts';
import { type FakeShopify, startFakeShopify } from '../src/testing/fake-shopify.ts';

const apiKey = 'k';
const apiSecret = 's';
const shop = 'merino.myshopify.com';

const order = (n: number, updatedAt: string) => ({ id: `gid://shopify/Order/${n}`, name: `#${n}`, updatedAt, lineItems: { nodes: [] } });

let fake: FakeShopify;
const start = async (bucket?: { maximumAvailable: number; restoreRate: number }) => {
  fake = await startFakeShopify({ apiKey, apiSecret, bucket });
  const shopify = createShopifyApi({ apiKey, apiSecretKey: apiSecret, hostName: 'app.example.com', adminApiUrl: fake.url });
  return new shopify.clients.Graphql({ session: new Session({ id: 'offline', shop, state: '', isOnline: false, accessToken: fake.issueAccessToken(shop) }) });
};
afterEach(() => fake.close());

describe('listing orders updated since a moment', () => {
  let client: Awaited<ReturnType<typeof start>>;
  beforeEach(async () => {
    client = await start();
    fake.addOrder(shop, order(3, '2026-03-01T12:00:00Z'));
    fake.addOrder(shop, order(1, '2026-03-01T10:00:00Z'));
    fake.addOrder(shop, order(2, '2026-03-01T11:00:00Z'));
    fake.addOrder(shop, order(4, '2026-02-01T00:00:00Z'));
  });

  it('walks the pages in updated_at order, each order read whole with the shop zone', async () => {
    const pages = [];
    for await (const page of listOrdersUpdatedSince(client, '2026-03-01T00:00:00Z', { pageSize: 2 })) pages.push(page.orders.map((node) => node.id));
    expect(pages).toEqual([['gid://shopify/Order/1', 'gid://shopify/Order/2'], ['gid://shopify/Order/3']]);
    const lists = fake.calls.filter((call) => call.operation === 'orders');
    expect(lists.map((call) => call.variables.query)).toEqual(["updated_at:>='2026-03-01T00:00:00Z'", "updated_at:>='2026-03-01T00:00:00Z'"]);
    expect(lists[0]?.variables.after).toBeNull();
    expect(lists[1]?.variables.after).toEqual(expect.any(String));
    expect(fake.calls.filter((call) => call.operation === 'order')).toHaveLength(3);
  });

  it('reads every order without a start', async () => {
    const ids = [];
    for await (const page of listOrdersUpdatedSince(client, null)) ids.push(...page.orders.map((node) => [node.id, node.shopTimezone]));
    expect(ids).toHaveLength(4);
    expect(ids[0]).toEqual(['gid://shopify/Order/4', 'America/New_York']);
  });
});

describe('the cost budget', () => {
  const cost = (requested: number, available: number) => ({
    cost: { requestedQueryCost: requested, actualQueryCost: 10, throttleStatus: { maximumAvailable: 1000, currentlyAvailable: available, restoreRate: 50 } },
  });
  const throttled = (available: number) =>
    new GraphqlQueryError({
      message: 'Throttled',
      response: {},
      body: { errors: { graphQLErrors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }] }, extensions: cost(300, available) },
    });
  const listAnswer = (ids: number[], next: string | null) => ({
    data: { shop: { ianaTimezone: 'UTC' }, orders: { nodes: ids.map((n) => ({ id: `gid://shopify/Order/${n}`, updatedAt: '2026-03-01T10:00:00Z' })), pageInfo: { hasNextPage: next !== null, endCursor: next } } },
  });
  const orderAnswer = (n: number) => ({ data: { order: order(n, '2026-03-01T10:00:00Z') } });

  it('waits (cost − available) / restoreRate before a query the bucket cannot pay, and retries a THROTTLED one', async () => {
    const script: Array<() => unknown> = [
      () => ({ ...listAnswer([1], 'c1'), extensions: cost(52, 900) }),
      // The order query requests 300, 100 left; the list query needs only 52, so no wait before it.
      () => ({ ...orderAnswer(1), extensions: cost(300, 100) }),
      // 280 left for the next order query's 300 → wait (300 − 280) / 50 = 0.4 s.
      () => ({ ...listAnswer([2], null), extensions: cost(52, 280) }),
      () => {
        throw throttled(200);
      },
      () => ({ ...orderAnswer(2), extensions: cost(300, 900) }),
    ];
    const client = { request: async () => script.shift()!() } as never;
    const waits: number[] = [];
    const ids = [];
    for await (const page of listOrdersUpdatedSince(client, null, { sleep: async (ms) => void waits.push(ms) })) ids.push(...page.orders.map((node) => node.id));
    expect(ids).toEqual(['gid://shopify/Order/1', 'gid://shopify/Order/2']);
    // 0.4 s before the second order query, then THROTTLED with 200 available for 300 → 2 s, then the retry succeeds.
    expect(waits).toEqual([400, 2000]);
    expect(script).toHaveLength(0);
  });

  it('gives up after the bounded retries of a THROTTLED page', async () => {
    const client = {
      request: async () => {
        throw throttled(0);
      },
    } as never;
    const pages = listOrdersUpdatedSince(client, null, { sleep: async () => {}, maxThrottledRetries: 2 });
    await expect(pages.next()).rejects.toThrow(/Throttled/);
  });

  it('throttles against the fake bucket end to end', async () => {
    const client = await start({ maximumAvailable: 150, restoreRate: 100 });
    fake.addOrder(shop, order(1, '2026-03-01T10:00:00Z'));
    fake.addOrder(shop, order(2, '2026-03-01T11:00:00Z'));
    fake.drainBucket(shop);
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
      await new Promise((resolve) => setTimeout(resolve, ms));
    };
    const ids = [];
    for await (const page of listOrdersUpdatedSince(client, null, { sleep })) ids.push(...page.orders.map((node) => node.id));
    expect(ids).toHaveLength(2);
    expect(fake.calls.some((call) => call.operation.endsWith('(throttled)'))).toBe(true);
    expect(waits.length).toBeGreaterThan(0);
  });
});

describe('reconciling a shop', () => {
  it('enqueues each page once, with delivery ids that make a re-run store nothing twice, and returns the newest updatedAt', async () => {
    const client = await start();
    fake.addOrder(shop, order(1, '2026-03-01T10:00:00Z'));
    fake.addOrder(shop, order(2, '2026-03-01T10:03:00Z'));
    fake.addOrder(shop, order(3, '2026-03-01T11:00:00Z'));
    fake.addOrder(shop, order(4, '2026-03-01T09:00:00Z'));
    const batches: ReconciledWebhook[][] = [];
    const progress: Array<{ pages: number; orders: number }> = [];
    const result = await reconcileShop({
      client,
      since: '2026-03-01T10:05:00Z',
      enqueue: async (batch) => void batches.push(batch),
      now: () => new Date('2026-03-02T00:00:00Z'),
      onProgress: (p) => progress.push(p),
      pageSize: 2,
    });
    // Five minutes of overlap: order 2 (10:03) is read again, order 1 (10:00) is not.
    expect(fake.calls.find((call) => call.operation === 'orders')?.variables.query).toBe("updated_at:>='2026-03-01T10:00:00.000Z'");
    expect(batches.map((batch) => batch.map((w) => w.deliveryId))).toEqual([
      ['reconcile:1:2026-03-01T10:00:00Z', 'reconcile:2:2026-03-01T10:03:00Z'],
      ['reconcile:3:2026-03-01T11:00:00Z'],
    ]);
    expect(batches[0]?.[0]).toMatchObject({ topic: 'orders/reconciled' });
    expect(JSON.parse(batches[0]![0]!.body)).toMatchObject({ id: 'gid://shopify/Order/1', shopTimezone: 'America/New_York' });
    expect(result).toEqual({ orders: 3, cursor: '2026-03-01T11:00:00.000Z' });
    expect(progress).toEqual([{ pages: 1, orders: 2 }, { pages: 2, orders: 3 }]);
  });

  it('keeps the cursor where it was when nothing changed', async () => {
    const client = await start();
    const result = await reconcileShop({ client, since: '2026-03-01T10:05:00Z', enqueue: async () => {}, now: () => new Date() });
    expect(result).toEqual({ orders: 0, cursor: '2026-03-01T10:05:00.000Z' });
  });
});
