import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ShopRecords } from '../shops/shop-records.ts';
import type { RelayQueries } from '../store/relay-queries.ts';
import type { WebhookInbox } from '../webhooks/inbox.ts';
import { CONFIG, NOW, aWebhook, addTestShop } from './store-fixtures.ts';

type InboxBatteryStore = WebhookInbox & ShopRecords & Pick<RelayQueries, 'queueDepth'> & { close(): Promise<void> };

/**
 * The battery every WebhookInbox implementation passes (ADR 9). `open` returns a fresh, migrated, empty
 * store.
 */
export function describeInboxContract(name: string, open: () => Promise<InboxBatteryStore>): void {
  describe(`${name}: webhook inbox`, () => {
    let store: InboxBatteryStore;
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

    it('stores each delivery once, across and within batches', async () => {
      const shop = await addShop();
      const other = await addShop('shop-2.myshopify.com');
      expect(await store.insertWebhooks([webhook(shop.id, 'e1'), webhook(shop.id, 'e2'), webhook(shop.id, 'e1')])).toEqual(['stored', 'stored', 'duplicate']);
      expect(await store.insertWebhooks([webhook(shop.id, 'e2'), webhook(other.id, 'e2', { body: '{"id":2}' })])).toEqual(['duplicate', 'stored']);
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

    it('keeps a shop installed before it is configured, and releases its waiting webhooks when asked', async () => {
      const shop = await store.addShop(
        { platform: 'shopify', shopKey: 'new.myshopify.com', config: null, impactAccountSid: null, impactAuthTokenSealed: null, credentialsSealed: 'v1.tok' },
        now,
      );
      expect(await store.getShop(shop.id)).toMatchObject({ config: null, impactAccountSid: null, impactAuthTokenSealed: null, credentialsSealed: 'v1.tok' });
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

    it('refuses a body held for another shop (a signed body replayed with another shop’s headers), and only that', async () => {
      const shop = await addShop();
      const other = await addShop('shop-2.myshopify.com');
      const body = '{"id":820982911946154508,"total_price":"10.00"}';
      expect(await store.insertWebhooks([webhook(shop.id, 'd1', { body })])).toEqual(['stored']);
      // The same body again for the same shop is the platform's own business (another topic, a redelivery).
      expect(await store.insertWebhooks([webhook(shop.id, 'd2', { body, topic: 'orders/updated' })])).toEqual(['stored']);
      expect(await store.insertWebhooks([webhook(other.id, 'd3', { body }), webhook(other.id, 'd4', { body: '{"id":2}' })])).toEqual(['refused', 'stored']);
      expect((await store.claimWebhooks(10, 1000, now)).map((w) => [w.shopId, w.deliveryId])).toEqual([
        [shop.id, 'd1'],
        [shop.id, 'd2'],
        [other.id, 'd4'],
      ]);
    });
  });
}
