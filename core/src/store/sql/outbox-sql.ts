import type { SecretBox } from '../../crypto/secret-box.ts';
import { ENDED_BY_SHOP_CHANGE, deliveryWaitOf } from '../../delivery/delivery-wait.ts';
import type { DeliveryOutbox, DeliveryOutcome, DeliveryRow, DeliveryWait } from '../../delivery/outbox.ts';
import type { PlannedDelivery } from '../../ledger/order-lifecycle.ts';
import type { SqlDriver, SqlExecutor, SqlRow, SqlValue } from './sql-driver.ts';
import { REDOABLE, marks, numberOrNull, openedJson, sealedJson, skipLocked, stringOrNull } from './sql-values.ts';

/**
 * The delivery outbox over SQL: status rows in `deliveries`, fields apart in `delivery_payloads`
 * (schema.ts), sealed with `box`: they may name the customer (CustomerId, the email's hash, IpAddress,
 * UserAgent).
 */
export function createOutboxSql(driver: SqlDriver, box: SecretBox): DeliveryOutbox {
  return {
    async enqueueDeliveries(shopId, deliveries, now) {
      return driver.transaction(async (tx) => {
        const ids: number[] = [];
        for (const d of deliveries) ids.push(await insertDelivery(tx, box, shopId, null, d, d.availableAt, now));
        return ids;
      });
    },

    async claimDeliveries(limit, leaseMs, now) {
      return driver.transaction(async (tx) => {
        // An order's deliveries go out one at a time, in the order they were planned, each once impact.com
        // has processed the one before: it queues submissions, and a modification of an action it has
        // not created yet would fail there.
        const noEarlierOpen = `(d.order_ref IS NULL OR NOT EXISTS (
          SELECT 1 FROM deliveries e WHERE e.order_ref = d.order_ref AND e.id < d.id
            AND (e.status IN ('pending', 'inflight', 'dead') OR (e.status = 'done' AND e.submission_status = 'queued'))))`;
        // Leases that ran out first, then the oldest pending; each read in its index's order.
        const expired = await tx.query<{ id: number }>(
          `SELECT d.id FROM deliveries d WHERE d.status = 'inflight' AND d.lease_until < ? AND ${noEarlierOpen}
           ORDER BY d.lease_until LIMIT ?${skipLocked(driver.dialect)}`,
          [now, limit],
        );
        const pending =
          expired.length < limit
            ? await tx.query<{ id: number }>(
                `SELECT d.id FROM deliveries d WHERE d.status = 'pending' AND d.available_at <= ? AND ${noEarlierOpen}
                 ORDER BY d.available_at, d.id LIMIT ?${skipLocked(driver.dialect)}`,
                [now, limit - expired.length],
              )
            : [];
        const ids = [...expired, ...pending].map((r) => Number(r.id));
        if (ids.length === 0) return [];
        const rows = await tx.query(
          `UPDATE deliveries SET status = 'inflight', lease_until = ?, attempts = attempts + 1
           WHERE id IN (${marks(ids)}) RETURNING *`,
          [now + leaseMs, ...ids],
        );
        return (await withPayloads(tx, box, rows)).map(toDelivery).sort((a, b) => a.id - b.id);
      }, REDOABLE);
    },

    async recordDeliveryOutcomes(outcomes) {
      if (outcomes.length === 0) return;
      await driver.transaction(async (tx) => {
        for (const recorded of outcomes) {
          if ('held' in recorded) {
            await tx.run(
              "UPDATE deliveries SET status = 'pending', available_at = ?, waiting_for = ?, lease_until = NULL, last_error = ?, attempts = attempts - 1 WHERE id = ?",
              [recorded.held.until, deliveryWaitOf(recorded), recorded.held.reason, recorded.id],
            );
            continue;
          }
          const { id, outcome, attempt } = recorded;
          await tx.run(
            'INSERT INTO delivery_attempts (delivery_id, attempted_at, duration_ms, http_status, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)',
            [id, attempt.attemptedAt, Math.round(attempt.durationMs), attempt.httpStatus, outcome.status, attempt.detail],
          );
          await tx.run(...deliveryUpdate(id, outcome, attempt.attemptedAt, deliveryWaitOf(recorded)));
          if (outcome.status === 'done' && outcome.checkAt !== null) await holdLaterDeliveries(tx, id, outcome.checkAt);
        }
      }, REDOABLE);
    },

    async claimSubmissionChecks(limit, leaseMs, now) {
      return driver.transaction(async (tx) => {
        const ready = await tx.query<{ id: number }>(
          `SELECT id FROM deliveries
           WHERE status = 'done' AND submission_status = 'queued' AND available_at <= ? AND (lease_until IS NULL OR lease_until < ?)
           ORDER BY available_at LIMIT ?${skipLocked(driver.dialect)}`,
          [now, now, limit],
        );
        if (ready.length === 0) return [];
        const ids = ready.map((r) => Number(r.id));
        const rows = await tx.query(`UPDATE deliveries SET lease_until = ? WHERE id IN (${marks(ids)}) RETURNING *`, [now + leaseMs, ...ids]);
        return (await withPayloads(tx, box, rows)).map(toDelivery);
      }, REDOABLE);
    },

    async recordSubmissionCheck(id, check) {
      await driver.transaction(async (tx) => {
        if (check.status === 'pending') {
          await tx.run('UPDATE deliveries SET available_at = ?, lease_until = NULL WHERE id = ?', [check.checkAt, id]);
          await holdLaterDeliveries(tx, id, check.checkAt);
        } else {
          await tx.run('UPDATE deliveries SET submission_status = ?, submission_errors_json = ?, lease_until = NULL WHERE id = ?', [
            check.status,
            check.status === 'error' ? JSON.stringify(check.errors) : null,
            id,
          ]);
        }
      }, REDOABLE);
    },

    async releaseDeliveries(shopId, now) {
      return driver.run(
        `UPDATE deliveries SET available_at = ?, waiting_for = NULL
         WHERE shop_id = ? AND status = 'pending' AND available_at > ? AND waiting_for IN (${marks(ENDED_BY_SHOP_CHANGE)})`,
        [now, shopId, now, ...ENDED_BY_SHOP_CHANGE],
      );
    },

    async requeueDeadDeliveries(shopId, now) {
      return driver.run(
        `UPDATE deliveries SET status = 'pending', available_at = ?, waiting_for = NULL, lease_until = NULL, last_error = NULL
         WHERE status = 'dead'${shopId === null ? '' : ' AND shop_id = ?'}`,
        shopId === null ? [now] : [now, shopId],
      );
    },
  };
}

