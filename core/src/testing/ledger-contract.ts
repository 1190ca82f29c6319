import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryOutbox } from '../delivery/outbox.ts';
import { applyOrderEvents } from '../ledger/apply-order-events.ts';
import type { CustomerKeys } from '../ledger/customer-keys.ts';
import type { LedgerTransaction, LockedEntry, OrderLedger } from '../ledger/order-ledger.ts';
import { type LedgerEntry, type OrderEvent, emptyLedgerEntry } from '../ledger/order-lifecycle.ts';
import { orderSearchKeys } from '../ledger/order-search.ts';
import type { ShopRecords } from '../shops/shop-records.ts';
import type { RelayQueries } from '../store/relay-queries.ts';
import type { WebhookInbox } from '../webhooks/inbox.ts';
import { CONFIG, NOW, aSale, aWebhook, addTestShop, applyTestEvent } from './store-fixtures.ts';
import { explainLine } from '../mapping/explain-line.ts';

type LedgerBatteryStore = OrderLedger & ShopRecords & WebhookInbox & DeliveryOutbox & RelayQueries & { close(): Promise<void> };

/**
 * The battery every OrderLedger implementation passes (ADR 9): its transaction port, then the ledger's
 * use case (applyOrderEvents) over it. `open` returns a fresh, migrated, empty store.
 */
