import type { ClickCapture, ClickCaptures } from '../../captures/click-captures.ts';
import type { SecretBox } from '../../crypto/secret-box.ts';
import type { ShopCursors } from '../../shops/shop-cursors.ts';
import type { SqlExecutor, SqlRow } from './sql-driver.ts';
import { openedOrNull, sealedOrNull, stringOrNull } from './sql-values.ts';

/**
 * Click captures and shop cursors over SQL: the store apps' own data. Over any executor, so that a
 * transaction of another port (a data-request export) reads captures as this port does. A capture's
 * IP and user agent are the shopper's: sealed with `box` (only a data-request export shows them).
 */
export function createCapturesSql(db: SqlExecutor, box: SecretBox): ClickCaptures & ShopCursors {
  return {
    async recordClickCapture(capture) {
      // A checkout's first capture is kept by the unique index.
      const inserted = await db.run(
        `INSERT INTO click_captures (shop_id, platform_order_id, checkout_token, click_id, shared_id, source, ip, user_agent, captured_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [
          capture.shopId,
          capture.platformOrderId,
          capture.checkoutToken,
          capture.clickId,
          capture.sharedId,
          capture.source,
          sealedOrNull(box, capture.ip),
          sealedOrNull(box, capture.userAgent),
          capture.capturedAt,
        ],
      );
      return inserted > 0 ? 'recorded' : 'already_captured';
    },

    async findClickCapture(shopId, checkoutToken) {
      const [row] = await db.query('SELECT * FROM click_captures WHERE shop_id = ? AND checkout_token = ?', [shopId, checkoutToken]);
      return row ? toClickCapture(row, box) : null;
    },

    async readCursor(shopId, name) {
      const [row] = await db.query('SELECT value FROM shop_cursors WHERE shop_id = ? AND name = ?', [shopId, name]);
      return row ? String(row.value) : null;
    },

    async saveCursor(shopId, name, value, now) {
      await db.run(
        `INSERT INTO shop_cursors (shop_id, name, value, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (shop_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, lease_until = NULL`,
        [shopId, name, value, now],
      );
    },

    async leaseCursor(shopId, name, leaseMs, now) {
      const [row] = await db.query(
        'UPDATE shop_cursors SET lease_until = ? WHERE shop_id = ? AND name = ? AND (lease_until IS NULL OR lease_until < ?) RETURNING value',
        [now + leaseMs, shopId, name, now],
      );
      return row ? String(row.value) : null;
    },
  };
}

export function toClickCapture(row: SqlRow, box: SecretBox): ClickCapture {
  return {
    shopId: Number(row.shop_id),
    platformOrderId: stringOrNull(row.platform_order_id),
    checkoutToken: String(row.checkout_token),
    clickId: String(row.click_id),
    sharedId: stringOrNull(row.shared_id),
    source: String(row.source),
    ip: openedOrNull(box, row.ip),
    userAgent: openedOrNull(box, row.user_agent),
    capturedAt: Number(row.captured_at),
  };
}
