import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrderEvent } from '../ledger/order-lifecycle.ts';
import type { MinorUnits } from '../money/minor-units.ts';
import type { DeliveryAttempt, DeliveryOutcome, NewWebhook, Store } from '../store/store.ts';
import { aConfig, aLine, anOrder } from './builders.ts';

/**
 * The battery every Store implementation passes. `open` returns a fresh, migrated, empty store.
 */
export function describeStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`${name} store contract`, () => {
    let store: Store;
    const now = 1_780_000_000_000;
    const config = aConfig();

    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    const addShop = (shopKey = 'shop-1.myshopify.com') =>
      store.addShop(
        { platform: 'shopify', shopKey, config, impactAccountSid: 'IRabc', impactAuthTokenSealed: 'v1.sealed', webhookSecretSealed: null, accessTokenSealed: null },
        now,
      );
    const webhook = (shopId: number, deliveryId: string, overrides: Partial<NewWebhook> = {}): NewWebhook => ({
      shopId,
      topic: 'orders/paid',
      deliveryId,
      receivedAt: now,
      headers: { 'x-shopify-topic': 'orders/paid' },
      body: '{"id":1}',
      ...overrides,
    });
    const sale = (overrides: Parameters<typeof anOrder>[0] = {}) =>
      anOrder({ id: 'P1', number: '1001', lineItems: [aLine({ id: 'L1', sku: 'A', quantity: 2, subtotal: 2000 as MinorUnits })], ...overrides });
    const apply = async (shopId: number, event: OrderEvent, webhookId: number | null = null, platformOrderId = 'P1') => {
      const [result] = await store.applyOrderEvents([{ webhookId, shopId, platformOrderId, event, config, now }]);
      if (!result?.ok) throw new Error(result?.message ?? 'no result');
      return result.plan;
    };
    const record = (id: number, outcome: DeliveryOutcome, attempt: DeliveryAttempt) => store.recordDeliveryOutcomes([{ id, outcome, attempt }]);

    it('migrates idempotently', async () => {
      await store.migrate();
      await store.migrate();
      expect(await store.listShops()).toEqual([]);
    });

    describe('shops', () => {
      it('adds, finds, lists and updates a shop', async () => {
        const shop = await addShop();
        expect(shop).toMatchObject({ platform: 'shopify', shopKey: 'shop-1.myshopify.com', active: true, impactAccountSid: 'IRabc', config });
        expect(await store.findShop('shopify', 'shop-1.myshopify.com')).toEqual(shop);
        expect(await store.findShop('woocommerce', 'shop-1.myshopify.com')).toBeNull();
        expect(await store.getShop(shop.id)).toEqual(shop);
        const newConfig = aConfig({ trigger: 'created' });
        await store.updateShop(shop.id, { config: newConfig, active: false }, now + 1);
        expect(await store.getShop(shop.id)).toMatchObject({ config: newConfig, active: false, updatedAt: now + 1 });
        expect(await store.listShops()).toHaveLength(1);
      });

      it('refuses the same shop twice', async () => {
        await addShop();
        await expect(addShop()).rejects.toThrow();
      });
    });

    describe('webhook inbox', () => {
      it('stores each delivery once, across and within batches', async () => {
        const shop = await addShop();
        const other = await addShop('shop-2.myshopify.com');
        expect(await store.insertWebhooks([webhook(shop.id, 'e1'), webhook(shop.id, 'e2'), webhook(shop.id, 'e1')])).toEqual(['stored', 'stored', 'duplicate']);
        expect(await store.insertWebhooks([webhook(shop.id, 'e2'), webhook(other.id, 'e2')])).toEqual(['duplicate', 'stored']);
        expect((await store.queueDepth()).webhooks).toBe(3);
      });

      it('leases webhooks once, and again after the lease runs out', async () => {
        const shop = await addShop();
        await store.insertWebhooks([webhook(shop.id, 'e1'), webhook(shop.id, 'e2')]);
        const first = await store.claimWebhooks(10, 1000, now);
        expect(first.map((w) => w.deliveryId)).toEqual(['e1', 'e2']);
        expect(first[0]).toMatchObject({ topic: 'orders/paid', headers: { 'x-shopify-topic': 'orders/paid' }, body: '{"id":1}', attempts: 1 });
        expect(await store.claimWebhooks(10, 1000, now + 500)).toEqual([]);
        await store.finishWebhooks([{ id: first[0]!.id, status: 'done', outcome: 'ignored' }], now);
        const again = await store.claimWebhooks(10, 1000, now + 1001);
        expect(again.map((w) => [w.deliveryId, w.attempts])).toEqual([['e2', 2]]);
      });

      it('gives a webhook back for a later try', async () => {
        const shop = await addShop();
        await store.insertWebhooks([webhook(shop.id, 'e1')]);
        const [claimed] = await store.claimWebhooks(1, 1000, now);
        await store.retryWebhook(claimed!.id, 'fetch failed', now + 60_000);
        expect(await store.claimWebhooks(1, 1000, now + 59_999)).toEqual([]);
        expect(await store.claimWebhooks(1, 1000, now + 60_000)).toHaveLength(1);
      });
    });

    describe('store apps: unconfigured shops, sessions, captures, cursors', () => {
      it('keeps a shop installed before it is configured, and releases its waiting webhooks when asked', async () => {
        const shop = await store.addShop(
          { platform: 'shopify', shopKey: 'new.myshopify.com', config: null, impactAccountSid: null, impactAuthTokenSealed: null, webhookSecretSealed: null, accessTokenSealed: 'v1.tok' },
          now,
        );
        expect(await store.getShop(shop.id)).toMatchObject({ config: null, impactAccountSid: null, impactAuthTokenSealed: null, accessTokenSealed: 'v1.tok' });
        await store.insertWebhooks([webhook(shop.id, 'w1')]);
        const [claimed] = await store.claimWebhooks(10, 1000, now);
        await store.retryWebhook(claimed!.id, 'waiting for the shop to be configured', now + 3_600_000, { uncounted: true });
        expect(await store.claimWebhooks(10, 1000, now + 1)).toEqual([]);
        await store.updateShop(shop.id, { config, impactAccountSid: 'IRnew', impactAuthTokenSealed: 'v1.sealed' }, now + 2);
        expect(await store.releaseWebhooks(shop.id, now + 2)).toBe(1);
        const [again] = await store.claimWebhooks(10, 1000, now + 2);
        // The wait gave its attempt back: this is the second claim, and still counts as the first try.
        expect(again).toMatchObject({ id: claimed!.id, attempts: 1 });
        expect(await store.getShop(shop.id)).toMatchObject({ config, impactAccountSid: 'IRnew' });
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

      it('saves, loads, finds and deletes app sessions', async () => {
        await store.saveAppSession({ id: 'offline_a.myshopify.com', platform: 'shopify', shopKey: 'a.myshopify.com', sealed: 'v1.one' }, now);
        await store.saveAppSession({ id: 'offline_a.myshopify.com', platform: 'shopify', shopKey: 'a.myshopify.com', sealed: 'v1.two' }, now + 1);
        await store.saveAppSession({ id: 'offline_b.myshopify.com', platform: 'shopify', shopKey: 'b.myshopify.com', sealed: 'v1.b' }, now);
        expect(await store.loadAppSession('offline_a.myshopify.com')).toEqual({ id: 'offline_a.myshopify.com', platform: 'shopify', shopKey: 'a.myshopify.com', sealed: 'v1.two' });
        expect((await store.findAppSessions('shopify', 'b.myshopify.com')).map((s) => s.id)).toEqual(['offline_b.myshopify.com']);
        await store.deleteAppSessions(['offline_a.myshopify.com', 'missing']);
        expect(await store.loadAppSession('offline_a.myshopify.com')).toBeNull();
      });

      it('keeps the first click capture of a checkout; a later beacon never replaces it', async () => {
        const shop = await addShop();
        const capture = { shopId: shop.id, platformOrderId: 'P1', checkoutToken: 'tok1', clickId: 'FIRST', sharedId: null, source: 'pixel', ip: '203.0.113.9', userAgent: 'UA', capturedAt: now };
        expect(await store.recordClickCapture(capture)).toBe('recorded');
        expect(await store.recordClickCapture({ ...capture, clickId: 'FORGED', capturedAt: now + 1 })).toBe('already_captured');
        expect((await store.findClickCapture(shop.id, 'P1', 'tok1'))?.clickId).toBe('FIRST');
        expect(await store.findClickCapture(shop.id, 'P2', 'tok2')).toBeNull();
      });

      it('believes a beacon naming only the order id for an order without a checkout token, never over its checkout', async () => {
        const shop = await addShop();
        const byOrderId = { shopId: shop.id, platformOrderId: 'P1', checkoutToken: null, clickId: 'POSTED-FIRST', sharedId: null, source: 'pixel', ip: null, userAgent: null, capturedAt: now };
        expect(await store.recordClickCapture(byOrderId)).toBe('recorded');
        expect(await store.recordClickCapture({ ...byOrderId, clickId: 'POSTED-LATER' })).toBe('already_captured');
        // The genuine beacon carries the checkout token; a forger posting first does not hold it back.
        expect(await store.recordClickCapture({ ...byOrderId, checkoutToken: 'tok1', clickId: 'GENUINE', capturedAt: now + 5 })).toBe('recorded');
        expect((await store.findClickCapture(shop.id, 'P1', 'tok1'))?.clickId).toBe('GENUINE');
        expect((await store.findClickCapture(shop.id, 'P1', null))?.clickId).toBe('POSTED-FIRST');
      });

      it('reads and saves cursors per shop', async () => {
        const shop = await addShop();
        expect(await store.readCursor(shop.id, 'reconcile')).toBeNull();
        await store.saveCursor(shop.id, 'reconcile', '2026-01-01T00:00:00Z', now);
        await store.saveCursor(shop.id, 'reconcile', '2026-01-02T00:00:00Z', now);
        expect(await store.readCursor(shop.id, 'reconcile')).toBe('2026-01-02T00:00:00Z');
      });

      it('leases a cursor to one taker at a time, until it is saved or its lease runs out', async () => {
        const shop = await addShop();
        expect(await store.leaseCursor(shop.id, 'reconcile', 1000, now)).toBeNull();
        await store.saveCursor(shop.id, 'reconcile', 'A', now);
        const takers = await Promise.all([1, 2, 3].map(() => store.leaseCursor(shop.id, 'reconcile', 1000, now)));
        expect(takers.filter((value) => value !== null)).toEqual(['A']);
        expect(await store.leaseCursor(shop.id, 'reconcile', 1000, now + 999)).toBeNull();
        expect(await store.leaseCursor(shop.id, 'reconcile', 1000, now + 1001)).toBe('A');
        await store.saveCursor(shop.id, 'reconcile', 'B', now + 1002);
        expect(await store.leaseCursor(shop.id, 'reconcile', 1000, now + 1003)).toBe('B');
      });
    });

    describe('retention', () => {
      it('purges processed webhooks and click captures older than the cutoff, oldest first, and nothing else', async () => {
        const shop = await addShop();
        await store.insertWebhooks([webhook(shop.id, 'old-done', { receivedAt: now - 2_000 }), webhook(shop.id, 'old-pending', { receivedAt: now - 2_000 })]);
        await store.insertWebhooks([webhook(shop.id, 'new-done', { receivedAt: now })]);
        const claimed = await store.claimWebhooks(10, 1000, now);
        const byDelivery = new Map(claimed.map((w) => [w.deliveryId, w.id]));
        await store.finishWebhooks(
          ['old-done', 'new-done'].map((deliveryId) => ({ id: byDelivery.get(deliveryId)!, status: 'done' as const, outcome: 'x' })),
          now,
        );
        await store.retryWebhook(byDelivery.get('old-pending')!, 'waiting', now);
        const capture = { shopId: shop.id, platformOrderId: null, sharedId: null, source: 'pixel', ip: null, userAgent: null, clickId: 'C' };
        await store.recordClickCapture({ ...capture, checkoutToken: 'old', capturedAt: now - 2_000 });
        await store.recordClickCapture({ ...capture, checkoutToken: 'new', capturedAt: now });

        expect(await store.purgeExpired(now - 1_000, 100)).toBe(2);
        expect(await store.purgeExpired(now - 1_000, 100)).toBe(0);
        // The purged delivery id is forgotten; the pending one and the recent ones are kept.
        expect(await store.insertWebhooks([webhook(shop.id, 'old-done'), webhook(shop.id, 'old-pending'), webhook(shop.id, 'new-done')])).toEqual(['stored', 'duplicate', 'duplicate']);
        expect(await store.findClickCapture(shop.id, 'x', 'old')).toBeNull();
        expect(await store.findClickCapture(shop.id, 'x', 'new')).not.toBeNull();
      });
    });

    describe('privacy requests', () => {
      const customerOrder = (id: string) =>
        sale({ id, number: id, customer: { id: 'C9', email: 'Jo@Example.com' }, client: { ip: '198.51.100.7', userAgent: 'Mozilla/5.0 Jo' } });

      it('exports what is held on a customer: orders, identifying fields sent, click captures', async () => {
        const shop = await addShop();
        await apply(shop.id, { kind: 'order', order: customerOrder('P1') }, null, 'P1');
        await apply(shop.id, { kind: 'order', order: sale({ id: 'P2', number: '2', customer: { id: 'OTHER' } }) }, null, 'P2');
        await store.recordClickCapture({ shopId: shop.id, platformOrderId: 'P1', checkoutToken: null, clickId: 'CK', sharedId: null, source: 'pixel', ip: '198.51.100.7', userAgent: 'UA', capturedAt: now });
        const exported = await store.exportCustomerData(shop.id, { customerId: null, email: 'jo@example.com', platformOrderIds: [] }, 'req-1', now);
        expect(exported.orders.map((o) => o.platformOrderId)).toEqual(['P1']);
        expect(exported.orders[0]).toMatchObject({ impactOrderId: 'P1', status: 'converted', sentFields: { CustomerId: 'C9', IpAddress: '198.51.100.7' }, clickCapture: { clickId: 'CK' } });
        expect(await store.listCustomerDataExports(shop.id)).toEqual([exported]);
      });

      it('redacts a customer: ids, email keys, IPs and agents go; what was sold stays', async () => {
        const shop = await addShop();
        await apply(shop.id, { kind: 'order', order: customerOrder('P1') }, null, 'P1');
        const [stored] = await store.insertWebhooks([webhook(shop.id, 'w1', { body: '{"email":"Jo@Example.com"}' })]);
        expect(stored).toBe('stored');
        // Being processed (the privacy request itself, say) when the redaction runs.
        const [claimed] = await store.claimWebhooks(1, 1000, now);
        await store.exportCustomerData(shop.id, { customerId: 'C9', email: null, platformOrderIds: [] }, 'req-1', now);
        // And one still waiting to be processed (a shop not configured yet, a click id to come).
        await store.insertWebhooks([webhook(shop.id, 'w2', { body: '{"contact_email":"JO@example.com"}' })]);
        expect(await store.redactCustomer(shop.id, { customerId: 'C9', email: 'jo@EXAMPLE.com', platformOrderIds: [] }, now)).toBe(1);
        expect(await store.listCustomerDataExports(shop.id)).toEqual([]);
        const reclaimed = await store.claimWebhooks(10, 1000, now + 5_000);
        expect(reclaimed.map((w) => [w.deliveryId, w.body])).toEqual([
          ['w1', '{"redacted":true}'],
          ['w2', '{"redacted":true}'],
        ]);

        const [delivery] = await store.listDeliveries(shop.id, {});
        expect(delivery!.fields).not.toHaveProperty('CustomerId');
        expect(delivery!.fields).not.toHaveProperty('CustomerEmail');
        expect(delivery!.fields).not.toHaveProperty('IpAddress');
        expect(delivery!.fields).not.toHaveProperty('UserAgent');
        expect(delivery!.fields).toMatchObject({ OrderId: 'P1', ItemSku1: 'A', ItemQuantity1: '2' });
        // Nothing left to find the customer by, in the ledger or in the stored payloads.
        expect((await store.exportCustomerData(shop.id, { customerId: 'C9', email: 'jo@example.com', platformOrderIds: [] }, null, now)).orders).toEqual([]);
        const later = sale({ id: 'P3', number: '3', customer: { id: 'C9' } });
        const plan = await apply(shop.id, { kind: 'order', order: later }, null, 'P3');
        expect(plan.deliveries[0]!.fields.CustomerStatus).toBe('New');
      });

      it('deletes a shop and everything held for it', async () => {
        const shop = await addShop();
        const other = await addShop('shop-2.myshopify.com');
        await apply(shop.id, { kind: 'order', order: sale() });
        await apply(other.id, { kind: 'order', order: sale() });
        await store.insertWebhooks([webhook(shop.id, 'w1'), webhook(other.id, 'w1')]);
        await store.recordClickCapture({ shopId: shop.id, platformOrderId: 'P1', checkoutToken: null, clickId: 'CK', sharedId: null, source: 'pixel', ip: null, userAgent: null, capturedAt: now });
        await store.saveCursor(shop.id, 'reconcile', 'x', now);
        await store.saveAppSession({ id: 's1', platform: 'shopify', shopKey: shop.shopKey, sealed: 'v1' }, now);
        // A delivery of no order (a test action), attempted once.
        await store.enqueueDeliveries(shop.id, [{ kind: 'conversion', method: 'POST', path: '/x', fields: { OrderId: 'T' }, availableAt: now }], now);
        const claimed = await store.claimDeliveries(10, 1000, now);
        await store.recordDeliveryOutcomes(claimed.map((d) => ({ id: d.id, outcome: { status: 'done', queuedUri: null, checkAt: null }, attempt: { attemptedAt: now, durationMs: 1, httpStatus: 200, detail: '' } })));
        await store.exportCustomerData(shop.id, { customerId: 'C1', email: null, platformOrderIds: [] }, null, now);
        await store.deleteShop(shop.id);
        expect(await store.getShop(shop.id)).toBeNull();
        expect(await store.loadAppSession('s1')).toBeNull();
        expect(await store.listOrders(other.id, {})).toHaveLength(1);
        expect(await store.listDeliveries(other.id, {})).toHaveLength(1);
        expect(await store.listDeliveries(shop.id, {})).toEqual([]);
        expect(await store.queueDepth()).toMatchObject({ webhooks: 1 });
      });
    });

    describe('order ledger', () => {
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
        const results = await store.applyOrderEvents([
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
        const results = await store.applyOrderEvents([
          { webhookId: null, shopId: shop.id, platformOrderId: 'P1', event: { kind: 'order', order: sale({ id: 'P1', number: '1' }) }, config, now },
          { webhookId: null, shopId: shop.id, platformOrderId: 'P2', event: { kind: 'order', order: sale({ id: 'P2', number: '2', discountCodes: ['X'] }) }, config: poisoned, now },
          { webhookId: null, shopId: shop.id, platformOrderId: 'P3', event: { kind: 'order', order: sale({ id: 'P3', number: '3' }) }, config, now },
        ]);
        expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual(['ok', 'failed', 'ok']);
        expect((await store.listOrders(shop.id, {})).map((o) => `${o.platformOrderId}:${o.status}`).sort()).toEqual(['P1:converted', 'P3:converted']);
      });

      it('applies one order’s events of a batch in the order given', async () => {
        const shop = await addShop();
        const results = await store.applyOrderEvents([
          { webhookId: null, shopId: shop.id, platformOrderId: 'P1', event: { kind: 'order', order: sale({ paymentState: 'awaiting_payment' }) }, config, now },
          { webhookId: null, shopId: shop.id, platformOrderId: 'P1', event: { kind: 'order', order: sale() }, config, now },
          { webhookId: null, shopId: shop.id, platformOrderId: 'P1', event: { kind: 'refund', platformOrderId: 'P1', refund: { id: 'R1', lines: [{ lineId: 'L1', quantity: 1 }] } }, config, now },
        ]);
        expect(results.map((r) => (r.ok ? r.plan.deliveries.map((d) => d.kind) : r.reason))).toEqual([[], ['conversion'], ['modification']]);
      });
    });

    describe('delivery outbox', () => {
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
    });
  });
}
