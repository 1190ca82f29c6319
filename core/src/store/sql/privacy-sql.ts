import { findOrderClickCapture } from '../../captures/click-captures.ts';
import type { SecretBox } from '../../crypto/secret-box.ts';
import { emailKey } from '../../ledger/customer-keys.ts';
import { type LedgerEntry, emptyLedgerEntry } from '../../ledger/order-lifecycle.ts';
import type { CustomerDataExport, CustomerRef, PersonalData } from '../../privacy/personal-data.ts';
import type { StoredExplainLine } from '../../mapping/explain-line.ts';
import {
  ERASED_WEBHOOK_BODY,
  exportNamesCustomer,
  exportedClickCapture,
  payloadNamesCustomer,
  personalFieldsSent,
  withoutCustomer,
  withoutCustomerFields,
  withoutCustomerLines,
  withoutDevice,
} from '../../privacy/personal-fields.ts';
import { createCapturesSql, toClickCapture } from './captures-sql.ts';
import type { SqlDriver, SqlExecutor } from './sql-driver.ts';
import { REDOABLE, json, marks, openedJson, orderOfEntry, sealedJson, sealedOrNull, stringOrNull } from './sql-values.ts';

/**
 * How many sealed rows an erasure opens at a time, reading a shop's rows in id order: a webhook body
 * may be 1 MB, so at most some 33 MB of sealed text are held at once (a few hundred KB for typical orders).
 */
const ERASURE_BATCH = 25;

/**
 * Customers' personal data over SQL: data-request exports, erasure, and the purge of raw payloads and
 * captures after the retention period. What is personal is decided in core/src/privacy; this file
 * finds the rows and writes back what those rules leave. Raw payloads, delivery fields, exports and a
 * capture's IP and user agent are sealed with `box` (the other ports seal them as they write): an
 * erasure opens them here, in batches, to find what names the customer.
 */
export function createPrivacySql(driver: SqlDriver, box: SecretBox): PersonalData {
  return {
    async exportCustomerData(shopId, customer, requestId, now) {
      return driver.transaction(async (tx) => {
        const orders = await customerOrders(tx, shopId, customer);
        const captures = createCapturesSql(tx, box);
        const exported: CustomerDataExport = {
          requestId,
          createdAt: now,
          customerId: customer.customerId,
          orders: await Promise.all(
            orders.map(async (order) => {
              const sent = await tx.query('SELECT p.fields_json FROM deliveries d JOIN delivery_payloads p ON p.delivery_id = d.id WHERE d.order_ref = ? ORDER BY d.id', [
                order.id,
              ]);
              const sentFields: Record<string, string> = {};
              for (const row of sent) Object.assign(sentFields, personalFieldsSent(openedJson<Record<string, string>>(box, row.fields_json, {})));
              const capture = await findOrderClickCapture(captures, shopId, order);
              return {
                platformOrderId: order.platformOrderId,
                impactOrderId: order.impactOrderId,
                status: order.status,
                sentFields,
                clickCapture: capture ? exportedClickCapture(capture) : null,
              };
            }),
          ),
        };
        await tx.run('INSERT INTO customer_data_exports (shop_id, request_id, export_json, created_at) VALUES (?, ?, ?, ?)', [shopId, requestId, sealedJson(box, exported), now]);
        return exported;
      });
    },

    async listCustomerDataExports(shopId) {
      return (await driver.query('SELECT export_json FROM customer_data_exports WHERE shop_id = ? ORDER BY id DESC', [shopId])).map((row) =>
        openedJson<CustomerDataExport>(box, row.export_json, { requestId: null, createdAt: 0, customerId: null, orders: [] }),
      );
    },

    async redactCustomer(shopId, customer, now) {
      return driver.transaction(async (tx) => {
        const orders = await customerOrders(tx, shopId, customer);
        for (const order of orders) {
          const entry = withoutCustomer(json<LedgerEntry>(order.entryJson, emptyLedgerEntry(order.platformOrderId)));
          const explain = withoutCustomerLines(json<StoredExplainLine[]>(order.explainJson, []), customer);
          await tx.run('UPDATE orders SET customer_id_key = NULL, customer_email_key = NULL, entry_json = ?, explain_json = ?, updated_at = ? WHERE id = ?', [
            JSON.stringify(entry),
            JSON.stringify(explain),
            now,
            order.id,
          ]);
          for (const row of await tx.query('SELECT p.delivery_id, p.fields_json FROM deliveries d JOIN delivery_payloads p ON p.delivery_id = d.id WHERE d.order_ref = ?', [order.id])) {
            const fields = withoutCustomerFields(openedJson<Record<string, string>>(box, row.fields_json, {}));
            if (fields) await tx.run('UPDATE delivery_payloads SET fields_json = ? WHERE delivery_id = ?', [sealedJson(box, fields), Number(row.delivery_id)]);
          }
          // Every capture that may be this customer's: the order's own checkout's, and any beacon that named the order.
          const captures = await tx.query('SELECT * FROM click_captures WHERE shop_id = ? AND (platform_order_id = ? OR checkout_token = ?)', [
            shopId,
            order.platformOrderId,
            order.checkoutToken,
          ]);
          for (const row of captures) {
            const kept = withoutDevice(toClickCapture(row, box));
            await tx.run('UPDATE click_captures SET click_id = ?, shared_id = ?, ip = ?, user_agent = ? WHERE id = ?', [
              kept.clickId,
              kept.sharedId,
              sealedOrNull(box, kept.ip),
              sealedOrNull(box, kept.userAgent),
              Number(row.id),
            ]);
          }
        }
        // Raw payloads that name the customer go: they hold the plain email and addresses. That includes
        // the privacy request itself (being processed), and any still waiting (for a configuration, a
        // click id): processed later, they would write the customer back into the ledger. Sealed, they
        // are opened here, the shop's a batch at a time.
        if (customer.customerId || customer.email) {
          const erased = box.seal(ERASED_WEBHOOK_BODY);
          await inBatches(
            (after) =>
              tx.query<{ id: number; sealed: string }>(
                `SELECT b.webhook_id AS id, b.body AS sealed FROM webhooks w JOIN webhook_bodies b ON b.webhook_id = w.id
                 WHERE w.shop_id = ? AND w.id > ? ORDER BY w.id LIMIT ?`,
                [shopId, after, ERASURE_BATCH],
              ),
            async (rows) => {
              const naming = rows.filter((row) => payloadNamesCustomer(box.open(String(row.sealed)), customer)).map((row) => Number(row.id));
              if (naming.length > 0) await tx.run(`UPDATE webhook_bodies SET body = ?, headers_json = '{}' WHERE webhook_id IN (${marks(naming)})`, [erased, ...naming]);
            },
          );
        }
        // Earlier data-request exports of this customer hold the same data.
        const orderIds = new Set(orders.map((order) => order.platformOrderId));
        await inBatches(
          (after) => tx.query<{ id: number; sealed: string }>('SELECT id, export_json AS sealed FROM customer_data_exports WHERE shop_id = ? AND id > ? ORDER BY id LIMIT ?', [shopId, after, ERASURE_BATCH]),
          async (rows) => {
            const naming = rows
              .filter((row) => exportNamesCustomer(openedJson<CustomerDataExport>(box, row.sealed, { requestId: null, createdAt: 0, customerId: null, orders: [] }), customer.customerId, orderIds))
              .map((row) => Number(row.id));
            if (naming.length > 0) await tx.run(`DELETE FROM customer_data_exports WHERE id IN (${marks(naming)})`, naming);
          },
        );
        return orders.length;
      });
    },

    async purgeExpired(before, limit) {
      return driver.transaction(async (tx) => {
        // Read in primary-key order, which is arrival order: the oldest come first, and when none has
        // expired the read stops after one batch of rows instead of scanning the table for a date.
        const webhooks = (
          await tx.query<{ id: number; received_at: number }>(
            "SELECT id, received_at FROM webhooks WHERE status IN ('done', 'failed') ORDER BY id LIMIT ?",
            [limit],
          )
        )
          .filter((row) => Number(row.received_at) < before)
          .map((row) => Number(row.id));
        if (webhooks.length > 0) {
          await tx.run(`DELETE FROM webhook_bodies WHERE webhook_id IN (${marks(webhooks)})`, webhooks);
          await tx.run(`DELETE FROM webhooks WHERE id IN (${marks(webhooks)})`, webhooks);
        }
        const captures = (await tx.query<{ id: number; captured_at: number }>('SELECT id, captured_at FROM click_captures ORDER BY id LIMIT ?', [limit]))
          .filter((row) => Number(row.captured_at) < before)
          .map((row) => Number(row.id));
        if (captures.length > 0) await tx.run(`DELETE FROM click_captures WHERE id IN (${marks(captures)})`, captures);
        return webhooks.length + captures.length;
      }, REDOABLE);
    },
  };
}

