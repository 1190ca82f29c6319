import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TrackingConfig } from '../config/tracking-config.ts';
import type { DeliveryOutcome } from '../delivery/outbox.ts';
import { planTestAction } from '../ledger/test-action.ts';
import type { MinorUnits } from '../money/minor-units.ts';
import type { CurrencyCode } from '../money/currency.ts';
import type { Order } from '../order/order.ts';
import { type Shop, ShopDirectory } from '../shops/shop-directory.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { aConfig, aLine, aSecretBox, anOrder } from '../testing/builders.ts';
import { clickWaitOutcome } from '../webhooks/click-wait-outcome.ts';
import { type ActionsQuery, ActionsQuerySchema, listActions, saleAmount } from './actions.ts';
import type { AdminAction } from './contract.ts';

/** Recent actions as the admin API gives them, over a real (SQLite) store filled through the ledger's use case. */
describe('recent actions', () => {
  let store: Store;
  let shops: ShopDirectory;
  let shop: Shop;
  const now = 1_780_000_000_000;
  const config: TrackingConfig = aConfig({
    promoCodes: [
      { match: 'exact', code: 'JANE20', partnerId: '4455' },
      { match: 'exact', code: 'PODCAST', actionTrackerId: '777' },
      { match: 'exact', code: 'STAFF50', exclude: true },
    ],
  });

  beforeEach(async () => {
    const box = aSecretBox();
    store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'cartrelay-actions-')), box });
    shops = new ShopDirectory(store, box, { cacheMs: 0 });
    const installed = await shops.install({ platform: 'test', shopKey: 'a.example' }, now);
    await shops.setConfig(installed.id, config, now);
    shop = (await shops.get(installed.id, now))!;
  });
  afterEach(async () => {
    await store.close();
  });

  /** Applies an order as a webhook would, `at` the time the ledger first sees it. */
  const receive = async (order: Order, at = now) => {
    const [result] = await store.applyOrderEvents([{ webhookId: null, shopId: shop.id, platformOrderId: order.id, event: { kind: 'order', order }, config, now: at }]);
    if (!result?.ok) throw new Error('not applied');
  };
  const query = (input: Record<string, unknown> = {}): ActionsQuery => ActionsQuerySchema.parse(input);
  const list = async (input: Record<string, unknown> = {}) => (await listActions(store, shop, query(input), now)).actions;
  const byOrder = async (platformOrderId: string): Promise<AdminAction> => (await list()).find((action) => action.platformOrderId === platformOrderId)!;
  /** Sends every pending delivery, each answered with `outcome`. */
  const deliverAll = async (outcome: DeliveryOutcome) => {
    const claimed = await store.claimDeliveries(50, 60_000, now + 10);
    await store.recordDeliveryOutcomes(claimed.map(({ id }) => ({ id, outcome, attempt: { attemptedAt: now + 10, durationMs: 5, httpStatus: 200, detail: 'test' } })));
    return claimed;
  };

  it('shows a click-id order: placed, amount, attribution by the landing page, accepted', async () => {
    await receive(anOrder({ id: 'P1', number: '1001', createdAt: '2026-03-01T10:00:00Z', landingUrl: '/?irclickid=CLICK123', lineItems: [aLine({ sku: 'A', quantity: 2, subtotal: 4250 as MinorUnits, discount: 500 as MinorUnits })] }));
    await deliverAll({ status: 'done', queuedUri: null, checkAt: null });
    expect(await byOrder('P1')).toMatchObject({
      source: 'order',
      orderNumber: '1001',
      placedAt: '2026-03-01T10:00:00.000Z',
      amount: { value: '37.50', currency: 'USD' },
      partner: null,
      attribution: { by: 'click_id', clickId: 'CLICK123', source: 'landing_url' },
      statusText: 'Accepted by impact.com',
      waitingUntil: null,
    });
    const explain = (await byOrder('P1')).explain;
    expect(explain).toContain("The click id came from the landing page's address.");
    expect(explain.some((line) => /irclickid|ClickId|attributionPrecedence/.test(line))).toBe(false);
  });

  it('names a storefront capture and the customer journey as the click id’s source', async () => {
    await receive(anOrder({ id: 'P1', number: '1001', landingUrl: null, capturedClickId: 'PIXEL1', capturedClickSource: 'pixel' }));
    await receive(anOrder({ id: 'P2', number: '1002', landingUrl: null, capturedClickId: 'JOURNEY1', capturedClickSource: 'customer journey' }));
    expect((await byOrder('P1')).attribution).toEqual({ by: 'click_id', clickId: 'PIXEL1', source: 'storefront' });
    expect((await byOrder('P2')).attribution).toEqual({ by: 'click_id', clickId: 'JOURNEY1', source: 'customer_journey' });
    expect((await byOrder('P2')).explain).toContain('The click id came from the customer journey the store platform recorded.');
  });

  it('shows a code order with its partner, and a queued submission as sent and waiting', async () => {
    await receive(anOrder({ id: 'P1', number: '1001', landingUrl: null, discountCodes: ['jane20'] }));
    await deliverAll({ status: 'done', queuedUri: '/Advertisers/IR/APISubmissions/1', checkAt: now + 60_000 });
    expect(await byOrder('P1')).toMatchObject({
      partner: { id: '4455', name: null },
      attribution: { by: 'code', code: 'jane20' },
      statusText: 'Sent, waiting for impact.com',
    });
    expect((await byOrder('P1')).explain).toContain('Code jane20 matches promo mapping 1, which credits partner 4455.');
  });

  it('shows an unattributed order and an excluded code as not sent, in the merchant’s words', async () => {
    await receive(anOrder({ id: 'P1', number: '1001', landingUrl: null }));
    await receive(anOrder({ id: 'P2', number: '1002', discountCodes: ['staff50'] }));
    expect(await byOrder('P1')).toMatchObject({
      amount: null,
      attribution: { by: 'none' },
      statusText: 'Not sent: no partner: the order has no click id, no promo code and no customer id',
      deliveries: [],
    });
    expect(await byOrder('P2')).toMatchObject({ attribution: { by: 'none' }, statusText: 'Not sent: code staff50 is excluded by promo mapping 3' });
    expect((await byOrder('P2')).explain).toContain('Code staff50 is excluded by promo mapping 3.');
  });

  it('says a rejected conversion with impact.com’s first error, and a retry with its reason', async () => {
    await receive(anOrder({ id: 'P1', number: '1001' }));
    await deliverAll({ status: 'done', queuedUri: '/Advertisers/IR/APISubmissions/1', checkAt: now + 60_000 });
    const [conversion] = await store.listDeliveries(shop.id, {});
    await store.recordSubmissionCheck(conversion!.id, { status: 'error', errors: [{ Message: 'Invalid CampaignId' }, { Message: 'second' }] });
    expect((await byOrder('P1')).statusText).toBe('Rejected by impact.com: Invalid CampaignId');

    await receive(anOrder({ id: 'P2', number: '1002' }));
    await deliverAll({ status: 'retry', availableAt: now + 30_000, error: 'HTTP 503' });
    expect((await byOrder('P2')).statusText).toBe('Will retry: HTTP 503');
  });

  it('lists an order held for its click id from the inbox, with when it goes, newest first', async () => {
    await receive(anOrder({ id: 'P1', number: '1001' }), now - 60_000);
    const [stored] = await store.insertWebhooks([
      { shopId: shop.id, topic: 'orders/paid', deliveryId: 'w-1', receivedAt: now - 1_000, headers: {}, body: '{"id":"P9"}' },
    ]);
    expect(stored).toBe('stored');
    const [claimed] = await store.claimWebhooks(1, 60_000, now);
    const until = now + 3_600_000;
    await store.retryWebhook(claimed!.id, clickWaitOutcome({ reason: 'waiting for a click id from the storefront pixel', platformOrderId: 'P9', orderNumber: '1009', until }), now + 15_000, {
      uncounted: true,
    });
    const actions = await list();
    expect(actions.map((action) => action.platformOrderId)).toEqual(['P9', 'P1']);
    expect(actions[0]).toMatchObject({ orderNumber: '1009', statusText: 'Waiting for its click id', waitingUntil: new Date(until).toISOString(), deliveries: [] });
    expect((await list({ q: '1009' })).map((action) => action.platformOrderId)).toEqual(['P9']);
    expect((await list({ q: '1001' })).map((action) => action.platformOrderId)).toEqual(['P1']);
  });

  it('shows a test action with its amount and when its reversal is due', async () => {
    const plan = planTestAction(config, new Date(now));
    await store.enqueueDeliveries(shop.id, plan.deliveries, now);
    await deliverAll({ status: 'done', queuedUri: null, checkAt: null });
    const [test] = await list();
    expect(test).toMatchObject({
      source: 'test_action',
      platformOrderId: plan.orderId,
      placedAt: new Date(now).toISOString(),
      amount: { value: '1.00', currency: 'USD' },
      attribution: { by: 'click_id', clickId: 'impacttest' },
      statusText: `Test action: reversal due ${new Date(plan.reversalAt).toISOString()}`,
    });
    expect((await list({ q: 'cartrelay-test' })).map((action) => action.platformOrderId)).toEqual([plan.orderId]);
    expect(await list({ q: '1001' })).toEqual([]);
  });

  it('finds an order by its number, platform id, code (any case) or click id, whole or its beginning', async () => {
    await receive(anOrder({ id: 'gid-501', number: '501', landingUrl: '/?irclickid=AbCdClick', discountCodes: ['Summer10'] }), now);
    await receive(anOrder({ id: 'gid-502', number: '502', landingUrl: null, discountCodes: ['jane20'] }), now + 1);
    await receive(anOrder({ id: 'gid-6100', number: '6100', landingUrl: '/?irclickid=zzz_%25' }), now + 2);
    const found = async (q: string) => (await list({ q })).map((action) => action.orderNumber);
    expect(await found('#501')).toEqual(['501']);
    expect(await found('50')).toEqual(['502', '501']);
    expect(await found('gid-61')).toEqual(['6100']);
    expect(await found('SUMMER10')).toEqual(['501']);
    expect(await found('summer')).toEqual([]);
    expect(await found('JANE20')).toEqual(['502']);
    expect(await found('AbCdClick')).toEqual(['501']);
    expect(await found('AbCd')).toEqual(['501']);
    // LIKE's wildcards in a search are plain characters.
    expect(await found('%')).toEqual([]);
    expect(await found('zzz_%')).toEqual(['6100']);
    expect(await found('  502  ')).toEqual(['502']);
  });

  it('pages newest first with the cursor across more than one page, test actions among the orders', async () => {
    for (let n = 1; n <= 5; n++) await receive(anOrder({ id: `P${n}`, number: `${1000 + n}` }), now + n * 1000);
    const test = planTestAction(config, new Date(now + 2500));
    await store.enqueueDeliveries(shop.id, test.deliveries, now + 2500);
    // Two orders first seen at the same moment: their ids order them.
    await receive(anOrder({ id: 'P6', number: '1006' }), now + 5000);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await listActions(store, shop, query({ limit: 2, ...(cursor ? { before: cursor } : {}) }), now);
      expect(page.actions.length).toBeLessThanOrEqual(2);
      seen.push(...page.actions.map((action) => action.platformOrderId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(['P6', 'P5', 'P4', 'P3', test.orderId, 'P2', 'P1']);
    expect(pages).toBe(4);
  });

  it('sums the amount sent exactly, in JPY and in KWD', async () => {
    const yen = anOrder({ id: 'P1', number: '1001', currency: 'JPY' as CurrencyCode, lineItems: [aLine({ sku: 'A', quantity: 3, subtotal: 9_007_199 as MinorUnits, discount: 199 as MinorUnits })] });
    const dinar = anOrder({ id: 'P2', number: '1002', currency: 'KWD' as CurrencyCode, lineItems: [aLine({ id: 'L1', sku: 'A', subtotal: 10_105 as MinorUnits }), aLine({ id: 'L2', sku: 'B', subtotal: 20_205 as MinorUnits })] });
    await receive(yen);
    await receive(dinar);
    expect((await byOrder('P1')).amount).toEqual({ value: '9007000', currency: 'JPY' });
    // impact.com takes 2 decimals: the sale amount 30.310 is rounded once, to 30.31, and the items carry it.
    expect((await byOrder('P2')).amount).toEqual({ value: '30.31', currency: 'KWD' });
    expect(saleAmount({ CurrencyCode: 'USD', ItemSubTotal1: '0.10', ItemSubTotal2: '0.20', OrderDiscount: '0.30' })).toEqual({ value: '0.00', currency: 'USD' });
    expect(saleAmount({ CurrencyCode: 'USD', OrderDiscount: '0.30' })).toBeNull();
  });
});
