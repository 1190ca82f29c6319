import type { Logger } from 'pino';
import { clickShareDrop, orderAttribution } from '../admin/home.ts';
import { CLICK_SHARE_BASELINE_DAYS, CLICK_SHARE_RECENT_DAYS } from '../admin/home.ts';
import type { ShopCursors } from '../shops/shop-cursors.ts';
import type { ShopDirectory } from '../shops/shop-directory.ts';
import type { RelayQueries } from '../store/relay-queries.ts';

const DAY_MS = 86_400_000;

/** The UTC day a shop was last warned about (YYYY-MM-DD): one warning per shop per day, across processes and restarts. */
const CLICK_SHARE_WARNED_CURSOR = 'click_share_drop_warned';

/** One shop's latest reading, as `/metrics` exposes it (cartrelay_click_id_share_drop). */
export interface ClickShareReading {
  readonly platform: string;
  readonly shop: string;
  readonly dropped: boolean;
}

export interface ClickShareWatchOptions {
  readonly store: Pick<RelayQueries, 'listOrderAttribution'> & Pick<ShopCursors, 'readCursor' | 'saveCursor'>;
  readonly shops: Pick<ShopDirectory, 'list'>;
  readonly logger: Logger;
  readonly now: () => number;
  /** How often the job looks whether a new UTC day began (ms; default an hour). */
  readonly checkEveryMs?: number;
}

/**
 * The relay's side of Home's click-share alert: once a UTC day (and at start) every active, configured
 * and connected shop's click-id share is compared with its own recent level (admin/home.ts), the
 * readings kept for `/metrics`, and a shop whose share dropped logged once that day. The cursor makes
 * the warning once a day even when several processes run the job or one restarts (two processes
 * evaluating in the same instant may both warn: the cost of a read-then-write without a lease).
 */
export function createClickShareWatch(options: ClickShareWatchOptions) {
  const { store, shops, logger, now } = options;
  const readings = new Map<number, ClickShareReading>();
  let evaluatedDay: string | null = null;

  async function evaluate(): Promise<number> {
    const at = now();
    const today = new Date(at).toISOString().slice(0, 10);
    let dropped = 0;
    for (const shop of await shops.list()) {
      if (!shop.active || !shop.config || !shop.impact) {
        readings.delete(shop.id);
        continue;
      }
      const param = shop.config.clickIdParam;
      const rows = await store.listOrderAttribution(shop.id, at - (CLICK_SHARE_RECENT_DAYS + CLICK_SHARE_BASELINE_DAYS) * DAY_MS);
      const drop = clickShareDrop(rows.map((row) => ({ at: row.createdAt, attribution: orderAttribution(row, param) })), at);
      readings.set(shop.id, { platform: shop.platform, shop: shop.shopKey, dropped: drop.dropped });
      if (!drop.dropped) continue;
      dropped++;
      if ((await store.readCursor(shop.id, CLICK_SHARE_WARNED_CURSOR)) === today) continue;
      await store.saveCursor(shop.id, CLICK_SHARE_WARNED_CURSOR, today, at);
      logger.warn(
        { platform: shop.platform, shop: shop.shopKey, recentShare: drop.recentShare, usualShare: drop.usualShare, recentOrders: drop.recentOrders, usualOrders: drop.usualOrders },
        `share of orders attributed by click id dropped over the last ${CLICK_SHARE_RECENT_DAYS} days: the storefront may be losing the ${param} parameter`,
      );
    }
    evaluatedDay = today;
    return dropped;
  }

  return {
    name: 'click-id share watch',
    idleMs: options.checkEveryMs ?? 3_600_000,
    /** Evaluates when a new UTC day began since the last evaluation (the first run: at start); returns 0 so the loop rests. */
    run: async (): Promise<number> => {
      if (evaluatedDay !== new Date(now()).toISOString().slice(0, 10)) await evaluate();
      return 0;
    },
    evaluate,
    readings: (): ClickShareReading[] => [...readings.values()],
  };
}

export type ClickShareWatch = ReturnType<typeof createClickShareWatch>;
