import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrderEvent } from '../ledger/order-lifecycle.ts';
import type { StorePorts } from '../store/store.ts';
import { NOW, aSale, aWebhook, addTestShop, applyTestEvent } from './store-fixtures.ts';

type PrivacyBatteryStore = StorePorts & { close(): Promise<void> };

/**
 * The battery every PersonalData implementation passes (ADR 9). `open` returns a fresh, migrated, empty
 * store, whose other ports put customers' data in place first.
 */
export function describePrivacyContract(name: string, open: () => Promise<PrivacyBatteryStore>): void {
  describe(`${name}: personal data (privacy requests, retention)`, () => {
    let store: PrivacyBatteryStore;
    const now = NOW;
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
    const customerOrder = (id: string) =>
      sale({ id, number: id, checkoutToken: `tok-${id}`, customer: { id: 'C9', email: 'Jo@Example.com' }, client: { ip: '198.51.100.7', userAgent: 'Mozilla/5.0 Jo' } });

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
      expect(await store.findClickCapture(shop.id, 'old')).toBeNull();
      expect(await store.findClickCapture(shop.id, 'new')).not.toBeNull();
    });

    it('exports what is held on a customer: orders, identifying fields sent, click captures', async () => {
      const shop = await addShop();
      await apply(shop.id, { kind: 'order', order: customerOrder('P1') }, null, 'P1');
      await apply(shop.id, { kind: 'order', order: sale({ id: 'P2', number: '2', customer: { id: 'OTHER' } }) }, null, 'P2');
      await store.recordClickCapture({ shopId: shop.id, platformOrderId: 'P1', checkoutToken: 'tok-P1', clickId: 'CK', sharedId: null, source: 'pixel', ip: '198.51.100.7', userAgent: 'UA', capturedAt: now });
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
      await store.claimWebhooks(1, 1000, now);
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

    it('erases every stored payload that names the customer, however many the shop holds, and only the shop’s', async () => {
      const shop = await addShop();
      const other = await addShop('shop-2.myshopify.com');
      const bodies = Array.from({ length: 450 }, (_, n) => (n % 97 === 5 ? `{"n":${n},"email":"JO@example.com"}` : `{"n":${n},"email":"someone-${n}@example.com"}`));
      await store.insertWebhooks(bodies.map((body, n) => webhook(shop.id, `w${n}`, { body })));
      await store.insertWebhooks([webhook(other.id, 'elsewhere', { body: '{"email":"jo@example.com","shop":2}' })]);
      await store.redactCustomer(shop.id, { customerId: null, email: 'jo@example.com', platformOrderIds: [] }, now);
      const held = new Map((await store.claimWebhooks(1000, 1000, now)).map((w) => [w.deliveryId, w.body]));
      expect(held.size).toBe(451);
      expect(bodies.map((_body, n) => held.get(`w${n}`))).toEqual(bodies.map((body, n) => (n % 97 === 5 ? '{"redacted":true}' : body)));
      expect(held.get('elsewhere')).toBe('{"email":"jo@example.com","shop":2}');
    });

    it('erases the earlier exports of the customer’s orders, whoever they were asked for by', async () => {
      const shop = await addShop();
      await apply(shop.id, { kind: 'order', order: customerOrder('P1') }, null, 'P1');
      await apply(shop.id, { kind: 'order', order: sale({ id: 'P2', number: '2', customer: { id: 'OTHER', email: 'other@example.com' } }) }, null, 'P2');
      await store.exportCustomerData(shop.id, { customerId: null, email: 'jo@example.com', platformOrderIds: [] }, 'by-email', now);
      await store.exportCustomerData(shop.id, { customerId: null, email: null, platformOrderIds: ['P1'] }, 'by-order', now);
      await store.exportCustomerData(shop.id, { customerId: 'OTHER', email: null, platformOrderIds: [] }, 'someone-else', now);
      await store.redactCustomer(shop.id, { customerId: 'C9', email: null, platformOrderIds: [] }, now);
      expect((await store.listCustomerDataExports(shop.id)).map((exported) => exported.requestId)).toEqual(['someone-else']);
    });
  });
}