export function describeLedgerContract(name: string, open: () => Promise<LedgerBatteryStore>): void {
  describe(`${name}: order ledger`, () => {
    let store: LedgerBatteryStore;
    const now = NOW;
    const config = CONFIG;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });
    const addShop = (shopKey?: string) => addTestShop(store, shopKey);
    const webhook = aWebhook;
    const sale = aSale;
    const apply = (shopId: number, event: OrderEvent, webhookId: number | null = null, platformOrderId = 'P1') => applyTestEvent(store, shopId, event, webhookId, platformOrderId);

    /** An entry as the planner leaves it once the order converted under `orderId`. */
    const converted = (platformOrderId: string, orderId: string): LedgerEntry => ({
      ...emptyLedgerEntry(platformOrderId),
      order: sale({ id: platformOrderId, number: orderId }),
      sent: { status: 'converted', actionTrackerId: '67890', orderId, items: { A: 2 } },
    });
    const noCustomer: CustomerKeys = { idKey: null, emailKey: null };
    const save = (orders: LedgerTransaction, locked: LockedEntry, entry: LedgerEntry, customer = noCustomer) =>
      orders.saveEntry(locked, { entry, explain: [explainLine(`saved ${entry.platformOrderId}`, `Saved ${entry.platformOrderId}.`)], customer, search: orderSearchKeys(entry.order, 'irclickid') }, now);

    describe('its transaction port', () => {
      it('locks an order’s entry, empty the first time and as saved after, on the same row', async () => {
        const shop = await addShop();
        const first = await store.withOrders(async (orders) => {
          const locked = await orders.lockEntry(shop.id, 'P1', now);
          expect(locked).toMatchObject({ shopId: shop.id, entry: emptyLedgerEntry('P1') });
          expect(await save(orders, locked, converted('P1', '1001'))).toBe('saved');
          return locked.ref;
        });
        const again = await store.withOrders((orders) => orders.lockEntry(shop.id, 'P1', now + 1));
        expect(again).toEqual({ shopId: shop.id, ref: first, entry: converted('P1', '1001') });
        expect(await store.listOrders(shop.id, {})).toMatchObject([{ id: first, platformOrderId: 'P1', status: 'converted', impactOrderId: '1001', explain: [{ operator: 'saved P1', merchant: 'Saved P1.' }] }]);
      });

      it('commits what its work did, and nothing of it when the work throws', async () => {
        const shop = await addShop();
        await expect(
          store.withOrders(async (orders) => {
            await save(orders, await orders.lockEntry(shop.id, 'P1', now), converted('P1', '1001'));
            throw new Error('the batch failed');
          }),
        ).rejects.toThrow('the batch failed');
        expect(await store.listOrders(shop.id, {})).toEqual([]);
      });

      it('undoes a savepoint alone when its step is not ok or throws, and goes on', async () => {
        const shop = await addShop();
        const step = (orders: LedgerTransaction, platformOrderId: string, outcome: 'ok' | 'not ok' | 'throws') => async () => {
          await save(orders, await orders.lockEntry(shop.id, platformOrderId, now), converted(platformOrderId, platformOrderId));
          if (outcome === 'throws') throw new Error(`${platformOrderId} failed`);
          return { ok: outcome === 'ok' };
        };
        const results = await store.withOrders(async (orders) => {
          const thrown = (error: unknown) => ({ ok: false, error: String(error) });
          return [
            await orders.savepoint(step(orders, 'P1', 'ok'), thrown),
            await orders.savepoint(step(orders, 'P2', 'not ok'), thrown),
            await orders.savepoint(step(orders, 'P3', 'throws'), thrown),
            await orders.savepoint(step(orders, 'P4', 'ok'), thrown),
          ];
        });
        expect(results).toEqual([{ ok: true }, { ok: false }, { ok: false, error: 'Error: P3 failed' }, { ok: true }]);
        expect((await store.listOrders(shop.id, {})).map((o) => o.platformOrderId).sort()).toEqual(['P1', 'P4']);
      });

      it('refuses an entry converting under an OrderId another order of the shop holds, and only in that shop', async () => {
        const shop = await addShop();
        const other = await addShop('shop-2.myshopify.com');
        const outcomes = await store.withOrders(async (orders) => {
          const saveAlone = (shopId: number, platformOrderId: string) =>
            orders.savepoint(
              async () => ({ ok: (await save(orders, await orders.lockEntry(shopId, platformOrderId, now), converted(platformOrderId, '1001'))) === 'saved' }),
              () => ({ ok: false }),
            );
          return [await saveAlone(shop.id, 'P1'), await saveAlone(shop.id, 'P2'), await saveAlone(other.id, 'P2')];
        });
        expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
        expect((await store.listOrders(shop.id, {})).map((o) => o.platformOrderId)).toEqual(['P1']);
      });

      it('knows whether another order of the customer converted, by either key, never counting the order itself', async () => {
        const shop = await addShop();
        const ann = { idKey: 'C1', emailKey: 'hash-of-ann' };
        await store.withOrders(async (orders) => {
          const p1 = await orders.lockEntry(shop.id, 'P1', now);
          expect(await orders.customerConvertedBefore(p1, ann)).toBe(false);
          await save(orders, p1, converted('P1', '1001'), ann);
          expect(await orders.customerConvertedBefore(p1, ann)).toBe(false);
          const p2 = await orders.lockEntry(shop.id, 'P2', now);
          expect(await orders.customerConvertedBefore(p2, ann)).toBe(true);
          expect(await orders.customerConvertedBefore(p2, { idKey: 'C1', emailKey: null })).toBe(true);
          expect(await orders.customerConvertedBefore(p2, { idKey: null, emailKey: 'hash-of-ann' })).toBe(true);
          expect(await orders.customerConvertedBefore(p2, { idKey: 'C2', emailKey: 'hash-of-bob' })).toBe(false);
          expect(await orders.customerConvertedBefore(p2, noCustomer)).toBe(false);
        });
      });

      it('enqueues an order’s deliveries, behind a submission of the order impact.com is still processing', async () => {
        const shop = await addShop();
        const delivery = (kind: 'conversion' | 'modification') => ({ kind, method: 'POST' as const, path: '/x', fields: { OrderId: '1001' } });
        const locked = await store.withOrders(async (orders) => {
          const p1 = await orders.lockEntry(shop.id, 'P1', now);
          await orders.enqueueDeliveries(p1, [delivery('conversion')], { now, orderSentBefore: false });
          return p1;
        });
        const [conversion] = await store.listDeliveries(shop.id, { orderRef: locked.ref });
        expect(conversion).toMatchObject({ kind: 'conversion', status: 'pending', availableAt: now, orderRef: locked.ref });
        // Sent, and queued at impact.com until its check.
        await store.claimDeliveries(10, 1000, now);
        await store.recordDeliveryOutcomes([
          { id: conversion!.id, outcome: { status: 'done', queuedUri: '/q/1', checkAt: now + 60_000 }, attempt: { attemptedAt: now, durationMs: 1, httpStatus: 200, detail: '' } },
        ]);
        await store.withOrders((orders) => orders.enqueueDeliveries(locked, [delivery('modification')], { now: now + 1, orderSentBefore: true }));
        const [, modification] = await store.listDeliveries(shop.id, { orderRef: locked.ref });
        expect(modification).toMatchObject({ kind: 'modification', status: 'pending', availableAt: now + 60_000 });
      });

      it('marks the webhooks it applied done in its own transaction', async () => {
        const shop = await addShop();
        await store.insertWebhooks([webhook(shop.id, 'e1'), webhook(shop.id, 'e2'), webhook(shop.id, 'e3')]);
        const [w1, w2] = await store.claimWebhooks(2, 1000, now);
        await expect(
          store.withOrders(async (orders) => {
            await orders.markWebhooksDone([{ id: w1!.id, outcome: 'planned conversion' }], now);
            throw new Error('rolled back');
          }),
        ).rejects.toThrow();
        // Undone with its transaction: still leased, claimed again once the lease runs out.
        expect((await store.claimWebhooks(10, 1000, now + 1001)).map((w) => w.deliveryId)).toEqual(['e1', 'e2', 'e3']);
        await store.withOrders((orders) =>
          orders.markWebhooksDone(
            [
              { id: w1!.id, outcome: 'planned conversion' },
              { id: w2!.id, outcome: 'no change' },
            ],
            now + 2,
          ),
        );
        expect((await store.claimWebhooks(10, 1000, now + 5000)).map((w) => w.deliveryId)).toEqual(['e3']);
        expect((await store.queueDepth()).webhooks).toBe(1);
      });
    });

    describe('the ledger’s use case over it (applyOrderEvents)', () => {
      it('plans one conversion per order and marks the webhook done, in one transaction', async () => {
        const shop = await addShop();
        await store.insertWebhooks([webhook(shop.id, 'e1'), webhook(shop.id, 'e2')]);
        const [w1, w2] = await store.claimWebhooks(2, 1000, now);
        expect((await apply(shop.id, { kind: 'order', order: sale() }, w1!.id)).deliveries.map((d) => d.kind)).toEqual(['conversion']);
        expect((await apply(shop.id, { kind: 'order', order: sale() }, w2!.id)).deliveries).toEqual([]);
        expect(await store.claimWebhooks(10, 1000, now + 10_000)).toEqual([]);
        const [order] = await store.listOrders(shop.id, {});
        expect(order).toMatchObject({ platformOrderId: 'P1', status: 'converted', actionTrackerId: '67890', impactOrderId: '1001' });
        expect(order!.explain.length).toBeGreaterThan(0);
        expect((await store.queueDepth()).deliveries).toBe(1);
      });

      it('remembers customers: a second order of the same email is a returning customer', async () => {
        const shop = await addShop();
        const customer = { id: null, email: 'Ann@Example.com', tags: [], returning: null };
        const first = await apply(shop.id, { kind: 'order', order: sale({ id: 'P1', number: '1', customer }) }, null, 'P1');
        const second = await apply(shop.id, { kind: 'order', order: sale({ id: 'P2', number: '2', customer: { ...customer, email: 'ann@example.com ' } }) }, null, 'P2');
        expect(first.deliveries[0]!.fields.CustomerStatus).toBe('New');
        expect(second.deliveries[0]!.fields.CustomerStatus).toBe('Returning');
      });

      it('refuses a second order converting under an OrderId already used, and applies the rest of the batch', async () => {
        const shop = await addShop();
        const results = await applyOrderEvents(store, [
          { webhookId: null, shopId: shop.id, platformOrderId: 'P1', event: { kind: 'order', order: sale({ id: 'P1', number: '1001' }) }, config, now },
          { webhookId: null, shopId: shop.id, platformOrderId: 'P2', event: { kind: 'order', order: sale({ id: 'P2', number: '1001' }) }, config, now },
          { webhookId: null, shopId: shop.id, platformOrderId: 'P3', event: { kind: 'order', order: sale({ id: 'P3', number: '1003' }) }, config, now },
        ]);
        expect(results.map((r) => r.ok)).toEqual([true, false, true]);
        expect(results[1]).toMatchObject({ reason: 'order_id_taken' });
        const orders = await store.listOrders(shop.id, {});
        expect(orders.filter((o) => o.status === 'converted').map((o) => o.platformOrderId).sort()).toEqual(['P1', 'P3']);
        expect((await store.queueDepth()).deliveries).toBe(2);
      });

      it('undoes a poisonous event alone and applies the rest of the batch', async () => {
        const shop = await addShop();
        // A config that slipped past validation: planning this order throws.
        const poisoned = { ...config, promoCodes: [{ match: 'regex' as const, code: '(', partnerId: '1' }] };
        const results = await applyOrderEvents(store, [
          { webhookId: null, shopId: shop.id, platformOrderId: 'P1', event: { kind: 'order', order: sale({ id: 'P1', number: '1' }) }, config, now },
          { webhookId: null, shopId: shop.id, platformOrderId: 'P2', event: { kind: 'order', order: sale({ id: 'P2', number: '2', discountCodes: ['X'] }) }, config: poisoned, now },
          { webhookId: null, shopId: shop.id, platformOrderId: 'P3', event: { kind: 'order', order: sale({ id: 'P3', number: '3' }) }, config, now },
        ]);
        expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual(['ok', 'failed', 'ok']);
        expect((await store.listOrders(shop.id, {})).map((o) => `${o.platformOrderId}:${o.status}`).sort()).toEqual(['P1:converted', 'P3:converted']);
      });

      it('applies one order’s events of a batch in the order given', async () => {
        const shop = await addShop();
        const results = await applyOrderEvents(store, [
          { webhookId: null, shopId: shop.id, platformOrderId: 'P1', event: { kind: 'order', order: sale({ paymentState: 'awaiting_payment' }) }, config, now },
          { webhookId: null, shopId: shop.id, platformOrderId: 'P1', event: { kind: 'order', order: sale() }, config, now },
          { webhookId: null, shopId: shop.id, platformOrderId: 'P1', event: { kind: 'refund', platformOrderId: 'P1', refund: { id: 'R1', lines: [{ lineId: 'L1', quantity: 1 }] } }, config, now },
        ]);
        expect(results.map((r) => (r.ok ? r.plan.deliveries.map((d) => d.kind) : r.reason))).toEqual([[], ['conversion'], ['modification']]);
      });
    });
  });
}
