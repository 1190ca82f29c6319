import type { SecretBox } from '../../crypto/secret-box.ts';
import type { LedgerTransaction, OrderLedger } from '../../ledger/order-ledger.ts';
import { type LedgerEntry, emptyLedgerEntry } from '../../ledger/order-lifecycle.ts';
import { markWebhooksDone } from './inbox-sql.ts';
import { enqueueOrderDeliveries } from './outbox-sql.ts';
import type { SqlDriver, SqlExecutor } from './sql-driver.ts';
import { REDOABLE, isUniqueViolation } from './sql-values.ts';

/**
 * The order ledger over SQL: one `orders` row per (shop, platform order), its entry as JSON beside
 * the columns the queries and indexes read. It stores what the use case (apply-order-events.ts) hands
 * it, the order as the ledger keeps it (no plain personal data: ledger/kept-order.ts); it plans
 * nothing. The deliveries it enqueues are sealed with `box`, as the outbox's are.
 */
export function createLedgerSql(driver: SqlDriver, box: SecretBox): OrderLedger {
  return {
    withOrders: (work) => driver.transaction((tx) => work(ledgerTransaction(tx, box)), REDOABLE),
  };
}

function ledgerTransaction(tx: SqlExecutor, box: SecretBox): LedgerTransaction {
  return {
    async savepoint<T extends { readonly ok: boolean }>(step: () => Promise<T>, ifThrown: (error: unknown) => T): Promise<T> {
      await tx.run('SAVEPOINT order_event');
      const settled = await step().then(
        (value): { readonly value: T } => ({ value }),
        (thrown: unknown) => ({ thrown }),
      );
      // A failure of the rollback itself is the transaction's (a lost connection): it ends the whole batch.
      if ('thrown' in settled) {
        await tx.run('ROLLBACK TO SAVEPOINT order_event');
        return ifThrown(settled.thrown);
      }
      await tx.run(settled.value.ok ? 'RELEASE SAVEPOINT order_event' : 'ROLLBACK TO SAVEPOINT order_event');
      return settled.value;
    },

    async lockEntry(shopId, platformOrderId, now) {
      // Creates the ledger row or touches the existing one; either way returns it, locked (Postgres) until commit.
      const [row] = await tx.query(
        `INSERT INTO orders (shop_id, platform_order_id, entry_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (shop_id, platform_order_id) DO UPDATE SET updated_at = excluded.updated_at
         RETURNING id, entry_json`,
        [shopId, platformOrderId, JSON.stringify(emptyLedgerEntry(platformOrderId)), now, now],
      );
      return { shopId, ref: Number(row!.id), entry: JSON.parse(String(row!.entry_json)) as LedgerEntry };
    },

    async customerConvertedBefore(order, customer) {
      if (!customer.idKey && !customer.emailKey) return false;
      // Two EXISTS, each served by its own partial index (an OR in one WHERE would scan the shop's orders).
      const [found] = await tx.query<{ found: unknown }>(
        `SELECT EXISTS (SELECT 1 FROM orders WHERE shop_id = ? AND customer_id_key = ? AND status <> 'none' AND id <> ?)
             OR EXISTS (SELECT 1 FROM orders WHERE shop_id = ? AND customer_email_key = ? AND status <> 'none' AND id <> ?) AS found`,
        [order.shopId, customer.idKey, order.ref, order.shopId, customer.emailKey, order.ref],
      );
      return found?.found === true || Number(found?.found) === 1;
    },

    async saveEntry(order, saved, now) {
      const sent = saved.entry.sent;
      try {
        await tx.run(
          `UPDATE orders SET status = ?, action_tracker_id = ?, impact_order_id = ?, customer_id_key = ?, customer_email_key = ?,
             entry_json = ?, explain_json = ?, order_number = ?, click_id = ?, promo_codes = ?, updated_at = ? WHERE id = ?`,
          [
            sent.status,
            sent.status === 'none' ? null : sent.actionTrackerId,
            sent.status === 'none' ? null : sent.orderId,
            saved.customer.idKey,
            saved.customer.emailKey,
            JSON.stringify(saved.entry),
            JSON.stringify(saved.explain),
            saved.search.orderNumber,
            saved.search.clickId,
            saved.search.promoCodes,
            now,
            order.ref,
          ],
        );
      } catch (error) {
        // orders_impact_key: one order per (shop, action tracker, impact.com OrderId).
        if (isUniqueViolation(error)) return 'order_id_taken';
        throw error;
      }
      return 'saved';
    },

    enqueueDeliveries: (order, deliveries, options) => enqueueOrderDeliveries(tx, box, order.shopId, order.ref, deliveries, options),

    markWebhooksDone: (webhooks, now) => markWebhooksDone(tx, webhooks, now),
  };
}
