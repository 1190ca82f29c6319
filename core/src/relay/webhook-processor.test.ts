import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Order } from '../order/order.ts';
import { createPlatformAdapter } from '../platform/platform-adapter.ts';
import { err, ok } from '../result.ts';
import { type Shop, ShopDirectory } from '../shops/shop-directory.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { aConfig, aLine, aSecretBox, anOrder } from '../testing/builders.ts';
import { createScratchDatabase } from '../testing/postgres-database.ts';
import type { WebhookEvent } from '../webhooks/webhook-receiver.ts';
import { createWebhookProcessor } from './webhook-processor.ts';

/** A platform whose payloads say directly what they mean: {"event": …}. */
let fetchable: Record<string, Order> = {};
/** Orders whose fetch the platform answers "wait until then" (a rate limit). */
let busyUntil: Record<string, number> = {};
/** What the platform's API adds to a delivered order (refund lines), by order id; an error string: it could not be read. */
let completions: Record<string, Order['refunds'] | string> = {};
const box = aSecretBox();

const testAdapter = createPlatformAdapter({
  platform: 'testshop',
  orderTopics: ['order'],
  orderPayloadDescription: 'an Order',
  normalizeOrder: (payload) => ok(payload as Order),
  webhooks: {
    identify: () => err({ status: 400, reason: 'not used' }),
    signedWithAppSecret: () => true,
    verify: () => ok(true),
    interpret: (_topic, payload) => {
      // A plugin bug, reached by one payload only.
      if ((payload as { boom?: boolean }).boom) throw new Error('plugin bug');
      const event = (payload as { event?: WebhookEvent }).event;
      return event ? ok(event) : err({ code: 'invalid_payload', problems: [{ path: 'event', message: 'required' }] });
    },
    // A platform that never answers for HUNG, and answers SLOW after 300 ms.
    fetchOrder: (_access, id) =>
      id === 'HUNG'
        ? new Promise(() => undefined)
        : busyUntil[id] !== undefined
          ? Promise.resolve(err({ busyUntil: busyUntil[id], reason: 'rate limited' }))
          : new Promise((resolve) => setTimeout(() => resolve(fetchable[id] ? ok(fetchable[id]) : err(`order ${id} not found`)), id === 'SLOW' ? 300 : 0)),
    completeOrder: async (_access, order) => {
      const refunds = completions[order.id];
      if (refunds === undefined) return ok(order);
      return typeof refunds === 'string' ? err(refunds) : ok({ ...order, refunds });
    },
    normalizeShopKey: (raw) => ok(raw),
  },
});

