import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createImpactClient } from '../delivery/impact-client.ts';
import { DEFAULT_RETRY_POLICY } from '../delivery/retry-policy.ts';
import { CONVERSIONS_PATH } from '../mapping/conversion.ts';
import { type Shop, ShopDirectory } from '../shops/shop-directory.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { aConfig, aSecretBox } from '../testing/builders.ts';
import { type FakeImpact, startFakeImpact } from '../testing/fake-impact.ts';
import { createDeliveryWorker } from './delivery-worker.ts';

describe('delivery worker against a faulty impact.com', () => {
  let fake: FakeImpact;
  let store: Store;
  let shops: ShopDirectory;
  let clock: number;
  let good: Shop;
  let broken: Shop;
  let worker: ReturnType<typeof createDeliveryWorker>;

  beforeEach(async () => {
    fake = await startFakeImpact({ accounts: { IRgood: 'good-token', IRbroken: 'right-token' } });
    const box = aSecretBox();
    store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'cartrelay-worker-')), box });
    shops = new ShopDirectory(store, box, { cacheMs: 0 });
    good = await shops.add({ platform: 'shopify', shopKey: 'good.myshopify.com', config: aConfig(), impact: { accountSid: 'IRgood', authToken: 'good-token' } });
    broken = await shops.add({ platform: 'shopify', shopKey: 'broken.myshopify.com', config: aConfig(), impact: { accountSid: 'IRbroken', authToken: 'stale-token' } });
    clock = 1_780_000_000_000;
    worker = createDeliveryWorker({
      store,
      shops,
      impact: createImpactClient({ baseUrl: fake.url, timeoutMs: 1000 }),
      logger: pino({ level: 'silent' }),
      policy: { ...DEFAULT_RETRY_POLICY, maxAttempts: 3, baseDelayMs: 1000 },
      now: () => clock,
      random: () => 1,
    });
  });

  afterEach(async () => {
    await store.close();
    await fake.close();
  });

  const conversion = (orderId: string) => ({
    kind: 'conversion' as const,
    method: 'POST' as const,
    path: CONVERSIONS_PATH,
    availableAt: clock,
    fields: { CampaignId: '12345', ActionTrackerId: '67890', EventDate: '2026-03-01T10:00:00Z', OrderId: orderId, ClickId: 'C1', CurrencyCode: 'USD', ItemSku1: 'A', ItemQuantity1: '1', ItemSubTotal1: '1.00' },
  });
  const statusOf = async (shop: Shop) => (await store.listDeliveries(shop.id, {})).map((d) => d.status);

  it('retries a 5xx and a dropped connection, then delivers', async () => {
    await store.enqueueDeliveries(good.id, [conversion('1')], clock);
    fake.inject({ kind: 'status', status: 503 });
    fake.inject({ kind: 'drop' });
    expect(await worker.deliver()).toBe(1);
    clock += 1000;
    expect(await worker.deliver()).toBe(1);
    expect(await statusOf(good)).toEqual(['pending']);
    clock += 2000;
    await worker.deliver();
    expect(await statusOf(good)).toEqual(['done']);
    const [listing] = await store.listDeliveries(good.id, {});
    expect(listing!.attemptLog.map((a) => a.httpStatus)).toEqual([503, null, 200]);
  });

  it('records impact.com’s validation errors without retrying', async () => {
    await store.enqueueDeliveries(good.id, [{ ...conversion('x'.repeat(70)) }], clock);
    await worker.deliver();
    const [listing] = await store.listDeliveries(good.id, {});
    expect(listing).toMatchObject({ status: 'rejected', lastError: expect.stringContaining('OrderId is longer than 64 characters') });
  });

  it('dead-letters after the last attempt, and replays on request', async () => {
    await store.enqueueDeliveries(good.id, [conversion('2')], clock);
    fake.inject({ kind: 'status', status: 500 }, 3);
    for (let attempt = 0; attempt < 3; attempt++) {
      await worker.deliver();
      clock += 10_000;
    }
    expect(await statusOf(good)).toEqual(['dead']);
    expect(await store.requeueDeadDeliveries(good.id, clock)).toBe(1);
    await worker.deliver();
    expect(await statusOf(good)).toEqual(['done']);
  });

  it('holds a rate-limited account until its reset, without delaying another shop', async () => {
    await store.enqueueDeliveries(broken.id, [conversion('b1'), conversion('b2')], clock);
    await store.enqueueDeliveries(good.id, [conversion('g1')], clock);
    const reset = Math.floor(clock / 1000) + 120;
    fake.inject({ kind: 'status', status: 429, headers: { 'x-ratelimit-reset': String(reset) } }, 2, 'IRbroken');
    await worker.deliver();
    expect(await statusOf(good)).toEqual(['done']);
    const held = await store.listDeliveries(broken.id, {});
    expect(held.map((d) => d.status)).toEqual(['pending', 'pending']);
    // Nothing for the account goes out before the reset.
    clock += 60_000;
    expect(await worker.deliver()).toBe(0);
  });

  it('never gives up on a rate-limited account: holds and 429s are not attempts, so they never lead to a dead letter', async () => {
    await store.enqueueDeliveries(good.id, [conversion('r1'), conversion('r2')], clock);
    // More 429s than maxAttempts (3), each with a reset two minutes on…
    for (let round = 0; round < 5; round++) {
      fake.inject({ kind: 'status', status: 429, headers: { 'x-ratelimit-reset': String(Math.floor(clock / 1000) + 120) } }, 1, 'IRgood');
      await worker.deliver();
      clock += 130_000;
    }
    // …then a 5xx, which counts: the first counted attempt, far from the last.
    fake.inject({ kind: 'status', status: 503 }, 1, 'IRgood');
    await worker.deliver();
    clock += 130_000;
    await worker.deliver();
    const deliveries = await store.listDeliveries(good.id, {});
    expect(deliveries.map((d) => d.status)).toEqual(['done', 'done']);
    // r1: five 429s (logged, not counted), a 503 and a success; r2: only ever held, then sent once.
    expect(deliveries.map((d) => [d.attempts, d.attemptLog.length])).toEqual([
      [2, 7],
      [1, 1],
    ]);
  });

  it('keeps retrying a shop whose credentials fail, while the other shop delivers', async () => {
    await store.enqueueDeliveries(broken.id, [conversion('b3')], clock);
    await store.enqueueDeliveries(good.id, [conversion('g2')], clock);
    await worker.deliver();
    expect(await statusOf(good)).toEqual(['done']);
    const [failing] = await store.listDeliveries(broken.id, {});
    expect(failing).toMatchObject({ status: 'pending', lastError: expect.stringMatching(/^HTTP 401/) });
  });

  it('stops checking a submission impact.com has no record of, and lets the order go on', async () => {
    await store.enqueueDeliveries(good.id, [conversion('4')], clock);
    await worker.deliver();
    fake.inject({ kind: 'status', status: 404 }, 1, 'IRgood');
    clock += DEFAULT_RETRY_POLICY.submissionCheckDelayMs;
    expect(await worker.checkSubmissions()).toBe(1);
    const [listing] = await store.listDeliveries(good.id, {});
    expect(listing).toMatchObject({ status: 'done', submissionStatus: 'unknown' });
    clock += DEFAULT_RETRY_POLICY.submissionCheckDelayMs;
    expect(await worker.checkSubmissions()).toBe(0);
  });

  it('checks the queued submission and records a contract error', async () => {
    fake.failSubmissions(['3']);
    await store.enqueueDeliveries(good.id, [conversion('3')], clock);
    await worker.deliver();
    expect(await worker.checkSubmissions()).toBe(0);
    clock += DEFAULT_RETRY_POLICY.submissionCheckDelayMs;
    expect(await worker.checkSubmissions()).toBe(1);
    const [listing] = await store.listDeliveries(good.id, {});
    expect(listing).toMatchObject({ status: 'done', submissionStatus: 'error', submissionErrors: [{ code: 'CONTRACT_NOT_FOUND' }] });
  });
});
