import type { SecretBox } from '../../crypto/secret-box.ts';
import type { DeliveryListing } from '../../delivery/outbox.ts';
import type { LedgerEntry } from '../../ledger/order-lifecycle.ts';
import type { OrderListing } from '../../ledger/order-listing.ts';
import type { StoredExplainLine } from '../../mapping/explain-line.ts';
import { CLICK_WAIT_PREFIX } from '../../webhooks/click-wait-outcome.ts';
import type { ConversionFields } from '../../mapping/conversion.ts';
import type { OrderAttributionRow, RelayQueries } from '../relay-queries.ts';
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

    async ordersInLedger(shopId, platformOrderIds) {
      if (platformOrderIds.length === 0) return new Set<string>();
      const rows = await driver.query(`SELECT platform_order_id FROM orders WHERE shop_id = ? AND platform_order_id IN (${marks(platformOrderIds)})`, [shopId, ...platformOrderIds]);
      return new Set(rows.map((row) => String(row.platform_order_id)));
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

    async listRecentOrders(shopId, filter) {
      const where = ['shop_id = ?'];
      const params: SqlValue[] = [shopId];
      if (filter.before) {
        where.push('(created_at < ? OR (created_at = ? AND id < ?))');
        params.push(filter.before.createdAt, filter.before.createdAt, filter.before.id);
      }
      const search = filter.search?.trim();
      if (search) {
        const text = likeEscaped(search.toLowerCase());
        const number = likeEscaped(search.replace(/^#/, '').toLowerCase());
        // Codes are stored lower-cased, each between newlines (ledger/order-search.ts): a whole code, any case.
        where.push(
          `(LOWER(platform_order_id) LIKE ? ESCAPE '\\' OR LOWER(order_number) LIKE ? ESCAPE '\\' OR click_id LIKE ? ESCAPE '\\' OR promo_codes LIKE ? ESCAPE '\\')`,
        );
        params.push(`${text}%`, `${number}%`, `${likeEscaped(search)}%`, `%\n${text}\n%`);
      }
      const rows = await driver.query(`SELECT * FROM orders WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ?`, [...params, filter.limit]);
      return rows.map((row) => ({ ...toOrderListing(row), order: json<LedgerEntry | null>(row.entry_json, null)?.order ?? null }));
    },

    async listClickWaits(shopId, limit) {
      const rows = await driver.query(
        `SELECT id, received_at, outcome FROM webhooks WHERE shop_id = ? AND status = 'pending' AND outcome LIKE ? ORDER BY received_at DESC, id DESC LIMIT ?`,
        [shopId, `${CLICK_WAIT_PREFIX}%`, limit],
      );
      return rows.map((row) => ({ webhookId: Number(row.id), receivedAt: Number(row.received_at), outcome: String(row.outcome) }));
    },

    async lastWebhook(shopId) {
      const [row] = await driver.query('SELECT topic, received_at FROM webhooks WHERE shop_id = ? ORDER BY received_at DESC, id DESC LIMIT 1', [shopId]);
      return row ? { topic: String(row.topic), receivedAt: Number(row.received_at) } : null;
    },

    async listOrderAttribution(shopId, since) {
      // Each order's latest conversion, found through deliveries_order (order_ref, id).
      const rows = await driver.query(
        `SELECT o.id, o.created_at, o.entry_json, d.status, d.submission_status, d.submission_errors_json, p.fields_json
         FROM orders o
         LEFT JOIN deliveries d ON d.id = (SELECT MAX(c.id) FROM deliveries c WHERE c.order_ref = o.id AND c.kind = 'conversion')
         LEFT JOIN delivery_payloads p ON p.delivery_id = d.id
         WHERE o.shop_id = ? AND o.created_at >= ? ORDER BY o.created_at, o.id`,
        [shopId, since],
      );
      return rows.map((row): OrderAttributionRow => {
        const order = json<LedgerEntry | null>(row.entry_json, null)?.order ?? null;
        const fields = row.status === null || row.status === undefined ? null : openedJson<ConversionFields>(box, row.fields_json, {});
        return {
          orderRef: Number(row.id),
          createdAt: Number(row.created_at),
          order: order && { landingUrl: order.landingUrl, attributes: order.attributes, capturedClickId: order.capturedClickId ?? null, capturedClickSource: order.capturedClickSource ?? null },
          conversion: fields && {
            status: String(row.status) as DeliveryListing['status'],
            submissionStatus: stringOrNull(row.submission_status),
            submissionErrors: row.submission_errors_json ? json<unknown[]>(row.submission_errors_json, []) : null,
            clickId: fields.ClickId ?? null,
            mediaPartnerId: fields.MediaPartnerId ?? null,
            orderPromoCode: fields.OrderPromoCode ?? null,
          },
        };
      });
    },

    async listImpactAnswers(shopId, since, limit) {
      const rows = await driver.query(
        `SELECT a.delivery_id, a.attempted_at, a.http_status, d.submission_status, d.submission_errors_json
         FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
         WHERE d.shop_id = ? AND a.attempted_at >= ? ORDER BY a.attempted_at DESC, a.id DESC LIMIT ?`,
        [shopId, since, limit],
      );
      return rows.map((row) => ({
        deliveryId: Number(row.delivery_id),
        attemptedAt: Number(row.attempted_at),
        httpStatus: numberOrNull(row.http_status),
        submissionStatus: stringOrNull(row.submission_status),
        submissionErrors: row.submission_errors_json ? json<unknown[]>(row.submission_errors_json, []) : null,
      }));
    },
  };
}

/** A search text as a LIKE pattern matches it literally: its %, _ and \\ escaped. */
const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function toOrderListing(row: SqlRow): OrderListing {
  return {
    id: Number(row.id),
    platformOrderId: String(row.platform_order_id),
    status: String(row.status) as OrderListing['status'],
    actionTrackerId: stringOrNull(row.action_tracker_id),
    impactOrderId: stringOrNull(row.impact_order_id),
    ...orderOfEntry(row.entry_json),
    explain: json<StoredExplainLine[]>(row.explain_json, []),
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
