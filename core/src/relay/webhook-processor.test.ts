import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretBox, generateSecretKey, parseSecretKey } from '../crypto/secret-box.ts';
import type { Order } from '../order/order.ts';
import { createPlatformAdapter } from '../platform/platform-adapter.ts';
import { err, ok } from '../result.ts';
import { type Shop, ShopDirectory } from '../shops/shop-directory.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { aConfig, anOrder } from '../testing/builders.ts';
import type { WebhookEvent } from '../webhooks/webhook-receiver.ts';
import { createWebhookProcessor } from './webhook-processor.ts';

/** A platform whose payloads say directly what they mean: {"event": …}. */
let fetchable: Record<string, Order> = {};
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
      const event = (payload as { event?: WebhookEvent }).event;
      return event ? ok(event) : err({ code: 'invalid_payload', problems: [{ path: 'event', message: 'required' }] });
    },
    fetchOrder: async (_access, id) => (fetchable[id] ? ok(fetchable[id]) : err(`order ${id} not found`)),
    normalizeShopKey: (raw) => ok(raw),
  },
});

describe('webhook processor', () => {
  let store: Store;
  let shop: Shop;
  let clock: number;
  let processBatch: () => Promise<number>;

  beforeEach(async () => {
    fetchable = {};
    store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'cartrelay-processor-')) });
    const shops = new ShopDirectory(store, createSecretBox(parseSecretKey(generateSecretKey())!), { cacheMs: 0 });
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

  it('fails a webhook whose OrderId another order already converted under', async () => {
    await receive('1', { event: { kind: 'order', order: anOrder({ id: 'C', number: '7' }) } });
    await receive('2', { event: { kind: 'order', order: anOrder({ id: 'D', number: '7' }) } });
    await processBatch();
    expect(await webhookOutcomes()).toBe(0);
    expect((await store.listOrders(shop.id, {})).map((o) => `${o.platformOrderId}:${o.status}`)).toEqual(['C:converted']);
  });

  it('keeps an unconfigured shop’s webhooks, processes them once configured, and drops them after the retention', async () => {
    const shops = new ShopDirectory(store, createSecretBox(parseSecretKey(generateSecretKey())!), { cacheMs: 0 });
    const fresh = await shops.install({ platform: 'testshop', shopKey: 'new', accessToken: null }, clock);
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
