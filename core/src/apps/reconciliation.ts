import type { Shop } from '../shops/shop-directory.ts';
import type { InboxOutcome } from '../store/store.ts';
import { reconcileCursor } from './install-shop.ts';
import type { Reconciliation, ReconciledWebhook, RelayJob, StoreAppContext } from './store-plugin.ts';

/** How long a process keeps a shop's reconciliation to itself; a run that takes longer may be repeated (harmlessly: the inbox drops what it has). */
const RECONCILE_LEASE_MS = 10 * 60_000;

/**
 * Platforms do not promise to deliver every webhook: every `everyMs`, each installed and configured
 * shop of the platform has its orders changed since its cursor read through the platform's API and
 * fed through the inbox, where the delivery id drops what was seen before. Across several processes,
 * one at a time runs each shop's reconciliation: its cursor carries a lease, which saving it ends.
 */
export function reconciliationJob(context: StoreAppContext, platform: string, reconciliation: Reconciliation): RelayJob {
  return {
    name: `${platform} reconciliation`,
    idleMs: reconciliation.everyMs,
    // Returns 0 so the loop rests a whole interval between runs, whatever it found.
    run: async () => {
      await reconcileAll(context, platform, reconciliation);
      return 0;
    },
  };
}

/** One run over every shop of the platform; returns how many orders were read. */
export async function reconcileAll(context: StoreAppContext, platform: string, reconciliation: Reconciliation): Promise<number> {
  const { shops, logger } = context;
  let orders = 0;
  for (const shop of await shops.list()) {
    if (shop.platform !== platform || !shop.active || !shop.config) continue;
    const ready = (await reconciliation.ready?.(shop)) ?? true;
    if (ready !== true) {
      if (ready.warn) logger.warn({ platform, shop: shop.shopKey, reason: ready.reason }, 'reconciliation skipped');
      continue;
    }
    try {
      const result = await reconcileFromCursor(context, shop, reconciliation);
      if (typeof result === 'object') orders += result.orders;
    } catch (error) {
      logger.warn({ platform, shop: shop.shopKey, err: error }, 'reconciliation failed; the next run starts from the same point');
    }
  }
  return orders;
}

/**
 * One shop's scheduled run (`cartrelay reconcile` without `--since` runs it now): from where the last
 * one got to, under the cursor's lease, moving the cursor on when it succeeds. `busy`: another process
 * is running it; `started`: the shop had no cursor (added by hand, or before its platform's app): its
 * orders are read from now on.
 */
export async function reconcileFromCursor(
  context: Pick<StoreAppContext, 'store' | 'now'>,
  shop: Shop,
  reconciliation: Reconciliation,
  onProgress?: (progress: { readonly pages: number; readonly orders: number }) => void,
): Promise<ReconcileResult | 'busy' | 'started'> {
  const { store, now } = context;
  const cursorName = reconcileCursor(shop.platform);
  const since = await store.leaseCursor(shop.id, cursorName, RECONCILE_LEASE_MS, now());
  if (since === null) {
    if ((await store.readCursor(shop.id, cursorName)) !== null) return 'busy';
    await store.saveCursor(shop.id, cursorName, new Date(now()).toISOString(), now());
    return 'started';
  }
  let result: ReconcileResult;
  try {
    result = await reconcileShop(context, shop, reconciliation, since, onProgress);
  } catch (error) {
    // Saving the cursor as it was ends the lease: the next run, here or elsewhere, starts from the same point.
    await store.saveCursor(shop.id, cursorName, since, now());
    throw error;
  }
  await store.saveCursor(shop.id, cursorName, result.cursor ?? since, now());
  return result;
}

export interface ReconcileResult {
  /** Orders read from the platform. */
  readonly orders: number;
  /** Of those, the ones the inbox took as new. */
  readonly stored: number;
  /** The newest change seen: where the next run starts; null when nothing was read. */
  readonly cursor: string | null;
  /** Where it started. */
  readonly since: string;
}

/**
 * Reads one shop's orders changed since `since` into the inbox (the scheduled run, and `cartrelay
 * reconcile` by hand): how many were read, how many the inbox took as new, and the next cursor.
 */
export async function reconcileShop(
  context: Pick<StoreAppContext, 'store' | 'now'>,
  shop: Shop,
  reconciliation: Reconciliation,
  since: string,
  onProgress?: (progress: { readonly pages: number; readonly orders: number }) => void,
): Promise<ReconcileResult> {
  let stored = 0;
  const enqueue = async (page: readonly ReconciledWebhook[]) => {
    const receivedAt = context.now();
    const outcomes: InboxOutcome[] = await context.store.insertWebhooks(
      page.map((w) => ({ shopId: shop.id, topic: w.topic, deliveryId: w.deliveryId, receivedAt, headers: {}, body: w.body })),
    );
    stored += outcomes.filter((outcome) => outcome === 'stored').length;
  };
  const result = await reconciliation.run(shop, since, enqueue, onProgress);
  return { orders: result.orders, stored, cursor: result.cursor, since };
}
