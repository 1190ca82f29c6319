import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClickCaptures } from '../captures/click-captures.ts';
import type { ShopCursors } from '../shops/shop-cursors.ts';
import type { ShopRecords } from '../shops/shop-records.ts';
import { NOW, addTestShop } from './store-fixtures.ts';

type CapturesBatteryStore = ClickCaptures & ShopCursors & ShopRecords & { close(): Promise<void> };

/**
 * The battery every ClickCaptures and ShopCursors implementation passes (ADR 9). `open` returns a
 * fresh, migrated, empty store.
 */
export function describeCapturesContract(name: string, open: () => Promise<CapturesBatteryStore>): void {
  describe(`${name}: click captures and cursors`, () => {
    let store: CapturesBatteryStore;
    const now = NOW;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });
    const addShop = (shopKey?: string) => addTestShop(store, shopKey);

    it('keeps the first click capture of a checkout; a later beacon never replaces it', async () => {
      const shop = await addShop();
      const capture = { shopId: shop.id, platformOrderId: 'P1', checkoutToken: 'tok1', clickId: 'FIRST', sharedId: null, source: 'pixel', ip: '203.0.113.9', userAgent: 'UA', capturedAt: now };
      expect(await store.recordClickCapture(capture)).toBe('recorded');
      expect(await store.recordClickCapture({ ...capture, clickId: 'FORGED', capturedAt: now + 1 })).toBe('already_captured');
      expect((await store.findClickCapture(shop.id, 'tok1'))?.clickId).toBe('FIRST');
      expect(await store.findClickCapture(shop.id, 'tok2')).toBeNull();
      // Another shop's checkout of the same token is another capture.
      const other = await addShop('shop-2.myshopify.com');
      expect(await store.findClickCapture(other.id, 'tok1')).toBeNull();
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
}