/**
 * Reads rows a batch at a time in id order, each batch after the last id of the one before (keyset,
 * so a batch costs the same however far the reading got), and hands each batch to `handle`.
 */
async function inBatches<Row extends { readonly id: number }>(read: (afterId: number) => Promise<Row[]>, handle: (rows: Row[]) => Promise<void>): Promise<void> {
  for (let after = 0; ; ) {
    const rows = await read(after);
    if (rows.length > 0) await handle(rows);
    if (rows.length < ERASURE_BATCH) return;
    after = Number(rows[rows.length - 1]!.id);
  }
}

/** The ledger rows of a customer: by platform customer id, by email (its hash, as stored), or named outright. */
async function customerOrders(tx: SqlExecutor, shopId: number, customer: CustomerRef) {
  const byId = customer.customerId ? await tx.query('SELECT * FROM orders WHERE shop_id = ? AND customer_id_key = ?', [shopId, customer.customerId]) : [];
  const byEmail = customer.email ? await tx.query('SELECT * FROM orders WHERE shop_id = ? AND customer_email_key = ?', [shopId, emailKey(customer.email)]) : [];
  const named = [];
  for (const platformOrderId of customer.platformOrderIds) {
    named.push(...(await tx.query('SELECT * FROM orders WHERE shop_id = ? AND platform_order_id = ?', [shopId, platformOrderId])));
  }
  const unique = new Map([...byId, ...byEmail, ...named].map((row) => [Number(row.id), row]));
  return [...unique.values()]
    .sort((a, b) => Number(a.id) - Number(b.id))
    .map((row) => ({
      id: Number(row.id),
      platformOrderId: String(row.platform_order_id),
      impactOrderId: stringOrNull(row.impact_order_id),
      status: String(row.status),
      checkoutToken: orderOfEntry(row.entry_json).checkoutToken,
      entryJson: row.entry_json,
      explainJson: row.explain_json,
    }));
}
