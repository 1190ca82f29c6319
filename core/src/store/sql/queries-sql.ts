import type { SecretBox } from '../../crypto/secret-box.ts';
import type { DeliveryListing } from '../../delivery/outbox.ts';
import type { OrderListing } from '../../ledger/order-listing.ts';
import type { RelayQueries } from '../relay-queries.ts';
import { toDelivery } from './outbox-sql.ts';
import type { SqlDriver, SqlRow, SqlValue } from './sql-driver.ts';
import { json, marks, numberOrNull, openedJson, orderOfEntry, stringOrNull } from './sql-values.ts';

/** The read side over SQL: orders, deliveries and queue depths as the admin page and the command show them. Delivery fields are opened with `box`. */
export function createQueriesSql(driver: SqlDriver, box: SecretBox): RelayQueries {
  return {
    async listOrders(shopId, filter) {
      const where = ['shop_id = ?'];
      const params: SqlValue[] = [shopId];
      if (filter.since !== undefined) {
        where.push('created_at >= ?');
        params.push(filter.since);
      }
      if (filter.status) {
        where.push('status = ?');
        params.push(filter.status);
      }
      const rows = await driver.query(`SELECT * FROM orders WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`, [...params, filter.limit ?? 100]);
      return rows.map(toOrderListing);
    },

    async orderStatus(shopId, platformOrderId) {
      const [row] = await driver.query('SELECT status FROM orders WHERE shop_id = ? AND platform_order_id = ?', [shopId, platformOrderId]);
      return row ? (String(row.status) as OrderListing['status']) : null;
    },

    async listDeliveries(shopId, filter) {
      const where = ['d.shop_id = ?'];
      const params: SqlValue[] = [shopId];
      if (filter.orderRef !== undefined) {
        where.push(filter.orderRef === null ? 'd.order_ref IS NULL' : 'd.order_ref = ?');
        if (filter.orderRef !== null) params.push(filter.orderRef);
      }
      if (filter.since !== undefined) {
        where.push('d.created_at >= ?');
        params.push(filter.since);
      }
      const deliveries = await driver.query(
        `SELECT d.*, p.fields_json FROM deliveries d JOIN delivery_payloads p ON p.delivery_id = d.id WHERE ${where.join(' AND ')} ORDER BY d.id`,
        params,
      );
      if (deliveries.length === 0) return [];
      const ids = deliveries.map((d) => Number(d.id));
      const attempts = await driver.query(`SELECT * FROM delivery_attempts WHERE delivery_id IN (${marks(ids)}) ORDER BY id`, ids);
      return deliveries.map((row) =>
        toDeliveryListing(
          { ...row, fields: openedJson(box, row.fields_json, {}) },
          attempts.filter((a) => Number(a.delivery_id) === Number(row.id)),
        ),
      );
    },

    async queueDepth() {
      const [row] = await driver.query<{ webhooks: number; deliveries: number; dead: number }>(
        `SELECT
           (SELECT COUNT(*) FROM webhooks WHERE status = 'pending') + (SELECT COUNT(*) FROM webhooks WHERE status = 'processing') AS webhooks,
           (SELECT COUNT(*) FROM deliveries WHERE status = 'pending') + (SELECT COUNT(*) FROM deliveries WHERE status = 'inflight') AS deliveries,
           (SELECT COUNT(*) FROM deliveries WHERE status = 'dead') AS dead`,
      );
      return { webhooks: Number(row?.webhooks ?? 0), deliveries: Number(row?.deliveries ?? 0), dead: Number(row?.dead ?? 0) };
    },
  };
}

function toOrderListing(row: SqlRow): OrderListing {
  return {
    id: Number(row.id),
    platformOrderId: String(row.platform_order_id),
    status: String(row.status) as OrderListing['status'],
    actionTrackerId: stringOrNull(row.action_tracker_id),
    impactOrderId: stringOrNull(row.impact_order_id),
    ...orderOfEntry(row.entry_json),
    explain: json<string[]>(row.explain_json, []),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toDeliveryListing(row: SqlRow, attempts: SqlRow[]): DeliveryListing {
  return {
    ...toDelivery(row),
    status: String(row.status) as DeliveryListing['status'],
    availableAt: Number(row.available_at),
    lastError: stringOrNull(row.last_error),
    submissionStatus: stringOrNull(row.submission_status),
    submissionErrors: row.submission_errors_json ? json<unknown[]>(row.submission_errors_json, []) : null,
    createdAt: Number(row.created_at),
    completedAt: numberOrNull(row.completed_at),
    attemptLog: attempts.map((a) => ({
      attemptedAt: Number(a.attempted_at),
      durationMs: Number(a.duration_ms),
      httpStatus: numberOrNull(a.http_status),
      detail: `${String(a.outcome)}${a.detail ? `: ${String(a.detail)}` : ''}`,
    })),
  };
}