describe('webhook processor', () => {
  let store: Store;
  let shop: Shop;
  let clock: number;
  let processBatch: () => Promise<number>;
  let shops: ShopDirectory;

  beforeEach(async () => {
    fetchable = {};
    busyUntil = {};
    completions = {};
    store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'cartrelay-processor-')), box });
    shops = new ShopDirectory(store, box, { cacheMs: 0 });
    shop = await shops.add({ platform: 'testshop', shopKey: 'one', config: aConfig(), impact: { accountSid: 'IR1', authToken: 't' } });
    clock = 1_780_000_000_000;
    processBatch = createWebhookProcessor({ store, shops, adapters: new Map([['testshop', testAdapter]]), logger: pino({ level: 'silent' }), now: () => clock, maxAttempts: 2 });
  });
  afterEach(() => store.close());

  const receive = (deliveryId: string, body: unknown) =>
    store.insertWebhooks([{ shopId: shop.id, topic: 'order', deliveryId, receivedAt: clock, headers: {}, body: JSON.stringify(body) }]);
  const webhookOutcomes = async () => (await store.queueDepth()).webhooks;

  it('plans orders and refunds, and ends ignored and invalid webhooks', async () => {
    await receive('1', { event: { kind: 'order', order: anOrder({ id: 'A', number: '1' }) } });
    await receive('2', { event: { kind: 'ignored', reason: 'a product changed' } });
    await receive('3', { nothing: true });
    await receive('4', { event: { kind: 'refund', platformOrderId: 'A', refund: { id: 'R', lines: [{ lineId: '1', quantity: 1 }] } } });
    expect(await processBatch()).toBe(4);
    expect(await webhookOutcomes()).toBe(0);
    const [order] = await store.listOrders(shop.id, {});
    expect(order).toMatchObject({ platformOrderId: 'A', status: 'reversed' });
    expect((await store.listDeliveries(shop.id, {})).map((d) => d.kind)).toEqual(['conversion', 'reversal']);
  });

  it('fetches an order named by id, and retries when the fetch fails', async () => {
    await receive('1', { event: { kind: 'order_reference', platformOrderId: 'B' } });
    expect(await processBatch()).toBe(1);
    expect(await webhookOutcomes()).toBe(1);
    expect(await processBatch()).toBe(0);
    fetchable.B = anOrder({ id: 'B', number: '2' });
    clock += 3_600_000;
    expect(await processBatch()).toBe(1);
    expect(await webhookOutcomes()).toBe(0);
    expect((await store.listOrders(shop.id, {}))[0]).toMatchObject({ platformOrderId: 'B', status: 'converted' });
  });

  it('waits for a platform that asks to (a rate limit) as often as it asks, without using up the attempts', async () => {
    await receive('1', { event: { kind: 'order_reference', platformOrderId: 'L' } });
    // maxAttempts is 2: five waits would have given a failing fetch up.
    for (let wait = 0; wait < 5; wait++) {
      busyUntil.L = clock + 30_000;
      expect(await processBatch()).toBe(1);
      expect(await processBatch()).toBe(0);
      clock += 30_000;
    }
    delete busyUntil.L;
    fetchable.L = anOrder({ id: 'L', number: '9' });
    expect(await processBatch()).toBe(1);
    expect((await store.listOrders(shop.id, {}))[0]).toMatchObject({ platformOrderId: 'L', status: 'converted' });
  });

  it('completes an order from the platform before applying it (refund lines), and retries when that fails', async () => {
    const paid = anOrder({ id: 'C', number: '3', lineItems: [aLine({ id: '1', sku: 'A', quantity: 2 })] });
    await receive('1', { event: { kind: 'order', order: paid } });
    expect(await processBatch()).toBe(1);
    // The delivery carries the refund's total only; its lines are the platform's to tell.
    await receive('2', { event: { kind: 'order', order: { ...paid, refunds: [{ id: 'R1', lines: [] }] } } });
    completions.C = 'refunds could not be read';
    expect(await processBatch()).toBe(1);
    expect(await webhookOutcomes()).toBe(1);
    completions.C = [{ id: 'R1', lines: [{ lineId: '1', quantity: 1 }] }];
    clock += 3_600_000;
    expect(await processBatch()).toBe(1);
    expect(await webhookOutcomes()).toBe(0);
    const deliveries = await store.listDeliveries(shop.id, {});
    expect(deliveries.map((d) => d.kind)).toEqual(['conversion', 'modification']);
  });

  it('fails a webhook whose OrderId another order already converted under', async () => {
    await receive('1', { event: { kind: 'order', order: anOrder({ id: 'C', number: '7' }) } });
    await receive('2', { event: { kind: 'order', order: anOrder({ id: 'D', number: '7' }) } });
    await processBatch();
    expect(await webhookOutcomes()).toBe(0);
    expect((await store.listOrders(shop.id, {})).map((o) => `${o.platformOrderId}:${o.status}`)).toEqual(['C:converted']);
  });

  describe('one webhook’s failure is its own', () => {
    let other: Shop;
    beforeEach(async () => {
      other = await shops.add({ platform: 'testshop', shopKey: 'other', config: aConfig(), impact: { accountSid: 'IR2', authToken: 't' } });
      processBatch = createWebhookProcessor({ store, shops, adapters: new Map([['testshop', testAdapter]]), logger: pino({ level: 'silent' }), now: () => clock, maxAttempts: 2, platformBudgetMs: 50 });
    });
    const innocent = (id: string) =>
      store.insertWebhooks([{ shopId: other.id, topic: 'order', deliveryId: `innocent-${id}`, receivedAt: clock, headers: {}, body: JSON.stringify({ event: { kind: 'order', order: anOrder({ id, number: id }) } }) }]);
    const status = async (shopId: number) => (await store.listOrders(shopId, {})).map((o) => `${o.platformOrderId}:${o.status}`);

    it('a webhook that throws fails alone, counts toward the attempt limit, and is given up; another shop’s goes through', async () => {
      await receive('poison', { boom: true });
      await innocent('I1');
      expect(await processBatch()).toBe(2);
      expect(await status(other.id)).toEqual(['I1:converted']);
      // Tried again after its backoff, then given up at the limit (2): never reclaimed again.
      expect(await webhookOutcomes()).toBe(1);
      clock += 3_600_000;
      expect(await processBatch()).toBe(1);
      expect(await webhookOutcomes()).toBe(0);
      clock += 3_600_000;
      expect(await processBatch()).toBe(0);
    });

    it('a slow platform’s order is saved when its answer comes, without holding the batch of other shops’ orders', async () => {
      const step = createWebhookProcessor({ store, shops, adapters: new Map([['testshop', testAdapter]]), logger: pino({ level: 'silent' }), now: () => clock, platformBudgetMs: 5_000, batchWindowMs: 150 });
      fetchable.SLOW = anOrder({ id: 'SLOW', number: 'S' });
      await receive('slow', { event: { kind: 'order_reference', platformOrderId: 'SLOW' } });
      await innocent('I3');
      expect(await step()).toBe(2);
      expect(await status(other.id)).toEqual(['I3:converted']);
      expect(await status(shop.id)).toEqual([]);
      await step.drain();
      expect(await status(shop.id)).toEqual(['SLOW:converted']);
      expect(await webhookOutcomes()).toBe(0);
    });

    it('a platform that never answers holds its own webhook, not the batch, and it is tried again once its budget is spent', async () => {
      const step = createWebhookProcessor({ store, shops, adapters: new Map([['testshop', testAdapter]]), logger: pino({ level: 'silent' }), now: () => clock, maxAttempts: 2, platformBudgetMs: 50 });
      await receive('hung', { event: { kind: 'order_reference', platformOrderId: 'HUNG' } });
      await innocent('I2');
      expect(await step()).toBe(2);
      expect(await status(other.id)).toEqual(['I2:converted']);
      expect(await webhookOutcomes()).toBe(1);
      // Without the budget the hung fetch would never settle: drain would not return.
      await step.drain();
      clock += 3_600_000;
      expect(await step()).toBe(1);
      await step.drain();
    });
  });

  it('keeps an unconfigured shop’s webhooks, processes them once configured, and drops them after the retention', async () => {
    const shops = new ShopDirectory(store, box, { cacheMs: 0 });
    const fresh = await shops.install({ platform: 'testshop', shopKey: 'new' }, clock);
    const process = createWebhookProcessor({ store, shops, adapters: new Map([['testshop', testAdapter]]), logger: pino({ level: 'silent' }), now: () => clock, maxWaitMs: 86_400_000 });
    const order = (id: string) => JSON.stringify({ event: { kind: 'order', order: anOrder({ id, number: id }) } });
    await store.insertWebhooks([
      { shopId: fresh.id, topic: 'order', deliveryId: 'kept', receivedAt: clock, headers: {}, body: order('K') },
      { shopId: fresh.id, topic: 'order', deliveryId: 'stale', receivedAt: clock - 2 * 86_400_000, headers: {}, body: order('S') },
    ]);
    expect(await process()).toBe(2);
    // The stale one was dropped; the recent one waits, with its attempt given back.
    expect(await webhookOutcomes()).toBe(1);
    expect(await process()).toBe(0);
    await shops.setConfig(fresh.id, aConfig(), clock);
    expect(await process()).toBe(1);
    expect((await store.listOrders(fresh.id, {})).map((o) => o.platformOrderId)).toEqual(['K']);
  });
});