/**
 * Queues an order's planned deliveries inside the caller's transaction (the ledger's, which planned
 * them). `orderSentBefore`: a change planned while an earlier submission of the order is still being
 * processed is due no sooner than that submission's next check (an order's first conversion has
 * nothing to wait for, and spares the query).
 */
export async function enqueueOrderDeliveries(
  tx: SqlExecutor,
  box: SecretBox,
  shopId: number,
  orderRef: number,
  deliveries: readonly PlannedDelivery[],
  options: { readonly now: number; readonly orderSentBefore: boolean },
): Promise<void> {
  if (deliveries.length === 0) return;
  const [waiting] = options.orderSentBefore
    ? await tx.query<{ held_until: number | null }>(
        "SELECT MAX(available_at) AS held_until FROM deliveries WHERE order_ref = ? AND status = 'done' AND submission_status = 'queued'",
        [orderRef],
      )
    : [];
  const availableAt = Math.max(options.now, Number(waiting?.held_until ?? 0));
  for (const delivery of deliveries) await insertDelivery(tx, box, shopId, orderRef, delivery, availableAt, options.now);
}

async function insertDelivery(
  tx: SqlExecutor,
  box: SecretBox,
  shopId: number,
  orderRef: number | null,
  delivery: PlannedDelivery,
  availableAt: number,
  now: number,
): Promise<number> {
  const [row] = await tx.query<{ id: number }>(
    `INSERT INTO deliveries (shop_id, order_ref, kind, method, path, available_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    [shopId, orderRef, delivery.kind, delivery.method, delivery.path, availableAt, now],
  );
  await tx.run('INSERT INTO delivery_payloads (delivery_id, fields_json) VALUES (?, ?)', [row!.id as number, sealedJson(box, delivery.fields)]);
  return Number(row!.id);
}

/**
 * An order's later, untried deliveries wait for `id`'s submission check: due no sooner than `until`,
 * they stay out of the claims' way (which would otherwise re-read them on every claim) until then.
 */
async function holdLaterDeliveries(tx: SqlExecutor, id: number, until: number): Promise<void> {
  await tx.run(
    `UPDATE deliveries SET available_at = ?
     WHERE order_ref = (SELECT order_ref FROM deliveries WHERE id = ?) AND id > ? AND status = 'pending' AND attempts = 0 AND available_at < ?`,
    [until, id, id, until],
  );
}

/** Adds each delivery row's fields from delivery_payloads, opened (toDelivery reads them). */
async function withPayloads(tx: SqlExecutor, box: SecretBox, rows: SqlRow[]): Promise<SqlRow[]> {
  if (rows.length === 0) return rows;
  const ids = rows.map((row) => Number(row.id));
  const payloads = await tx.query(`SELECT delivery_id, fields_json FROM delivery_payloads WHERE delivery_id IN (${marks(ids)})`, ids);
  const byId = new Map(payloads.map((p) => [Number(p.delivery_id), p.fields_json]));
  return rows.map((row) => ({ ...row, fields: openedJson(box, byId.get(Number(row.id)), {}) }));
}

function deliveryUpdate(id: number, outcome: DeliveryOutcome, at: number, wait: DeliveryWait | null): [string, SqlValue[]] {
  switch (outcome.status) {
    case 'done':
      return [
        `UPDATE deliveries SET status = 'done', queued_uri = ?, submission_status = ?, available_at = ?, lease_until = NULL, completed_at = ?, last_error = NULL WHERE id = ?`,
        [outcome.queuedUri, outcome.queuedUri && outcome.checkAt !== null ? 'queued' : null, outcome.checkAt ?? at, at, id],
      ];
    case 'retry':
      return [
        `UPDATE deliveries SET status = 'pending', available_at = ?, waiting_for = ?, lease_until = NULL, last_error = ?${outcome.uncounted ? ', attempts = attempts - 1' : ''} WHERE id = ?`,
        [outcome.availableAt, wait, outcome.error, id],
      ];
    case 'rejected':
    case 'dead':
      return [`UPDATE deliveries SET status = ?, lease_until = NULL, last_error = ?, completed_at = ? WHERE id = ?`, [outcome.status, outcome.error, at, id]];
  }
}

/** A delivery row with its fields opened (withPayloads, or the read side's join). */
export function toDelivery(row: SqlRow): DeliveryRow {
  return {
    id: Number(row.id),
    shopId: Number(row.shop_id),
    orderRef: numberOrNull(row.order_ref),
    kind: String(row.kind) as DeliveryRow['kind'],
    method: String(row.method) as DeliveryRow['method'],
    path: String(row.path),
    fields: (row.fields ?? {}) as DeliveryRow['fields'],
    attempts: Number(row.attempts),
    queuedUri: stringOrNull(row.queued_uri),
  };
}
