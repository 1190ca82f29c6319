import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TrackingConfig } from '../config/tracking-config.ts';
import type { DeliveryAttempt, DeliveryOutcome } from '../delivery/outbox.ts';
import { planTestAction } from '../ledger/test-action.ts';
import type { Order } from '../order/order.ts';
import { type Shop, ShopDirectory } from '../shops/shop-directory.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { aConfig, aSecretBox, anOrder } from '../testing/builders.ts';
import type { AdminHome } from './contract.ts';
import { CLICK_SHARE_MIN_BASELINE_ORDERS, CLICK_SHARE_MIN_RECENT_ORDERS, CONNECTION_SAVED_CURSOR, buildAdminHome } from './home.ts';

const DAY = 86_400_000;
/** Noon UTC on 20 March 2026. */
const NOW = Date.UTC(2026, 2, 20, 12);
const daysAgo = (days: number, hours = 0) => NOW - days * DAY - hours * 3_600_000;
const CONFIG = aConfig({ promoCodes: [{ match: 'exact', code: 'JANE20', partnerId: '555001' }] });

describe('Home', () => {
  let store: Store;
  let shops: ShopDirectory;
  let shop: Shop;
  let orderCount = 0;

  beforeEach(async () => {
    const box = aSecretBox();
    store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'cartrelay-home-')), box });
    shops = new ShopDirectory(store, box, { cacheMs: 0 });
    shop = await shops.add({ platform: 'test', shopKey: 'a.example', config: CONFIG, impact: { accountSid: 'IRmerchant01', authToken: 'secret-token' } }, daysAgo(40));
  });
  afterEach(async () => {
    await store.close();
  });

  const home = (options: { now?: number; clickCaptureStatus?: () => Promise<AdminHome['clickCapture']> } = {}) =>
    buildAdminHome(shop, { store, now: options.now ?? NOW, ...(options.clickCaptureStatus ? { clickCaptureStatus: options.clickCaptureStatus } : {}) });

  /** An order first seen `at`, with the overrides; returns its ledger id. */
  async function order(at: number, overrides: Partial<Omit<Order, 'customer' | 'client'>> = {}, config: TrackingConfig = CONFIG): Promise<void> {
    const id = `P${++orderCount}`;
    const [result] = await store.applyOrderEvents([{ webhookId: null, shopId: shop.id, platformOrderId: id, event: { kind: 'order', order: anOrder({ id, number: id, createdAt: new Date(at).toISOString(), ...overrides }) }, config, now: at }]);
    expect(result?.ok).toBe(true);
  }
  const byLanding = (at: number) => order(at, { landingUrl: `/?irclickid=LAND${orderCount}` });
  const byPixel = (at: number) => order(at, { landingUrl: null, capturedClickId: `PIX${orderCount}`, capturedClickSource: 'pixel' });
  const byJourney = (at: number) => order(at, { landingUrl: null, capturedClickId: `JRN${orderCount}`, capturedClickSource: 'customer journey' });
  const byCode = (at: number) => order(at, { landingUrl: null, discountCodes: ['JANE20'] });
  const unattributed = (at: number) => order(at, { landingUrl: null });

  /** Sends every due delivery with `outcome`, then settles their submissions with `submission`. */
  async function deliverAll(outcome: DeliveryOutcome, attempt: Partial<DeliveryAttempt>, submission?: { status: 'complete' } | { status: 'error'; errors: unknown[] }, at = NOW) {
    const claimed = await store.claimDeliveries(100, 1000, at + DAY);
    await store.recordDeliveryOutcomes(claimed.map((d) => ({ id: d.id, outcome, attempt: { attemptedAt: at, durationMs: 5, httpStatus: 200, detail: '', ...attempt } })));
    if (submission) for (const d of claimed) await store.recordSubmissionCheck(d.id, submission);
    return claimed;
  }
  const queued: DeliveryOutcome = { status: 'done', queuedUri: '/q', checkAt: NOW };

  it('walks the checklist: connected, program set, a promo mapping or a click id, a test action impact.com accepted', async () => {
    const fresh = await shops.install({ platform: 'test', shopKey: 'new.example' }, NOW);
    const checklistOf = async (s: Shop) => (await buildAdminHome(s, { store, now: NOW })).checklist;
    expect(await checklistOf(fresh)).toEqual({ connected: false, programSet: false, attributionReady: false, testActionSeen: false });
    await shops.setConnection(fresh.id, { accountSid: 'IRmerchant01', authToken: 'secret-token' }, NOW);
    await shops.setConfig(fresh.id, aConfig(), NOW);
    let configured = (await shops.get(fresh.id, NOW))!;
    expect(await checklistOf(configured)).toEqual({ connected: true, programSet: true, attributionReady: false, testActionSeen: false });
    // A click id on an order makes attribution ready, as a promo mapping does.
    const [result] = await store.applyOrderEvents([{ webhookId: null, shopId: fresh.id, platformOrderId: 'C1', event: { kind: 'order', order: anOrder({ id: 'C1' }) }, config: aConfig(), now: NOW }]);
    expect(result?.ok).toBe(true);
    expect((await checklistOf(configured)).attributionReady).toBe(true);
    await shops.setConfig(fresh.id, CONFIG, NOW);
    configured = (await shops.get(fresh.id, NOW))!;
    expect((await checklistOf(configured)).attributionReady).toBe(true);
    // The test action counts once impact.com processed it without errors; queued is not yet.
    const plan = planTestAction(configured.config!, new Date(NOW));
    await store.enqueueDeliveries(fresh.id, plan.deliveries.map((d) => ({ ...d, availableAt: NOW })), NOW);
    await deliverAll(queued, {});
    expect((await checklistOf(configured)).testActionSeen).toBe(false);
    const tests = await store.listDeliveries(fresh.id, { orderRef: null });
    await store.recordSubmissionCheck(tests.find((d) => d.kind === 'conversion')!.id, { status: 'error', errors: [{ code: 'X' }] });
    expect((await checklistOf(configured)).testActionSeen).toBe(false);
    await store.recordSubmissionCheck(tests.find((d) => d.kind === 'conversion')!.id, { status: 'complete' });
    expect(await checklistOf(configured)).toEqual({ connected: true, programSet: true, attributionReady: true, testActionSeen: true });
  });

  it('counts the last 7 and 30 days: orders, conversions sent, accepted and failing, and how each order was attributed', async () => {
    await byLanding(daysAgo(1));
    await byPixel(daysAgo(2));
    await byJourney(daysAgo(3));
    await byCode(daysAgo(4));
    await unattributed(daysAgo(5));
    await byLanding(daysAgo(10));
    await byCode(daysAgo(20));
    await byLanding(daysAgo(31)); // outside both periods
    // P1 and P2 accepted, P3 taken but its submission in error, P4 dead-lettered, P6 refused (400); P7 still under way.
    const claimed = new Map((await store.claimDeliveries(100, 1000, NOW)).map((d) => [d.fields.OrderId, d.id]));
    const answer = (orderId: string, outcome: DeliveryOutcome, httpStatus = 200) =>
      store.recordDeliveryOutcomes([{ id: claimed.get(orderId)!, outcome, attempt: { attemptedAt: NOW, durationMs: 1, httpStatus, detail: '' } }]);
    for (const orderId of ['P1', 'P2', 'P3']) await answer(orderId, queued);
    await store.recordSubmissionCheck(claimed.get('P1')!, { status: 'complete' });
    await store.recordSubmissionCheck(claimed.get('P2')!, { status: 'complete' });
    await store.recordSubmissionCheck(claimed.get('P3')!, { status: 'error', errors: [{ code: 'DUPLICATE_ORDER_ID' }] });
    await answer('P4', { status: 'dead', error: 'HTTP 500' }, 500);
    await answer('P6', { status: 'rejected', error: 'HTTP 400' }, 400);

    const { periods, daily } = await home();
    expect(periods[0]).toEqual({
      days: 7,
      orders: 5,
      conversionsSent: 3,
      accepted: 2,
      failing: 2,
      attributed: { clickId: 3, clickIdBySource: { landing_url: 1, storefront: 1, customer_journey: 1 }, code: 1, none: 1 },
    });
    expect(periods[1]).toEqual({
      days: 30,
      orders: 7,
      conversionsSent: 4,
      accepted: 2,
      failing: 3,
      attributed: { clickId: 4, clickIdBySource: { landing_url: 2, storefront: 1, customer_journey: 1 }, code: 2, none: 1 },
    });
    expect(daily).toHaveLength(30);
    expect(daily[0]!.date).toBe('2026-02-19');
    expect(daily[29]).toEqual({ date: '2026-03-20', clickId: 0, code: 0, none: 0 });
    expect(daily.filter((d) => d.clickId + d.code + d.none > 0)).toEqual([
      { date: '2026-02-28', clickId: 0, code: 1, none: 0 },
      { date: '2026-03-10', clickId: 1, code: 0, none: 0 },
      { date: '2026-03-15', clickId: 0, code: 0, none: 1 },
      { date: '2026-03-16', clickId: 0, code: 1, none: 0 },
      { date: '2026-03-17', clickId: 1, code: 0, none: 0 },
      { date: '2026-03-18', clickId: 1, code: 0, none: 0 },
      { date: '2026-03-19', clickId: 1, code: 0, none: 0 },
    ]);
  });

  describe('click-id share drop', () => {
    /** `baseline` orders with click ids over the 14 days before the last 3, then `recent` orders of which `recentClicks` have one. */
    async function seed(baseline: number, recent: number, recentClicks: number) {
      for (let n = 0; n < baseline; n++) await byLanding(daysAgo(4 + (n % 13), 1));
      for (let n = 0; n < recent; n++) await (n < recentClicks ? byLanding(daysAgo(n % 3, 1)) : byCode(daysAgo(n % 3, 1)));
    }
    const dropAlert = async () => (await home()).alerts.find((a) => a.kind === 'click_share_drop');

    it('warns when the last 3 days’ share falls below half of the 14 days before', async () => {
      await seed(CLICK_SHARE_MIN_BASELINE_ORDERS, 10, 4);
      expect(await dropAlert()).toEqual({ kind: 'click_share_drop', recentShare: 0.4, usualShare: 1, message: expect.stringContaining('fell to 40% over the last 3 days, from 100%') });
      expect((await dropAlert())?.message).toContain('irclickid');
    });

    it('stays quiet at half the usual share or more', async () => {
      await seed(CLICK_SHARE_MIN_BASELINE_ORDERS, 10, 5);
      expect(await dropAlert()).toBeUndefined();
    });

    it('stays quiet with too few orders in the baseline to tell', async () => {
      await seed(CLICK_SHARE_MIN_BASELINE_ORDERS - 1, 10, 0);
      expect(await dropAlert()).toBeUndefined();
    });

    it('stays quiet with too few orders in the last 3 days to tell', async () => {
      await seed(CLICK_SHARE_MIN_BASELINE_ORDERS, CLICK_SHARE_MIN_RECENT_ORDERS - 1, 0);
      expect(await dropAlert()).toBeUndefined();
      await byCode(daysAgo(0, 1));
      expect(await dropAlert()).toBeDefined();
    });
  });

  describe('impact.com refusing the shop', () => {
    const rejected = async () => (await home()).alerts.find((a) => a.kind === 'impact_rejected');

    it('says so after 401s, until a later delivery goes through', async () => {
      await byLanding(daysAgo(1));
      await deliverAll({ status: 'retry', availableAt: NOW, error: 'HTTP 401' }, { httpStatus: 401 }, undefined, NOW - 2000);
      await deliverAll({ status: 'retry', availableAt: NOW, error: 'timeout' }, { httpStatus: null }, undefined, NOW - 1000);
      expect(await rejected()).toEqual({ kind: 'impact_rejected', since: new Date(NOW - 2000).toISOString(), message: expect.stringContaining('refused the saved Account SID and Auth Token') });
      await deliverAll(queued, { httpStatus: 200 }, { status: 'complete' });
      expect(await rejected()).toBeUndefined();
    });

    it('says so when the submissions end in a contract error', async () => {
      await byLanding(daysAgo(1));
      await deliverAll(queued, { httpStatus: 200 }, { status: 'error', errors: [{ code: 'CONTRACT_NOT_FOUND', message: 'no contract covers this conversion' }] });
      expect((await rejected())?.message).toContain('CONTRACT_NOT_FOUND');
    });

    it('forgets refusals from before the connection was saved again', async () => {
      await byLanding(daysAgo(1));
      await deliverAll({ status: 'retry', availableAt: NOW, error: 'HTTP 403' }, { httpStatus: 403 }, undefined, NOW - 2000);
      expect(await rejected()).toBeDefined();
      await store.saveCursor(shop.id, CONNECTION_SAVED_CURSOR, new Date(NOW - 1000).toISOString(), NOW - 1000);
      expect(await rejected()).toBeUndefined();
    });
  });

  it('names the last webhook and the platform’s click capture', async () => {
    expect((await home()).lastWebhook).toBeNull();
    await store.insertWebhooks([{ shopId: shop.id, topic: 'orders/paid', deliveryId: 'w1', receivedAt: daysAgo(0, 2), headers: {}, body: '{}' }]);
    await store.insertWebhooks([{ shopId: shop.id, topic: 'orders/create', deliveryId: 'w2', receivedAt: daysAgo(0, 3), headers: {}, body: '{}' }]);
    const capture = { label: 'Shopify pixel', active: true, detail: 'activated' };
    const seen = await home({ clickCaptureStatus: async () => capture });
    expect(seen.lastWebhook).toEqual({ topic: 'orders/paid', receivedAt: new Date(daysAgo(0, 2)).toISOString() });
    expect(seen.clickCapture).toEqual(capture);
    expect((await home()).clickCapture).toBeNull();
  });
});
