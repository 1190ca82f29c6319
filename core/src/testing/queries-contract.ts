import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryOutbox } from '../delivery/outbox.ts';
import { applyOrderEvents } from '../ledger/apply-order-events.ts';
import type { OrderLedger } from '../ledger/order-ledger.ts';
import type { OrderEvent } from '../ledger/order-lifecycle.ts';
import type { ShopRecords } from '../shops/shop-records.ts';
import type { RelayQueries } from '../store/relay-queries.ts';
import type { WebhookInbox } from '../webhooks/inbox.ts';
import { CONFIG, NOW, aSale, aWebhook, addTestShop, applyTestEvent, recordTestAttempt } from './store-fixtures.ts';

type QueriesBatteryStore = RelayQueries & OrderLedger & DeliveryOutbox & WebhookInbox & ShopRecords & { close(): Promise<void> };

/**
 * The battery every RelayQueries implementation passes (ADR 9): the read side the admin page, the
 * command and the health endpoints use. `open` returns a fresh, migrated, empty store.
 */
export function describeQueriesContract(name: string, open: () => Promise<QueriesBatteryStore>): void {
  describe(`${name}: read side`, () => {
    let store: QueriesBatteryStore;
    const now = NOW;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });
    const addShop = (shopKey?: string) => addTestShop(store, shopKey);
    const apply = (shopId: number, event: OrderEvent, platformOrderId: string) => applyTestEvent(store, shopId, event, null, platformOrderId);
    const order = (id: string, overrides: Parameters<typeof aSale>[0] = {}): OrderEvent => ({ kind: 'order', order: aSale({ id, number: `#${id}`, ...overrides }) });

    it('lists a shop’s orders newest first, by status and since, up to a limit, with how the merchant knows each', async () => {
      const shop = await addShop();
      const other = await addShop('shop-2.myshopify.com');
      await apply(shop.id, order('P1', { checkoutToken: 'tok-1' }), 'P1');
      await apply(shop.id, order('P2', { paymentState: 'awaiting_payment' }), 'P2');
      await apply(shop.id, order('P3'), 'P3');
      await apply(other.id, order('P4'), 'P4');
      expect((await store.listOrders(shop.id, {})).map((o) => [o.platformOrderId, o.status])).toEqual([
        ['P3', 'converted'],
        ['P2', 'none'],
        ['P1', 'converted'],
      ]);
      expect((await store.listOrders(shop.id, { status: 'none' })).map((o) => o.platformOrderId)).toEqual(['P2']);
      expect((await store.listOrders(shop.id, { limit: 1 })).map((o) => o.platformOrderId)).toEqual(['P3']);
      expect(await store.listOrders(shop.id, { since: now + 1 })).toEqual([]);
      const p1 = (await store.listOrders(shop.id, { status: 'converted', since: now, limit: 5 })).find((o) => o.platformOrderId === 'P1');
      expect(p1).toMatchObject({ orderNumber: '#P1', checkoutToken: 'tok-1', actionTrackerId: '67890', impactOrderId: '#P1', createdAt: now });
    });

    it('says an order’s ledger status, null for an order it has not seen', async () => {
      const shop = await addShop();
      await apply(shop.id, order('P1'), 'P1');
      await apply(shop.id, order('P2', { paymentState: 'awaiting_payment' }), 'P2');
      expect(await store.orderStatus(shop.id, 'P1')).toBe('converted');
      expect(await store.orderStatus(shop.id, 'P2')).toBe('none');
      expect(await store.orderStatus(shop.id, 'P9')).toBeNull();
      expect([...(await store.ordersInLedger(shop.id, ['P1', 'P9', 'P2']))].sort()).toEqual(['P1', 'P2']);
      expect((await store.ordersInLedger(shop.id, [])).size).toBe(0);
    });

    it('lists a shop’s deliveries: an order’s, those of no order, those since a time', async () => {
      const shop = await addShop();
      const other = await addShop('shop-2.myshopify.com');
      await apply(shop.id, order('P1'), 'P1');
      await apply(other.id, order('P1'), 'P1');
      const [test] = await store.enqueueDeliveries(shop.id, [{ kind: 'conversion', method: 'POST', path: '/x', fields: { OrderId: 'TEST' }, availableAt: now + 5 }], now + 5);
      const [listed] = await store.listOrders(shop.id, {});
      expect((await store.listDeliveries(shop.id, { orderRef: listed!.id })).map((d) => [d.kind, d.fields.OrderId])).toEqual([['conversion', '#P1']]);
      expect(await store.listDeliveries(shop.id, { orderRef: null })).toMatchObject([{ id: test, status: 'pending', availableAt: now + 5, attemptLog: [] }]);
      expect((await store.listDeliveries(shop.id, { since: now + 1 })).map((d) => d.id)).toEqual([test]);
      expect(await store.listDeliveries(shop.id, {})).toHaveLength(2);
    });

    it('counts the work waiting: webhooks to process, deliveries to send, dead letters', async () => {
      const shop = await addShop();
      expect(await store.queueDepth()).toEqual({ webhooks: 0, deliveries: 0, dead: 0 });
      await store.insertWebhooks([aWebhook(shop.id, 'e1'), aWebhook(shop.id, 'e2')]);
      await store.claimWebhooks(1, 1000, now);
      await apply(shop.id, order('P1'), 'P1');
      await apply(shop.id, order('P2'), 'P2');
      const [dead] = await store.claimDeliveries(1, 1000, now);
      await store.recordDeliveryOutcomes([{ id: dead!.id, outcome: { status: 'dead', error: 'x' }, attempt: { attemptedAt: now, durationMs: 1, httpStatus: 500, detail: '' } }]);
      expect(await store.queueDepth()).toEqual({ webhooks: 2, deliveries: 1, dead: 1 });
    });

    it('names a shop’s newest webhook, null before any', async () => {
      const shop = await addShop();
      const other = await addShop('shop-2.myshopify.com');
      expect(await store.lastWebhook(shop.id)).toBeNull();
      await store.insertWebhooks([aWebhook(shop.id, 'e1', { topic: 'orders/create', receivedAt: now + 2 }), aWebhook(shop.id, 'e2', { topic: 'orders/paid', receivedAt: now + 1 })]);
      await store.insertWebhooks([aWebhook(other.id, 'e3', { topic: 'refunds/create', receivedAt: now + 9 })]);
      expect(await store.lastWebhook(shop.id)).toEqual({ topic: 'orders/create', receivedAt: now + 2 });
    });

    it('lists each order since a time with what its latest conversion carried and where its click id can come from', async () => {
      const shop = await addShop();
      const other = await addShop('shop-2.myshopify.com');
      await apply(shop.id, order('P1', { landingUrl: '/?irclickid=LANDING1&utm_source=x' }), 'P1');
      await apply(shop.id, order('P2', { landingUrl: null }), 'P2');
      await apply(shop.id, order('P3', { landingUrl: null, capturedClickId: 'PIXEL3', capturedClickSource: 'pixel' }), 'P3');
      await apply(other.id, order('P4'), 'P4');
      const rows = await store.listOrderAttribution(shop.id, now);
      expect(rows.map((r) => [r.createdAt, r.order?.landingUrl ?? null, r.order?.capturedClickSource ?? null, r.conversion?.clickId ?? null, r.conversion?.status ?? null])).toEqual([
        [now, '/?irclickid=LANDING1', null, 'LANDING1', 'pending'],
        // No click id and no code: nothing was planned.
        [now, null, null, null, null],
        [now, null, 'pixel', 'PIXEL3', 'pending'],
      ]);
      expect(rows[0]!.conversion).toMatchObject({ mediaPartnerId: null, orderPromoCode: null, submissionStatus: null, submissionErrors: null });
      const [first] = await store.claimDeliveries(1, 1000, now);
      await recordTestAttempt(store, first!.id, { status: 'done', queuedUri: '/q/1', checkAt: now }, { attemptedAt: now, durationMs: 1, httpStatus: 200, detail: 'QUEUED' });
      await store.recordSubmissionCheck(first!.id, { status: 'error', errors: [{ code: 'CONTRACT_NOT_FOUND' }] });
      expect((await store.listOrderAttribution(shop.id, now))[0]!.conversion).toMatchObject({ status: 'done', submissionStatus: 'error', submissionErrors: [{ code: 'CONTRACT_NOT_FOUND' }] });
      expect(await store.listOrderAttribution(shop.id, now + 1)).toEqual([]);
    });

    it('lists a shop’s delivery attempts since a time, newest first, with the submission each delivery ended in', async () => {
      const shop = await addShop();
      const other = await addShop('shop-2.myshopify.com');
      await apply(shop.id, order('P1'), 'P1');
      await apply(other.id, order('P1'), 'P1');
      const claimed = await store.claimDeliveries(10, 1000, now);
      const mine = claimed.find((d) => d.shopId === shop.id)!;
      const theirs = claimed.find((d) => d.shopId === other.id)!;
      await recordTestAttempt(store, mine.id, { status: 'retry', availableAt: now, error: 'HTTP 401' }, { attemptedAt: now + 1, durationMs: 1, httpStatus: 401, detail: '' });
      await recordTestAttempt(store, theirs.id, { status: 'retry', availableAt: now, error: 'HTTP 401' }, { attemptedAt: now + 2, durationMs: 1, httpStatus: 401, detail: '' });
      const [again] = await store.claimDeliveries(10, 1000, now + 3);
      await recordTestAttempt(store, mine.id, { status: 'retry', availableAt: now, error: 'timeout' }, { attemptedAt: now + 3, durationMs: 1, httpStatus: null, detail: '' });
      expect(again?.id).toBe(mine.id);
      await store.claimDeliveries(10, 1000, now + 4);
      await recordTestAttempt(store, mine.id, { status: 'done', queuedUri: '/q/1', checkAt: now }, { attemptedAt: now + 4, durationMs: 1, httpStatus: 200, detail: 'QUEUED' });
      await store.recordSubmissionCheck(mine.id, { status: 'complete' });
      expect(await store.listImpactAnswers(shop.id, now, 10)).toEqual([
        { deliveryId: mine.id, attemptedAt: now + 4, httpStatus: 200, submissionStatus: 'complete', submissionErrors: null },
        { deliveryId: mine.id, attemptedAt: now + 3, httpStatus: null, submissionStatus: 'complete', submissionErrors: null },
        { deliveryId: mine.id, attemptedAt: now + 1, httpStatus: 401, submissionStatus: 'complete', submissionErrors: null },
      ]);
      expect((await store.listImpactAnswers(shop.id, now + 2, 1)).map((a) => a.attemptedAt)).toEqual([now + 4]);
    });

    describe('recent actions', () => {
      /** Applies an order `at` a time: when the ledger first sees it orders recent actions. */
      const receive = async (shopId: number, id: string, at: number, overrides: Parameters<typeof aSale>[0] = {}) => {
        const [result] = await applyOrderEvents(store, [{ webhookId: null, shopId, platformOrderId: id, event: order(id, overrides), config: CONFIG, now: at }]);
        if (!result?.ok) throw new Error('not applied');
      };
      const ids = (orders: ReadonlyArray<{ readonly platformOrderId: string }>) => orders.map((o) => o.platformOrderId);

      it('pages a shop’s orders newest first by when the ledger first saw them, then by id, with each kept order', async () => {
        const shop = await addShop();
        const other = await addShop('shop-2.myshopify.com');
        await receive(shop.id, 'P1', now);
        await receive(shop.id, 'P2', now + 10);
        await receive(shop.id, 'P3', now + 10);
        await receive(other.id, 'P4', now + 20);
        // A later event moves updated_at, not the order's place.
        await receive(shop.id, 'P1', now + 30);
        const first = await store.listRecentOrders(shop.id, { limit: 2 });
        expect(ids(first)).toEqual(['P3', 'P2']);
        expect(first[0]).toMatchObject({ orderNumber: '#P3', createdAt: now + 10, order: { id: 'P3', number: '#P3' } });
        const last = first[first.length - 1]!;
        expect(ids(await store.listRecentOrders(shop.id, { limit: 2, before: { createdAt: last.createdAt, id: last.id } }))).toEqual(['P1']);
        expect(ids(await store.listRecentOrders(shop.id, { limit: 5, before: { createdAt: now + 10, id: Number.MAX_SAFE_INTEGER } }))).toEqual(['P3', 'P2', 'P1']);
        expect(await store.listRecentOrders(shop.id, { limit: 5, before: { createdAt: now, id: 0 } })).toEqual([]);
      });

      it('finds an order by number or platform id (whole or its beginning), code (whole, any case) or click id', async () => {
        const shop = await addShop();
        await receive(shop.id, 'gid-1', now, { number: '1001', discountCodes: ['Summer10', 'JANE20'], landingUrl: '/?irclickid=Click_AbC' });
        await receive(shop.id, 'gid-2', now + 1, { number: '1002', discountCodes: [], landingUrl: null, capturedClickId: 'PIXEL9', capturedClickSource: 'pixel' });
        const found = async (search: string) => ids(await store.listRecentOrders(shop.id, { limit: 10, search }));
        expect(await found('1001')).toEqual(['gid-1']);
        expect(await found('#100')).toEqual(['gid-2', 'gid-1']);
        expect(await found('GID-2')).toEqual(['gid-2']);
        expect(await found('summer10')).toEqual(['gid-1']);
        expect(await found('jane20')).toEqual(['gid-1']);
        expect(await found('summer')).toEqual([]);
        expect(await found('Click_AbC')).toEqual(['gid-1']);
        expect(await found('Click_')).toEqual(['gid-1']);
        expect(await found('Click%')).toEqual([]);
        expect(await found('PIXEL9')).toEqual(['gid-2']);
        expect(await found('nothing')).toEqual([]);
      });

      it('lists the webhooks held for a click id, newest first, and no other waiting webhook', async () => {
        const shop = await addShop();
        await store.insertWebhooks([aWebhook(shop.id, 'w1', { receivedAt: now }), aWebhook(shop.id, 'w2', { receivedAt: now + 1 }), aWebhook(shop.id, 'w3', { receivedAt: now + 2 })]);
        const claimed = await store.claimWebhooks(3, 1000, now + 3);
        const [w1, w2, w3] = [...claimed].sort((a, b) => a.receivedAt - b.receivedAt);
        await store.retryWebhook(w1!.id, 'waiting for a click id from the storefront pixel [order P1 #1001 until 2026-01-01T00:00:00.000Z]', now + 10, { uncounted: true });
        await store.retryWebhook(w2!.id, 'waiting for the shop to be configured', now + 10, { uncounted: true });
        await store.retryWebhook(w3!.id, 'waiting for a click id: the customer journey is not ready yet [order P3 #1003 until 2026-01-01T00:00:00.000Z]', now + 10, { uncounted: true });
        expect((await store.listClickWaits(shop.id, 10)).map((w) => [w.webhookId, w.receivedAt])).toEqual([
          [w3!.id, now + 2],
          [w1!.id, now],
        ]);
        expect(await store.listClickWaits(shop.id, 1)).toHaveLength(1);
        await store.finishWebhooks([{ id: w1!.id, status: 'done', outcome: 'no change' }], now + 20);
        expect((await store.listClickWaits(shop.id, 10)).map((w) => w.webhookId)).toEqual([w3!.id]);
      });
    });
  });
}
