import type { ClickCaptureStatus } from '../admin/home.ts';
import type { ShopCursors } from '../shops/shop-cursors.ts';
import type { Shop } from '../shops/shop-directory.ts';

/** The cursor that holds how the shop's click capture was last set up (Shopify's pixel, BigCommerce's scripts, WooCommerce's plugin). */
const CLICK_CAPTURE_CURSOR = 'click_capture';

interface RecordedSetUp {
  readonly ok: boolean;
  readonly detail: string;
  /** When (ISO-8601). */
  readonly at: string;
}

/**
 * Keeps the outcome of the platform's last click-capture set-up, so that Home shows it without
 * asking the platform on every opening of the page.
 */
export async function recordClickCaptureSetUp(store: Pick<ShopCursors, 'saveCursor'>, shop: Pick<Shop, 'id'>, outcome: { readonly ok: boolean; readonly detail: string }, now: number): Promise<void> {
  const recorded: RecordedSetUp = { ok: outcome.ok, detail: outcome.detail, at: new Date(now).toISOString() };
  await store.saveCursor(shop.id, CLICK_CAPTURE_CURSOR, JSON.stringify(recorded), now);
}

/** The last recorded set-up as Home shows it; `notYet` when none was recorded (a shop set up before this was kept). */
export async function readClickCaptureStatus(store: Pick<ShopCursors, 'readCursor'>, shop: Pick<Shop, 'id'>, label: string, notYet: string): Promise<ClickCaptureStatus> {
  const saved = await store.readCursor(shop.id, CLICK_CAPTURE_CURSOR);
  if (!saved) return { label, active: false, detail: notYet };
  const recorded = JSON.parse(saved) as RecordedSetUp;
  return { label, active: recorded.ok, detail: recorded.detail };
}
