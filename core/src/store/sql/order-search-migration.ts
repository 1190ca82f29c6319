import { DEFAULT_CLICK_ID_PARAM } from '../../config/tracking-config.ts';
import { orderSearchKeys } from '../../ledger/order-search.ts';
import type { LedgerEntry } from '../../ledger/order-lifecycle.ts';
import type { SqlExecutor } from './sql-driver.ts';
import { json } from './sql-values.ts';

/**
 * 13. What the admin page's recent actions read: the order's number, the click id found on it and its
 * codes, as columns a search reads (ledger/order-search.ts), and an index that pages a shop's orders
 * newest first. Existing rows get theirs from their ledger entries (which hold no personal data), with
 * their shop's click-id parameter.
 */
export async function addOrderSearch(tx: SqlExecutor): Promise<void> {
  for (const statement of [
    'ALTER TABLE orders ADD COLUMN order_number TEXT',
    'ALTER TABLE orders ADD COLUMN click_id TEXT',
    'ALTER TABLE orders ADD COLUMN promo_codes TEXT',
    'CREATE INDEX orders_recent ON orders (shop_id, created_at, id)',
  ])
    await tx.run(statement);
  const params = new Map<number, string>();
  for (const shop of await tx.query('SELECT id, config_json FROM shops')) {
    params.set(Number(shop.id), json<{ clickIdParam?: string } | null>(shop.config_json, null)?.clickIdParam ?? DEFAULT_CLICK_ID_PARAM);
  }
  for (const row of await tx.query('SELECT id, shop_id, entry_json FROM orders')) {
    const entry = json<LedgerEntry | null>(row.entry_json, null);
    const keys = orderSearchKeys(entry?.order ?? null, params.get(Number(row.shop_id)) ?? DEFAULT_CLICK_ID_PARAM);
    if (!keys.orderNumber && !keys.clickId && !keys.promoCodes) continue;
    await tx.run('UPDATE orders SET order_number = ?, click_id = ?, promo_codes = ? WHERE id = ?', [keys.orderNumber, keys.clickId, keys.promoCodes, Number(row.id)]);
  }
}