describe('webhook processor on PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    database = await createScratchDatabase('cartrelay_processor');
  });
  afterAll(() => database.drop());

  // PostgreSQL refuses a NUL in text: such a value must never reach a query, or its webhook (and, before,
  // the whole batch beside it) would fail on every try.
  it('processes an order whose id holds an escaped NUL, beside another shop’s, without failing either', async () => {
    const store = await openStore({ databaseUrl: database.url, dataDir: '', box });
    try {
      const shops = new ShopDirectory(store, box, { cacheMs: 0 });
      const one = await shops.add({ platform: 'testshop', shopKey: 'one', config: aConfig(), impact: { accountSid: 'IR1', authToken: 't' } });
      const two = await shops.add({ platform: 'testshop', shopKey: 'two', config: aConfig(), impact: { accountSid: 'IR2', authToken: 't' } });
      // The adapter waits for pixels' click ids, so the processor reads the ledger with the order's id.
      const adapters = new Map([['testshop', { ...testAdapter, webhooks: { ...testAdapter.webhooks, capturesClicks: true } }]]);
      const clock = Date.now();
      const processBatch = createWebhookProcessor({ store, shops, adapters, logger: pino({ level: 'silent' }), now: () => clock });
      const order = (id: string) => JSON.stringify({ event: { kind: 'order', order: anOrder({ id, number: '58', landingUrl: null, createdAt: new Date(clock - 3_600_000).toISOString() }) } });
      await store.insertWebhooks([
        { shopId: one.id, topic: 'order', deliveryId: 'poison', receivedAt: clock, headers: {}, body: order('58').replace('"58"', '"58\\u0000"') },
        { shopId: two.id, topic: 'order', deliveryId: 'innocent', receivedAt: clock, headers: {}, body: order('59') },
      ]);
      expect(await processBatch()).toBe(2);
      expect((await store.listOrders(one.id, {})).map((o) => o.platformOrderId)).toEqual(['58\uFFFD']);
      expect((await store.listOrders(two.id, {})).map((o) => o.platformOrderId)).toEqual(['59']);
      expect((await store.queueDepth()).webhooks).toBe(0);
    } finally {
      await store.close();
    }
  });
});
