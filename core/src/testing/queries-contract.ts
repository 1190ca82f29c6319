import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryOutbox } from '../delivery/outbox.ts';
import type { OrderLedger } from '../ledger/order-ledger.ts';
import type { OrderEvent } from '../ledger/order-lifecycle.ts';
import type { ShopRecords } from '../shops/shop-records.ts';
import type { RelayQueries } from '../store/relay-queries.ts';
import type { WebhookInbox } from '../webhooks/inbox.ts';
import { NOW, aSale, aWebhook, addTestShop, applyTestEvent } from './store-fixtures.ts';

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
  });
}
