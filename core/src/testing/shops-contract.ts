import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrderEvent } from '../ledger/order-lifecycle.ts';
import type { StorePorts } from '../store/store.ts';
import { aConfig } from './builders.ts';
import { CONFIG, NOW, aSale, aWebhook, addTestShop, applyTestEvent, shopInput } from './store-fixtures.ts';

type ShopsBatteryStore = StorePorts & { close(): Promise<void> };

/**
 * The battery every ShopRecords and ShopCredentials implementation passes (ADR 9). `open` returns a fresh,
 * migrated, empty store.
 */
export function describeShopsContract(name: string, open: () => Promise<ShopsBatteryStore>): void {
  describe(`${name}: shops and their credentials`, () => {
    let store: ShopsBatteryStore;
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

    it('records and clears a shop’s access problem', async () => {
      const shop = await addShop();
      expect(shop.accessProblem).toBeNull();
      await store.updateShop(shop.id, { accessProblem: { reason: 'refresh token revoked', since: now + 5 } }, now + 5);
      expect((await store.getShop(shop.id))?.accessProblem).toEqual({ reason: 'refresh token revoked', since: now + 5 });
      await store.updateShop(shop.id, { accessProblem: null }, now + 6);
      expect((await store.getShop(shop.id))?.accessProblem).toBeNull();
    });

    it('saves a shop’s credentials with the shop, and finds them with it', async () => {
      const added = await store.addShop({ ...shopInput('c.example'), credentialsSealed: 'v1.first' }, now);
      expect(added.credentialsSealed).toBe('v1.first');
      expect(await store.loadCredentials(added)).toEqual({ sealed: 'v1.first', version: 1 });
      expect(await store.saveCredentials(added, 'v1.second', now + 1)).toBe(2);
      expect((await store.findShop(added.platform, added.shopKey))?.credentialsSealed).toBe('v1.second');
      expect((await store.getShop(added.id))?.credentialsSealed).toBe('v1.second');
      expect((await store.listShops()).map((shop) => shop.credentialsSealed)).toEqual(['v1.second']);
      // Credentials are the platform's: the same shop key on another platform has none.
      expect(await store.loadCredentials({ platform: 'woocommerce', shopKey: added.shopKey })).toBeNull();
      await store.deleteCredentials(added);
      expect(await store.loadCredentials(added)).toBeNull();
      expect((await store.getShop(added.id))?.credentialsSealed).toBeNull();
    });

    it('saves credentials before the shop exists (an install in progress), and the shop then has them', async () => {
      const key = { platform: 'shopify', shopKey: 'early.myshopify.com' };
      expect(await store.saveCredentials(key, 'v1.early', now)).toBe(1);
      const shop = await store.addShop({ ...shopInput(key.shopKey), credentialsSealed: null }, now + 1);
      expect(shop.credentialsSealed).toBe('v1.early');
    });

    it('lets one process at a time renew credentials, and only the lease’s holder save them', async () => {
      const key = { platform: 'shopify', shopKey: 'a.myshopify.com' };
      expect(await store.saveCredentials(key, 'v1.one', now)).toBe(1);
      const first = await store.leaseCredentials(key, 30_000, now);
      expect(first).toMatchObject({ sealed: 'v1.one', version: 1, lease: expect.any(String) });
      // Another process, meanwhile: the lease is taken until it runs out.
      expect(await store.leaseCredentials(key, 30_000, now + 29_999)).toBeNull();
      expect(await store.replaceCredentials(key, 'v1.refreshed', first!.lease, now + 1)).toBe(true);
      expect(await store.loadCredentials(key)).toEqual({ sealed: 'v1.refreshed', version: 2 });
      // Saving ended the lease: saving again under it is refused.
      expect(await store.replaceCredentials(key, 'v1.again', first!.lease, now + 2)).toBe(false);

      // A lease that ran out is taken over (its process stalled): the stalled one may neither save nor give it back.
      const stalled = await store.leaseCredentials(key, 30_000, now + 3);
      const takeover = await store.leaseCredentials(key, 30_000, now + 30_004);
      expect(takeover).toMatchObject({ version: 2 });
      expect(await store.replaceCredentials(key, 'v1.stalled', stalled!.lease, now + 30_005)).toBe(false);
      await store.releaseCredentials(key, stalled!.lease);
      expect(await store.leaseCredentials(key, 30_000, now + 30_006)).toBeNull();
      expect(await store.replaceCredentials(key, 'v1.takeover', takeover!.lease, now + 30_007)).toBe(true);

      // An install saves over any lease, ending it.
      const racing = await store.leaseCredentials(key, 30_000, now + 30_008);
      expect(await store.saveCredentials(key, 'v1.installed', now + 30_009)).toBe(4);
      expect(await store.replaceCredentials(key, 'v1.late-refresh', racing!.lease, now + 30_010)).toBe(false);
      const again = await store.leaseCredentials(key, 30_000, now + 30_011);
      expect(again).toMatchObject({ sealed: 'v1.installed', version: 4 });
      await store.releaseCredentials(key, again!.lease);
      expect(await store.leaseCredentials(key, 30_000, now + 30_012)).toMatchObject({ version: 4 });
      const missing = { platform: 'shopify', shopKey: 'missing.myshopify.com' };
      expect(await store.leaseCredentials(missing, 30_000, now)).toBeNull();
      expect(await store.replaceCredentials(missing, 'v1.x', 'no-lease', now)).toBe(false);
    });

    it('marks a shop refused only while the refusing lease is its credentials’', async () => {
      const shop = await addShop('a.myshopify.com');
      await store.saveCredentials(shop, 'v1.one', now);
      const refusing = await store.leaseCredentials(shop, 30_000, now);
      // An install saved newer credentials meanwhile: the refusal says nothing about them.
      await store.saveCredentials(shop, 'v1.installed', now + 1);
      expect(await store.markCredentialsRefused(shop, refusing!.lease, 'revoked', now + 2)).toBe(false);
      expect((await store.getShop(shop.id))?.accessProblem).toBeNull();
      const current = await store.leaseCredentials(shop, 30_000, now + 3);
      expect(await store.markCredentialsRefused(shop, current!.lease, 'revoked', now + 4)).toBe(true);
      expect((await store.getShop(shop.id))?.accessProblem).toEqual({ reason: 'revoked', since: now + 4 });
      // The credentials stay (a mark can be undone), and their lease ended.
      expect(await store.leaseCredentials(shop, 30_000, now + 5)).toMatchObject({ sealed: 'v1.installed' });
    });

    it('deletes a shop and everything held for it', async () => {
      const shop = await addShop();
      const other = await addShop('shop-2.myshopify.com');
      await apply(shop.id, { kind: 'order', order: sale() });
      await apply(other.id, { kind: 'order', order: sale() });
      await store.insertWebhooks([webhook(shop.id, 'w1'), webhook(other.id, 'w1', { body: '{"id":2}' })]);
      await store.recordClickCapture({ shopId: shop.id, platformOrderId: 'P1', checkoutToken: 'tok-P1', clickId: 'CK', sharedId: null, source: 'pixel', ip: null, userAgent: null, capturedAt: now });
      await store.saveCursor(shop.id, 'reconcile', 'x', now);
      await store.saveCredentials(shop, 'v1', now);
      // A delivery of no order (a test action), attempted once.
      await store.enqueueDeliveries(shop.id, [{ kind: 'conversion', method: 'POST', path: '/x', fields: { OrderId: 'T' }, availableAt: now }], now);
      const claimed = await store.claimDeliveries(10, 1000, now);
      await store.recordDeliveryOutcomes(claimed.map((d) => ({ id: d.id, outcome: { status: 'done', queuedUri: null, checkAt: null }, attempt: { attemptedAt: now, durationMs: 1, httpStatus: 200, detail: '' } })));
      await store.exportCustomerData(shop.id, { customerId: 'C1', email: null, platformOrderIds: [] }, null, now);
      await store.deleteShop(shop.id);
      expect(await store.getShop(shop.id)).toBeNull();
      expect(await store.loadCredentials(shop)).toBeNull();
      expect(await store.listOrders(other.id, {})).toHaveLength(1);
      expect(await store.listDeliveries(other.id, {})).toHaveLength(1);
      expect(await store.listDeliveries(shop.id, {})).toEqual([]);
      expect(await store.queueDepth()).toMatchObject({ webhooks: 1 });
    });
  });
}
