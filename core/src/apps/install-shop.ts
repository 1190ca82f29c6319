import type { Shop } from '../shops/shop-directory.ts';
import type { PlatformCredentials } from '../webhooks/webhook-receiver.ts';
import type { StoreAppContext } from './store-plugin.ts';

/** Where each shop's reconciliation got to: the newest change it has read. */
export const reconcileCursor = (platform: string) => `${platform}.reconcile`;

/**
 * The bookkeeping of an install, the same on every platform: the shop is created unconfigured (or
 * reactivated with its ledger and setup), and its reconciliation starts from now, since earlier
 * orders were never the app's to track. `credentials` (checked against the plugin's schema) replace
 * the shop's; an app that renews its tokens under a lease saves them itself instead. The app sets the
 * shop up on the platform (a pixel, scripts, webhooks) after this.
 */
export async function installShop(
  context: Pick<StoreAppContext, 'store' | 'shops' | 'now'>,
  input: { readonly platform: string; readonly shopKey: string; readonly credentials?: PlatformCredentials },
): Promise<Shop> {
  const { store, shops, now } = context;
  const shop = await shops.install({ platform: input.platform, shopKey: input.shopKey, credentials: input.credentials ?? null }, now());
  const cursor = reconcileCursor(input.platform);
  if ((await store.readCursor(shop.id, cursor)) === null) await store.saveCursor(shop.id, cursor, new Date(now()).toISOString(), now());
  return shop;
}
