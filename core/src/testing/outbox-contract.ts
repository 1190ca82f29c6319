import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryAttempt, DeliveryOutbox, DeliveryOutcome } from '../delivery/outbox.ts';
import type { OrderLedger } from '../ledger/order-ledger.ts';
import type { OrderEvent } from '../ledger/order-lifecycle.ts';
import type { ShopRecords } from '../shops/shop-records.ts';
import type { RelayQueries } from '../store/relay-queries.ts';
import { NOW, aSale, addTestShop, applyTestEvent, recordTestAttempt } from './store-fixtures.ts';

type OutboxBatteryStore = DeliveryOutbox & OrderLedger & ShopRecords & RelayQueries & { close(): Promise<void> };

/**
 * The battery every DeliveryOutbox implementation passes (ADR 9). `open` returns a fresh, migrated, empty
 * store; an order's deliveries are planned through the ledger's use case.
 */
export function describeOutboxContract(name: string, open: () => Promise<OutboxBatteryStore>): void {
  describe(`${name}: delivery outbox`, () => {
    let store: OutboxBatteryStore;
    const now = NOW;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });
    const addShop = (shopKey?: string) => addTestShop(store, shopKey);
    const sale = aSale;
    const apply = (shopId: number, event: OrderEvent, webhookId: number | null = null, platformOrderId = 'P1') => applyTestEvent(store, shopId, event, webhookId, platformOrderId);
    const record = (id: number, outcome: DeliveryOutcome, attempt: DeliveryAttempt) => recordTestAttempt(store, id, outcome, attempt);

    it('sends an order’s deliveries one at a time, in order, each once impact.com has processed the one before', async () => {
      const shop = await addShop();
      await apply(shop.id, { kind: 'order', order: sale() });
      await apply(shop.id, { kind: 'refund', platformOrderId: 'P1', refund: { id: 'R1', lines: [{ lineId: 'L1', quantity: 1 }] } });
      const [conversion] = await store.claimDeliveries(10, 1000, now);
      expect(conversion).toMatchObject({ kind: 'conversion', method: 'POST', attempts: 1 });
      expect(await store.claimDeliveries(10, 1000, now)).toEqual([]);
      await record(conversion!.id, { status: 'done', queuedUri: '/Advertisers/IRabc/APISubmissions/1', checkAt: now + 60_000 }, { attemptedAt: now, durationMs: 12, httpStatus: 200, detail: 'QUEUED' });
      // Accepted but still queued at impact.com: the action may not exist yet.
      expect(await store.claimDeliveries(10, 1000, now)).toEqual([]);
      // Still processing at the first check: the order waits for the next one.
      await store.recordSubmissionCheck(conversion!.id, { status: 'pending', checkAt: now + 120_000 });
      expect(await store.claimDeliveries(10, 1000, now + 60_000)).toEqual([]);
      await store.recordSubmissionCheck(conversion!.id, { status: 'complete' });
      const [modification] = await store.claimDeliveries(10, 1000, now + 120_000);
      expect(modification).toMatchObject({ kind: 'modification', method: 'PUT', fields: expect.objectContaining({ Sku: 'A', Quantity: '1' }) });
    });

    it('holds a change made while the conversion is still processing until its check', async () => {
      const shop = await addShop();
      await apply(shop.id, { kind: 'order', order: sale() });
      const [conversion] = await store.claimDeliveries(10, 1000, now);
      await record(conversion!.id, { status: 'done', queuedUri: '/Advertisers/IRabc/APISubmissions/3', checkAt: now + 60_000 }, { attemptedAt: now, durationMs: 12, httpStatus: 200, detail: 'QUEUED' });
      await apply(shop.id, { kind: 'refund', platformOrderId: 'P1', refund: { id: 'R1', lines: [{ lineId: 'L1', quantity: 1 }] } });
      const [planned] = (await store.listDeliveries(shop.id, {})).filter((d) => d.kind === 'modification');
      expect(planned).toMatchObject({ status: 'pending' });
      expect(await store.claimDeliveries(10, 1000, now + 30_000)).toEqual([]);
      await store.recordSubmissionCheck(conversion!.id, { status: 'complete' });
      expect(await store.claimDeliveries(10, 1000, now + 60_000)).toMatchObject([{ kind: 'modification' }]);
    });

    it('goes on after a submission that impact.com answered without a submission to check, or with errors', async () => {
      const shop = await addShop();
      await apply(shop.id, { kind: 'order', order: sale() });
      await apply(shop.id, { kind: 'refund', platformOrderId: 'P1', refund: { id: 'R1', lines: [{ lineId: 'L1', quantity: 1 }] } });
      await apply(shop.id, { kind: 'refund', platformOrderId: 'P1', refund: { id: 'R2', lines: [{ lineId: 'L1', quantity: 1 }] } });
      const [conversion] = await store.claimDeliveries(10, 1000, now);
      await record(conversion!.id, { status: 'done', queuedUri: null, checkAt: null }, { attemptedAt: now, durationMs: 12, httpStatus: 200, detail: 'QUEUED' });
      const [first] = await store.claimDeliveries(10, 1000, now);
      expect(first).toMatchObject({ kind: 'modification' });
      await record(first!.id, { status: 'done', queuedUri: '/Advertisers/IRabc/APISubmissions/2', checkAt: now }, { attemptedAt: now, durationMs: 12, httpStatus: 200, detail: 'QUEUED' });
      await store.recordSubmissionCheck(first!.id, { status: 'error', errors: [{ code: 'X' }] });
      expect(await store.claimDeliveries(10, 1000, now)).toHaveLength(1);
    });

    it('retries at the given time, reclaims after a lost lease, and dead-letters', async () => {
      const shop = await addShop();
      await apply(shop.id, { kind: 'order', order: sale() });
      const [d] = await store.claimDeliveries(1, 1000, now);
      await record(d!.id, { status: 'retry', availableAt: now + 5000, error: 'HTTP 503' }, { attemptedAt: now, durationMs: 5, httpStatus: 503, detail: 'Service Unavailable' });
      expect(await store.claimDeliveries(1, 1000, now + 4999)).toEqual([]);
      const [again] = await store.claimDeliveries(1, 1000, now + 5000);
      expect(again!.attempts).toBe(2);
      // The process holding the lease dies: another takes it over once the lease runs out.
      const [takenOver] = await store.claimDeliveries(1, 1000, now + 6001);
      expect(takenOver).toMatchObject({ id: d!.id, attempts: 3 });
      await record(d!.id, { status: 'dead', error: 'gave up after 3 attempts' }, { attemptedAt: now + 6001, durationMs: 5, httpStatus: null, detail: 'ECONNRESET' });
      expect((await store.queueDepth()).dead).toBe(1);
      const [listing] = await store.listDeliveries(shop.id, {});
      expect(listing).toMatchObject({ status: 'dead', lastError: 'gave up after 3 attempts' });
      expect(listing!.attemptLog.map((a) => a.httpStatus)).toEqual([503, null]);
      expect(await store.requeueDeadDeliveries(shop.id, now + 7000)).toBe(1);
      expect(await store.claimDeliveries(1, 1000, now + 7000)).toHaveLength(1);
    });

    it('holds an order’s later deliveries while an earlier one is dead-lettered', async () => {
      const shop = await addShop();
      await apply(shop.id, { kind: 'order', order: sale() });
      await apply(shop.id, { kind: 'order', order: sale({ paymentState: 'cancelled', updatedAt: '2026-03-02T00:00:00Z' }) });
      const [conversion] = await store.claimDeliveries(10, 1000, now);
      await record(conversion!.id, { status: 'dead', error: 'x' }, { attemptedAt: now, durationMs: 1, httpStatus: 500, detail: '' });
      expect(await store.claimDeliveries(10, 1000, now)).toEqual([]);
    });

    it('enqueues deliveries of no order for later, such as a test action’s reversal', async () => {
      const shop = await addShop();
      const [, reversalId] = await store.enqueueDeliveries(
        shop.id,
        [
          { kind: 'conversion', method: 'POST', path: '/Advertisers/{AccountSID}/Conversions', fields: { OrderId: 'TEST-1' }, availableAt: now },
          { kind: 'reversal', method: 'DELETE', path: '/Advertisers/{AccountSID}/Actions', fields: { OrderId: 'TEST-1', DispositionCode: 'TEST_ACTION' }, availableAt: now + 3_600_000 },
        ],
        now,
      );
      const [conversion] = await store.claimDeliveries(10, 1000, now);
      expect(conversion!.kind).toBe('conversion');
      await record(conversion!.id, { status: 'done', queuedUri: null, checkAt: null }, { attemptedAt: now, durationMs: 1, httpStatus: 200, detail: '' });
      expect(await store.claimDeliveries(10, 1000, now + 3_599_999)).toEqual([]);
      expect((await store.claimDeliveries(10, 1000, now + 3_600_000)).map((d) => d.id)).toEqual([reversalId]);
    });

    it('checks queued submissions when due and records impact.com’s errors', async () => {
      const shop = await addShop();
      await apply(shop.id, { kind: 'order', order: sale() });
      const [d] = await store.claimDeliveries(1, 1000, now);
      await record(d!.id, { status: 'done', queuedUri: '/Advertisers/IRabc/APISubmissions/9', checkAt: now + 60_000 }, { attemptedAt: now, durationMs: 3, httpStatus: 200, detail: 'QUEUED' });
      expect(await store.claimSubmissionChecks(10, 1000, now + 59_999)).toEqual([]);
      const [check] = await store.claimSubmissionChecks(10, 1000, now + 60_000);
      expect(check).toMatchObject({ id: d!.id, queuedUri: '/Advertisers/IRabc/APISubmissions/9' });
      await store.recordSubmissionCheck(d!.id, { status: 'error', errors: [{ code: 'CONTRACT_NOT_FOUND' }] });
      const [listing] = await store.listDeliveries(shop.id, {});
      expect(listing).toMatchObject({ status: 'done', submissionStatus: 'error', submissionErrors: [{ code: 'CONTRACT_NOT_FOUND' }] });
      expect(await store.claimSubmissionChecks(10, 1000, now + 120_000)).toEqual([]);
    });

    it('never leases one delivery to two concurrent claimers', async () => {
      const shop = await addShop();
      for (let n = 0; n < 20; n++) await apply(shop.id, { kind: 'order', order: sale({ id: `P${n}`, number: `${n}` }) }, null, `P${n}`);
      const claims = await Promise.all(Array.from({ length: 5 }, () => store.claimDeliveries(8, 10_000, now)));
      const ids = claims.flat().map((d) => d.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(20);
    });

    it('releases a shop’s held deliveries, and only that shop’s', async () => {
      const shop = await addShop();
      const other = await addShop('shop-2.myshopify.com');
      await apply(shop.id, { kind: 'order', order: sale() });
      await apply(other.id, { kind: 'order', order: sale() });
      const claimed = await store.claimDeliveries(10, 1000, now);
      await store.recordDeliveryOutcomes(claimed.map((d) => ({ id: d.id, held: { until: now + 3_600_000, reason: 'shop inactive' } })));
      expect(await store.claimDeliveries(10, 1000, now + 1)).toEqual([]);
      expect(await store.releaseDeliveries(shop.id, now + 1)).toBe(1);
      expect((await store.claimDeliveries(10, 1000, now + 1)).map((d) => d.shopId)).toEqual([shop.id]);
    });

    it('releases only what a reinstall or reconnection ends: never a delivery scheduled for later, a rate limit or a wait for a submission check', async () => {
      const shop = await addShop();
      const due = (orderId: string) => ({ kind: 'conversion' as const, method: 'POST' as const, path: '/x', fields: { OrderId: orderId }, availableAt: now });
      const [notConnected, inactive, backingOff, limited, answered429, scheduled] = await store.enqueueDeliveries(
        shop.id,
        [...['A', 'B', 'C', 'D', 'E'].map(due), { ...due('T'), kind: 'reversal', method: 'DELETE', availableAt: now + 3_600_000 }],
        now,
      );
      await apply(shop.id, { kind: 'order', order: sale() });
      await apply(shop.id, { kind: 'refund', platformOrderId: 'P1', refund: { id: 'R1', lines: [{ lineId: 'L1', quantity: 1 }] } });
      const claimed = await store.claimDeliveries(10, 1000, now);
      const conversion = claimed.find((d) => d.orderRef !== null)!;
      const attempt = { attemptedAt: now, durationMs: 1, httpStatus: 503, detail: '' };
      await store.recordDeliveryOutcomes([
        { id: notConnected!, held: { until: now + 3_600_000, reason: 'impact.com account not connected', wait: 'not_connected' } },
        { id: inactive!, held: { until: now + 3_600_000, reason: 'shop inactive' } },
        { id: backingOff!, outcome: { status: 'retry', availableAt: now + 600_000, error: 'HTTP 503' }, attempt },
        { id: limited!, held: { until: now + 600_000, reason: 'account rate-limited', wait: 'rate_limited' } },
        { id: answered429!, outcome: { status: 'retry', availableAt: now + 600_000, error: 'HTTP 429', uncounted: true, wait: 'rate_limited' }, attempt },
        // Queued at impact.com: the order's modification waits for its check.
        { id: conversion.id, outcome: { status: 'done', queuedUri: '/Advertisers/IRabc/APISubmissions/1', checkAt: now + 300_000 }, attempt: { ...attempt, httpStatus: 200 } },
      ]);
      expect(await store.releaseDeliveries(shop.id, now + 1)).toBe(3);
      expect((await store.claimDeliveries(10, 1000, now + 1)).map((d) => d.id).sort((a, b) => a - b)).toEqual([notConnected, inactive, backingOff]);
      const pending = (await store.listDeliveries(shop.id, {})).filter((d) => d.status === 'pending');
      expect(pending.map((d) => [d.id, d.availableAt])).toEqual([
        [limited, now + 600_000],
        [answered429, now + 600_000],
        [scheduled, now + 3_600_000],
        [pending.at(-1)!.id, now + 300_000],
      ]);
      expect(pending.at(-1)).toMatchObject({ kind: 'modification' });
    });
  });
}
