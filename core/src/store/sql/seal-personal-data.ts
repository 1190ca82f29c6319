import { readStoredTrackingConfig } from '../../config/stored-config.ts';
import { DEFAULT_CLICK_ID_PARAM } from '../../config/tracking-config.ts';
import type { SecretBox } from '../../crypto/secret-box.ts';
import { keptEntry } from '../../ledger/kept-order.ts';
import type { LedgerEntry } from '../../ledger/order-lifecycle.ts';
import type { SqlExecutor } from './sql-driver.ts';
import { sealedOrNull } from './sql-values.ts';

/**
 * Rows rewritten at a time: each table is read in key order, a batch after the last key of the one
 * before. Webhook bodies take up to 1 MB each: fewer of them at once.
 */
const BATCH = 500;
const BODY_BATCH = 25;

/**
 * No plain personal data at rest, for rows written before it was so: raw webhook bodies, delivery
 * fields, data-request exports and click captures' IPs and user agents are sealed with the store's
 * box, as the store now writes them; ledger entries keep of their order only what the ledger keeps
 * (ledger/kept-order.ts: no plain email, IP or user agent), by the click id parameter of their shop's
 * configuration. On SQLite the store then rebuilds the file (sql-store.ts migrate), so that the old
 * bytes do not stay in its free pages. A data migration (schema.ts), run in the migration's transaction.
 */
export async function sealPersonalData(tx: SqlExecutor, box: SecretBox): Promise<void> {
  const seal = (plain: string) => box.seal(plain);
  await rewriteColumn(tx, { table: 'webhook_bodies', key: 'webhook_id', column: 'body', batch: BODY_BATCH }, seal);
  await rewriteColumn(tx, { table: 'delivery_payloads', key: 'delivery_id', column: 'fields_json', batch: BATCH }, seal);
  await rewriteColumn(tx, { table: 'customer_data_exports', key: 'id', column: 'export_json', batch: BATCH }, seal);
  await sealCaptureDevices(tx, box);
  const clickIdParams = new Map<number, string>();
  for (const row of await tx.query('SELECT id, config_json FROM shops')) {
    const config = row.config_json === 'null' ? null : readStoredTrackingConfig(String(row.config_json));
    clickIdParams.set(Number(row.id), config?.clickIdParam ?? DEFAULT_CLICK_ID_PARAM);
  }
  await forEachBatch(
    BATCH,
    (after) => tx.query<{ key: number; shop_id: number; entry_json: string }>('SELECT id AS key, shop_id, entry_json FROM orders WHERE id > ? ORDER BY id LIMIT ?', [after, BATCH]),
    async (row) => {
      const entry = keptEntry(JSON.parse(String(row.entry_json)) as LedgerEntry, clickIdParams.get(Number(row.shop_id)) ?? DEFAULT_CLICK_ID_PARAM);
      await tx.run('UPDATE orders SET entry_json = ? WHERE id = ?', [JSON.stringify(entry), Number(row.key)]);
    },
  );
}

/** Replaces every value of a column with `rewrite(value)`, a batch of rows at a time. */
async function rewriteColumn(tx: SqlExecutor, at: { table: string; key: string; column: string; batch: number }, rewrite: (value: string) => string): Promise<void> {
  await forEachBatch(
    at.batch,
    (after) => tx.query<{ key: number; value: string }>(`SELECT ${at.key} AS key, ${at.column} AS value FROM ${at.table} WHERE ${at.key} > ? ORDER BY ${at.key} LIMIT ?`, [after, at.batch]),
    async (row) => {
      await tx.run(`UPDATE ${at.table} SET ${at.column} = ? WHERE ${at.key} = ?`, [rewrite(String(row.value)), Number(row.key)]);
    },
  );
}

async function sealCaptureDevices(tx: SqlExecutor, box: SecretBox): Promise<void> {
  await forEachBatch(
    BATCH,
    (after) =>
      tx.query<{ key: number; ip: string | null; user_agent: string | null }>(
        'SELECT id AS key, ip, user_agent FROM click_captures WHERE id > ? ORDER BY id LIMIT ?',
        [after, BATCH],
      ),
    async (row) => {
      if (row.ip === null && row.user_agent === null) return;
      await tx.run('UPDATE click_captures SET ip = ?, user_agent = ? WHERE id = ?', [sealedOrNull(box, row.ip), sealedOrNull(box, row.user_agent), Number(row.key)]);
    },
  );
}

/** Reads rows in key order a batch at a time (keyset: each read starts after the last key) and hands each row to `each`. */
async function forEachBatch<Row extends { readonly key: number }>(batch: number, read: (afterKey: number) => Promise<Row[]>, each: (row: Row) => Promise<void>): Promise<void> {
  for (let after = 0; ; ) {
    const rows = await read(after);
    for (const row of rows) await each(row);
    if (rows.length < batch) return;
    after = Number(rows[rows.length - 1]!.key);
  }
}
