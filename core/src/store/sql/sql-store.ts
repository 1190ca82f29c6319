import { TrackingConfigSchema } from '../../config/tracking-config.ts';
import { customerKeys, emailKey } from '../../ledger/customer-keys.ts';
import { type LedgerEntry, type LifecyclePlan, emptyLedgerEntry, planOrderEvent } from '../../ledger/order-lifecycle.ts';
import type {
  AppSession,
  ApplyOrderEvent,
  ApplyOrderResult,
  ClickCapture,
  CustomerDataExport,
  CustomerRef,
  DeliveryListing,
  DeliveryOutcome,
  DeliveryRow,
  NewShop,
  NewWebhook,
  OrderListing,
  ShopRow,
  Store,
} from '../store.ts';
import { migrations } from './schema.ts';
import type { SqlDriver, SqlExecutor, SqlRow, SqlValue } from './sql-driver.ts';

/** Transactions the relay can redo if a power cut undoes them: their commits need not wait for the disk (ADR 5). */
const REDOABLE = { durable: false } as const;

/**
 * The Store over a SQL driver; the same statements serve SQLite and PostgreSQL. `inboxWriter`, when
 * given, takes over webhook inserts (SQLite's writer thread).
 */
export function createSqlStore(
  driver: SqlDriver,
  options: { inboxWriter?: { insert(webhooks: readonly NewWebhook[]): Promise<Array<'stored' | 'duplicate'>>; close(): Promise<void> } } = {},
): Store {
  const postgres = driver.dialect === 'postgres';
  /** Claims skip rows another Postgres process holds; SQLite's write transaction already excludes other writers. */
  const skipLocked = postgres ? ' FOR UPDATE SKIP LOCKED' : '';

  const store: Store = {
    dialect: driver.dialect,

    async migrate() {
      await driver.transaction(async (tx) => {
        // Several processes may start at once against one Postgres: the first migrates, the others wait.
        if (postgres) await tx.query('SELECT pg_advisory_xact_lock(4242001)');
        await tx.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
        const applied = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
        const steps = migrations(driver.dialect);
        for (const [index, step] of steps.entries()) {
          const version = index + 1;
          if (applied.has(version)) continue;
          for (const statement of step) await tx.run(statement);
          await tx.run('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [version, Date.now()]);
        }
      });
    },

    async close() {
      await options.inboxWriter?.close();
      await driver.close();
    },

    async addShop(shop, now) {
      const [row] = await driver.query(
        `INSERT INTO shops (platform, shop_key, active, config_json, impact_account_sid, impact_auth_token_sealed, webhook_secret_sealed, access_token_sealed, created_at, updated_at, installed_at)
         VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        [shop.platform, shop.shopKey, JSON.stringify(shop.config), shop.impactAccountSid ?? '', shop.impactAuthTokenSealed ?? '', shop.webhookSecretSealed, shop.accessTokenSealed, now, now, now],
      );
      return toShop(row!);
    },

    async findShop(platform, shopKey) {
      const [row] = await driver.query('SELECT * FROM shops WHERE platform = ? AND shop_key = ?', [platform, shopKey]);
      return row ? toShop(row) : null;
    },

    async getShop(id) {
      const [row] = await driver.query('SELECT * FROM shops WHERE id = ?', [id]);
      return row ? toShop(row) : null;
    },

    async listShops() {
      return (await driver.query('SELECT * FROM shops ORDER BY id')).map(toShop);
    },

    async updateShop(id, patch, now) {
      const columns: Array<[string, SqlValue]> = [];
      if (patch.config !== undefined) columns.push(['config_json', JSON.stringify(patch.config)]);
      if (patch.active !== undefined) columns.push(['active', patch.active ? 1 : 0]);
      if (patch.installedAt !== undefined) columns.push(['installed_at', patch.installedAt]);
      if (patch.impactAccountSid !== undefined) columns.push(['impact_account_sid', patch.impactAccountSid ?? '']);
      if (patch.impactAuthTokenSealed !== undefined) columns.push(['impact_auth_token_sealed', patch.impactAuthTokenSealed ?? '']);
      if (patch.webhookSecretSealed !== undefined) columns.push(['webhook_secret_sealed', patch.webhookSecretSealed]);
      if (patch.accessTokenSealed !== undefined) columns.push(['access_token_sealed', patch.accessTokenSealed]);
      columns.push(['updated_at', now]);
      await driver.run(`UPDATE shops SET ${columns.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ?`, [...columns.map(([, v]) => v), id]);
    },

    async deleteShop(id) {
      await driver.transaction(async (tx) => {
        const [shop] = await tx.query('SELECT platform, shop_key FROM shops WHERE id = ?', [id]);
        if (!shop) return;
        // Children first: every table that names the shop, directly or through its deliveries and webhooks.
        // Deliveries are found through the shop's orders (and, for those of no order, order_ref IS NULL),
        // so existing indexes serve a rare request instead of a shop_id index every insert would pay for.
        const shopDeliveries = `SELECT id FROM deliveries WHERE order_ref IN (SELECT id FROM orders WHERE shop_id = ?)
                                UNION ALL SELECT id FROM deliveries WHERE order_ref IS NULL AND shop_id = ?`;
        await tx.run(`DELETE FROM delivery_attempts WHERE delivery_id IN (${shopDeliveries})`, [id, id]);
        await tx.run(`DELETE FROM delivery_payloads WHERE delivery_id IN (${shopDeliveries})`, [id, id]);
        await tx.run(`DELETE FROM deliveries WHERE id IN (${shopDeliveries})`, [id, id]);
        await tx.run('DELETE FROM orders WHERE shop_id = ?', [id]);
        await tx.run('DELETE FROM webhook_bodies WHERE webhook_id IN (SELECT id FROM webhooks WHERE shop_id = ?)', [id]);
        await tx.run('DELETE FROM webhooks WHERE shop_id = ?', [id]);
        for (const table of ['click_captures', 'shop_cursors', 'customer_data_exports']) await tx.run(`DELETE FROM ${table} WHERE shop_id = ?`, [id]);
        await tx.run('DELETE FROM app_sessions WHERE platform = ? AND shop_key = ?', [shop.platform as string, shop.shop_key as string]);
        await tx.run('DELETE FROM shops WHERE id = ?', [id]);
      });
    },

    async saveAppSession(session, now) {
      await driver.run(
        `INSERT INTO app_sessions (id, platform, shop_key, session_sealed, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET platform = excluded.platform, shop_key = excluded.shop_key, session_sealed = excluded.session_sealed, updated_at = excluded.updated_at`,
        [session.id, session.platform, session.shopKey, session.sealed, now],
      );
    },

    async loadAppSession(id) {
      const [row] = await driver.query('SELECT * FROM app_sessions WHERE id = ?', [id]);
      return row ? toAppSession(row) : null;
    },

    async deleteAppSessions(ids) {
      if (ids.length === 0) return;
      await driver.run(`DELETE FROM app_sessions WHERE id IN (${ids.map(() => '?').join(', ')})`, [...ids]);
    },

    async findAppSessions(platform, shopKey) {
      return (await driver.query('SELECT * FROM app_sessions WHERE platform = ? AND shop_key = ? ORDER BY id', [platform, shopKey])).map(toAppSession);
    },

    async recordClickCapture(capture) {
      // A checkout's first capture is kept by the unique index; an order id alone, by the NOT EXISTS.
      const inserted = await driver.run(
        `INSERT INTO click_captures (shop_id, platform_order_id, checkout_token, click_id, shared_id, source, ip, user_agent, captured_at)
         SELECT CAST(? AS BIGINT), ?, ?, ?, ?, ?, ?, ?, CAST(? AS BIGINT)
         WHERE CAST(? AS TEXT) IS NOT NULL OR NOT EXISTS (SELECT 1 FROM click_captures WHERE shop_id = ? AND platform_order_id = ? AND checkout_token IS NULL)
         ON CONFLICT DO NOTHING`,
        [
          capture.shopId,
          capture.platformOrderId,
          capture.checkoutToken,
          capture.clickId,
          capture.sharedId,
          capture.source,
          capture.ip,
          capture.userAgent,
          capture.capturedAt,
          capture.checkoutToken,
          capture.shopId,
          capture.platformOrderId,
        ],
      );
      return inserted > 0 ? 'recorded' : 'already_captured';
    },

    async findClickCapture(shopId, platformOrderId, checkoutToken) {
      const [row] = checkoutToken
        ? await driver.query('SELECT * FROM click_captures WHERE shop_id = ? AND checkout_token = ?', [shopId, checkoutToken])
        : await driver.query('SELECT * FROM click_captures WHERE shop_id = ? AND platform_order_id = ? ORDER BY captured_at, id LIMIT 1', [shopId, platformOrderId]);
      return row ? toClickCapture(row) : null;
    },

    async readCursor(shopId, name) {
      const [row] = await driver.query('SELECT value FROM shop_cursors WHERE shop_id = ? AND name = ?', [shopId, name]);
      return row ? String(row.value) : null;
    },

    async saveCursor(shopId, name, value, now) {
      await driver.run(
        `INSERT INTO shop_cursors (shop_id, name, value, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (shop_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, lease_until = NULL`,
        [shopId, name, value, now],
      );
    },

    async leaseCursor(shopId, name, leaseMs, now) {
      const [row] = await driver.query(
        'UPDATE shop_cursors SET lease_until = ? WHERE shop_id = ? AND name = ? AND (lease_until IS NULL OR lease_until < ?) RETURNING value',
        [now + leaseMs, shopId, name, now],
      );
      return row ? String(row.value) : null;
    },

    async exportCustomerData(shopId, customer, requestId, now) {
      return driver.transaction(async (tx) => {
        const orders = await customerOrders(tx, shopId, customer);
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
              for (const row of sent) {
                const fields = json<Record<string, string>>(row.fields_json, {});
                for (const name of PERSONAL_FIELDS) if (fields[name] !== undefined) sentFields[name] = fields[name];
              }
              // The capture the order believes (findClickCapture's rule), not any beacon that named it.
              const [capture] = order.checkoutToken
                ? await tx.query('SELECT click_id, ip, user_agent FROM click_captures WHERE shop_id = ? AND checkout_token = ?', [shopId, order.checkoutToken])
                : await tx.query('SELECT click_id, ip, user_agent FROM click_captures WHERE shop_id = ? AND platform_order_id = ? ORDER BY captured_at, id LIMIT 1', [
                    shopId,
                    order.platformOrderId,
                  ]);
              return {
                platformOrderId: order.platformOrderId,
                impactOrderId: order.impactOrderId,
                status: order.status,
                sentFields,
                clickCapture: capture ? { clickId: String(capture.click_id), ip: stringOrNull(capture.ip), userAgent: stringOrNull(capture.user_agent) } : null,
              };
            }),
          ),
        };
        await tx.run('INSERT INTO customer_data_exports (shop_id, request_id, export_json, created_at) VALUES (?, ?, ?, ?)', [shopId, requestId, JSON.stringify(exported), now]);
        return exported;
      });
    },

    async listCustomerDataExports(shopId) {
      return (await driver.query('SELECT export_json FROM customer_data_exports WHERE shop_id = ? ORDER BY id DESC', [shopId])).map((row) =>
        json<CustomerDataExport>(row.export_json, { requestId: null, createdAt: 0, customerId: null, orders: [] }),
      );
    },

    async redactCustomer(shopId, customer, now) {
      return driver.transaction(async (tx) => {
        const orders = await customerOrders(tx, shopId, customer);
        const secrets = [customer.customerId, customer.email].filter((value): value is string => Boolean(value));
        for (const order of orders) {
          // The ledger keeps what was sold and for how much; who bought it goes.
          const entry = json<LedgerEntry>(order.entryJson, emptyLedgerEntry(order.platformOrderId));
          const redacted: LedgerEntry = entry.order
            ? { ...entry, order: { ...entry.order, customer: { ...entry.order.customer, id: null, email: null, tags: [] }, client: { ip: null, userAgent: null } } }
            : entry;
          const explain = json<string[]>(order.explainJson, []).map((line) => (secrets.some((s) => line.includes(s)) ? '(redacted)' : line));
          await tx.run('UPDATE orders SET customer_id_key = NULL, customer_email_key = NULL, entry_json = ?, explain_json = ?, updated_at = ? WHERE id = ?', [
            JSON.stringify(redacted),
            JSON.stringify(explain),
            now,
            order.id,
          ]);
          for (const row of await tx.query('SELECT p.delivery_id, p.fields_json FROM deliveries d JOIN delivery_payloads p ON p.delivery_id = d.id WHERE d.order_ref = ?', [order.id])) {
            const fields = json<Record<string, string>>(row.fields_json, {});
            if (!PERSONAL_FIELDS.some((name) => name !== 'ClickId' && fields[name] !== undefined)) continue;
            for (const name of PERSONAL_FIELDS) if (name !== 'ClickId') delete fields[name];
            await tx.run('UPDATE delivery_payloads SET fields_json = ? WHERE delivery_id = ?', [JSON.stringify(fields), Number(row.delivery_id)]);
          }
          await tx.run('UPDATE click_captures SET ip = NULL, user_agent = NULL WHERE shop_id = ? AND (platform_order_id = ? OR checkout_token = ?)', [
            shopId,
            order.platformOrderId,
            order.checkoutToken,
          ]);
        }
        // Raw payloads that name the customer go: they hold the plain email and addresses. That includes
        // the privacy request itself (being processed), and any still waiting (for a configuration, a
        // click id): processed later, they would write the customer back into the ledger.
        for (const secret of secrets) {
          const pattern = `%${secret.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
          await tx.run(
            `UPDATE webhook_bodies SET body = '{"redacted":true}', headers_json = '{}'
             WHERE webhook_id IN (SELECT id FROM webhooks WHERE shop_id = ?) AND lower(body) LIKE ? ESCAPE '!'`,
            [shopId, pattern],
          );
        }
        // Earlier data-request exports of this customer hold the same data.
        if (customer.customerId) {
          await tx.run('DELETE FROM customer_data_exports WHERE shop_id = ? AND export_json LIKE ?', [shopId, `%"customerId":${JSON.stringify(customer.customerId)}%`]);
        }
        return orders.length;
      });
    },

    async insertWebhooks(webhooks) {
      if (webhooks.length === 0) return [];
      if (options.inboxWriter) return options.inboxWriter.insert(webhooks);
      // node:sqlite would block the HTTP thread for every commit: openStore gives SQLite stores a writer thread.
      if (!postgres) throw new Error('a SQLite store writes webhooks through its inbox writer thread (open it with openStore)');
      // One statement, atomic on its own (one round trip, no BEGIN/COMMIT): the status rows, and the
      // bodies of those that were new. One parameter per value: pg sends each as is, where array
      // parameters would have to escape every quote of every JSON body.
      const rows = await driver.query<{ shop_id: number; delivery_id: string }>(
        `WITH incoming (n, shop_id, topic, delivery_id, received_at, headers_json, body) AS (
           VALUES ${webhooks.map((_w, n) => `(${n}, ?::bigint, ?, ?, ?::bigint, ?, ?)`).join(', ')}),
         inserted AS (
           INSERT INTO webhooks (shop_id, topic, delivery_id, received_at, available_at)
           SELECT shop_id, topic, delivery_id, received_at, received_at FROM incoming ORDER BY n
           ON CONFLICT (shop_id, delivery_id) DO NOTHING
           RETURNING id, shop_id, delivery_id),
         bodies AS (
           INSERT INTO webhook_bodies (webhook_id, headers_json, body)
           SELECT DISTINCT ON (inserted.id) inserted.id, incoming.headers_json, incoming.body
           FROM inserted JOIN incoming ON incoming.shop_id = inserted.shop_id AND incoming.delivery_id = inserted.delivery_id
           ORDER BY inserted.id, incoming.n)
         SELECT shop_id, delivery_id FROM inserted`,
        webhooks.flatMap((w) => [w.shopId, w.topic, w.deliveryId, w.receivedAt, JSON.stringify(w.headers), w.body]),
      );
      const stored = new Set(rows.map((r) => `${r.shop_id} ${r.delivery_id}`));
      // The first of several copies in one batch is the one stored.
      const seen = new Set<string>();
      return webhooks.map((w) => {
        const key = `${w.shopId} ${w.deliveryId}`;
        const first = stored.has(key) && !seen.has(key);
        seen.add(key);
        return first ? 'stored' : 'duplicate';
      });
    },

    async claimWebhooks(limit, leaseMs, now) {
      return driver.transaction(async (tx) => {
        // Leases that ran out (a worker died) first, then the oldest pending; each from its own index.
        const expired = await tx.query<{ id: number }>(
          `SELECT id FROM webhooks WHERE status = 'processing' AND lease_until < ? ORDER BY lease_until LIMIT ?${skipLocked}`,
          [now, limit],
        );
        const pending =
          expired.length < limit
            ? await tx.query<{ id: number }>(
                `SELECT id FROM webhooks WHERE status = 'pending' AND available_at <= ? ORDER BY available_at, id LIMIT ?${skipLocked}`,
                [now, limit - expired.length],
              )
            : [];
        const ids = [...expired, ...pending].map((r) => Number(r.id));
        if (ids.length === 0) return [];
        const marks = ids.map(() => '?').join(', ');
        const rows = await tx.query(`UPDATE webhooks SET status = 'processing', lease_until = ?, attempts = attempts + 1 WHERE id IN (${marks}) RETURNING *`, [
          now + leaseMs,
          ...ids,
        ]);
        const bodies = new Map(
          (await tx.query(`SELECT webhook_id, headers_json, body FROM webhook_bodies WHERE webhook_id IN (${marks})`, ids)).map((b) => [Number(b.webhook_id), b]),
        );
        return rows.map((row) => toWebhook(row, bodies.get(Number(row.id)))).sort((a, b) => a.id - b.id);
      }, REDOABLE);
    },

    async finishWebhooks(webhooks, now) {
      if (webhooks.length === 0) return;
      await driver.transaction(async (tx) => {
        for (const { id, status, outcome } of webhooks) {
          await tx.run('UPDATE webhooks SET status = ?, outcome = ?, processed_at = ?, lease_until = NULL WHERE id = ?', [status, outcome, now, id]);
        }
      }, REDOABLE);
    },

    async retryWebhook(id, outcome, availableAt, retry = {}) {
      await driver.run(
        `UPDATE webhooks SET status = 'pending', outcome = ?, available_at = ?, lease_until = NULL${retry.uncounted ? ', attempts = attempts - 1' : ''} WHERE id = ?`,
        [outcome, availableAt, id],
      );
    },

    async releaseWebhooks(shopId, now) {
      return driver.run("UPDATE webhooks SET available_at = ? WHERE shop_id = ? AND status = 'pending' AND available_at > ?", [now, shopId, now]);
    },

    async applyOrderEvents(inputs) {
      if (inputs.length === 0) return [];
      // Rows are locked in one order (shop, order) in every process, so two batches never deadlock;
      // the sort is stable, so one order's events keep their order.
      const sorted = inputs.map((input, index) => ({ input, index })).sort((a, b) => a.input.shopId - b.input.shopId || compare(a.input.platformOrderId, b.input.platformOrderId));
      const results: ApplyOrderResult[] = new Array(inputs.length);
      await driver.transaction(async (tx) => {
        const done: Array<{ id: number; outcome: string }> = [];
        for (const { input, index } of sorted) {
          await tx.run('SAVEPOINT order_event');
          try {
            const plan = await applyOrderEvent(tx, input);
            await tx.run('RELEASE SAVEPOINT order_event');
            results[index] = { ok: true, plan };
            if (input.webhookId !== null) {
              done.push({ id: input.webhookId, outcome: plan.deliveries.length > 0 ? `planned ${plan.deliveries.map((d) => d.kind).join(', ')}` : 'no change' });
            }
          } catch (error) {
            await tx.run('ROLLBACK TO SAVEPOINT order_event');
            results[index] = isUniqueViolation(error)
              ? { ok: false, reason: 'order_id_taken', message: `another order of this shop already converted under the same OrderId (order ${input.platformOrderId})` }
              : { ok: false, reason: 'failed', message: error instanceof Error ? error.message : String(error) };
          }
        }
        // The webhooks are marked done in the transaction that applied them: processed exactly once.
        for (const outcome of new Set(done.map((d) => d.outcome))) {
          const ids = done.filter((d) => d.outcome === outcome).map((d) => d.id);
          for (let i = 0; i < ids.length; i += 500) {
            const chunk = ids.slice(i, i + 500);
            await tx.run(`UPDATE webhooks SET status = 'done', outcome = ?, processed_at = ?, lease_until = NULL WHERE id IN (${chunk.map(() => '?').join(', ')})`, [
              outcome,
              inputs[0]!.now,
              ...chunk,
            ]);
          }
        }
      }, REDOABLE);
      return results;
    },

    async enqueueDeliveries(shopId, deliveries, now) {
      return driver.transaction(async (tx) => {
        const ids: number[] = [];
        for (const d of deliveries) ids.push(await insertDelivery(tx, shopId, null, d, d.availableAt, now));
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
           ORDER BY d.lease_until LIMIT ?${skipLocked}`,
          [now, limit],
        );
        const pending =
          expired.length < limit
            ? await tx.query<{ id: number }>(
                `SELECT d.id FROM deliveries d WHERE d.status = 'pending' AND d.available_at <= ? AND ${noEarlierOpen}
                 ORDER BY d.available_at, d.id LIMIT ?${skipLocked}`,
                [now, limit - expired.length],
              )
            : [];
        const ids = [...expired, ...pending].map((r) => Number(r.id));
        if (ids.length === 0) return [];
        const rows = await tx.query(
          `UPDATE deliveries SET status = 'inflight', lease_until = ?, attempts = attempts + 1
           WHERE id IN (${ids.map(() => '?').join(', ')}) RETURNING *`,
          [now + leaseMs, ...ids],
        );
        return (await withPayloads(tx, rows)).map(toDelivery).sort((a, b) => a.id - b.id);
      }, REDOABLE);
    },

    async recordDeliveryOutcomes(outcomes) {
      if (outcomes.length === 0) return;
      await driver.transaction(async (tx) => {
        for (const recorded of outcomes) {
          if ('held' in recorded) {
            await tx.run("UPDATE deliveries SET status = 'pending', available_at = ?, lease_until = NULL, last_error = ?, attempts = attempts - 1 WHERE id = ?", [
              recorded.held.until,
              recorded.held.reason,
              recorded.id,
            ]);
            continue;
          }
          const { id, outcome, attempt } = recorded;
          await tx.run(
            'INSERT INTO delivery_attempts (delivery_id, attempted_at, duration_ms, http_status, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)',
            [id, attempt.attemptedAt, Math.round(attempt.durationMs), attempt.httpStatus, outcome.status, attempt.detail],
          );
          await tx.run(...deliveryUpdate(id, outcome, attempt.attemptedAt));
          if (outcome.status === 'done' && outcome.checkAt !== null) await holdLaterDeliveries(tx, id, outcome.checkAt);
        }
      }, REDOABLE);
    },

    async claimSubmissionChecks(limit, leaseMs, now) {
      return driver.transaction(async (tx) => {
        const ready = await tx.query<{ id: number }>(
          `SELECT id FROM deliveries
           WHERE status = 'done' AND submission_status = 'queued' AND available_at <= ? AND (lease_until IS NULL OR lease_until < ?)
           ORDER BY available_at LIMIT ?${skipLocked}`,
          [now, now, limit],
        );
        if (ready.length === 0) return [];
        const ids = ready.map((r) => Number(r.id));
        const rows = await tx.query(`UPDATE deliveries SET lease_until = ? WHERE id IN (${ids.map(() => '?').join(', ')}) RETURNING *`, [now + leaseMs, ...ids]);
        return (await withPayloads(tx, rows)).map(toDelivery);
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
      return driver.run("UPDATE deliveries SET available_at = ? WHERE shop_id = ? AND status = 'pending' AND available_at > ?", [now, shopId, now]);
    },

    async requeueDeadDeliveries(shopId, now) {
      return driver.run(
        `UPDATE deliveries SET status = 'pending', available_at = ?, lease_until = NULL, last_error = NULL
         WHERE status = 'dead'${shopId === null ? '' : ' AND shop_id = ?'}`,
        shopId === null ? [now] : [now, shopId],
      );
    },

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
          const marks = webhooks.map(() => '?').join(', ');
          await tx.run(`DELETE FROM webhook_bodies WHERE webhook_id IN (${marks})`, webhooks);
          await tx.run(`DELETE FROM webhooks WHERE id IN (${marks})`, webhooks);
        }
        const captures = (await tx.query<{ id: number; captured_at: number }>('SELECT id, captured_at FROM click_captures ORDER BY id LIMIT ?', [limit]))
          .filter((row) => Number(row.captured_at) < before)
          .map((row) => Number(row.id));
        if (captures.length > 0) await tx.run(`DELETE FROM click_captures WHERE id IN (${captures.map(() => '?').join(', ')})`, captures);
        return webhooks.length + captures.length;
      }, REDOABLE);
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
      const attempts = await driver.query(
        `SELECT * FROM delivery_attempts WHERE delivery_id IN (${ids.map(() => '?').join(', ')}) ORDER BY id`,
        ids,
      );
      return deliveries.map((row) => toDeliveryListing(row, attempts.filter((a) => Number(a.delivery_id) === Number(row.id))));
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

  async function applyOrderEvent(tx: SqlExecutor, input: ApplyOrderEvent): Promise<LifecyclePlan> {
    const { shopId, platformOrderId, now } = input;
    // Creates the ledger row or touches the existing one; either way returns it, locked (Postgres) until commit.
    const [row] = await tx.query(
      `INSERT INTO orders (shop_id, platform_order_id, entry_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (shop_id, platform_order_id) DO UPDATE SET updated_at = excluded.updated_at
       RETURNING id, entry_json`,
      [shopId, platformOrderId, JSON.stringify(emptyLedgerEntry(platformOrderId)), now, now],
    );
    const orderRef = Number(row!.id);
    const entry = JSON.parse(String(row!.entry_json)) as LedgerEntry;

    const keys = customerKeys(input.event.kind === 'order' ? input.event.order : entry.order);
    let convertedBefore = false;
    if (keys.idKey || keys.emailKey) {
      // Two EXISTS, each served by its own partial index (an OR in one WHERE would scan the shop's orders).
      const [found] = await tx.query<{ found: unknown }>(
        `SELECT EXISTS (SELECT 1 FROM orders WHERE shop_id = ? AND customer_id_key = ? AND status <> 'none' AND id <> ?)
             OR EXISTS (SELECT 1 FROM orders WHERE shop_id = ? AND customer_email_key = ? AND status <> 'none' AND id <> ?) AS found`,
        [shopId, keys.idKey, orderRef, shopId, keys.emailKey, orderRef],
      );
      convertedBefore = found?.found === true || Number(found?.found) === 1;
    }

    const plan = planOrderEvent(entry, input.event, input.config, { now: new Date(now), customerConvertedBefore: convertedBefore });
    const sent = plan.entry.sent;
    await tx.run(
      `UPDATE orders SET status = ?, action_tracker_id = ?, impact_order_id = ?, customer_id_key = ?, customer_email_key = ?,
         entry_json = ?, explain_json = ?, updated_at = ? WHERE id = ?`,
      [
        sent.status,
        sent.status === 'none' ? null : sent.actionTrackerId,
        sent.status === 'none' ? null : sent.orderId,
        keys.idKey,
        keys.emailKey,
        JSON.stringify(plan.entry),
        JSON.stringify(plan.explain),
        now,
        orderRef,
      ],
    );
    // A change planned while an earlier submission of the order is still being processed is due no
    // sooner than that submission's next check (an earlier conversion's planning has nothing to wait for).
    const [waiting] =
      plan.deliveries.length > 0 && entry.sent.status !== 'none'
        ? await tx.query<{ held_until: number | null }>(
            "SELECT MAX(available_at) AS held_until FROM deliveries WHERE order_ref = ? AND status = 'done' AND submission_status = 'queued'",
            [orderRef],
          )
        : [];
    const availableAt = Math.max(now, Number(waiting?.held_until ?? 0));
    for (const delivery of plan.deliveries) await insertDelivery(tx, shopId, orderRef, delivery, availableAt, now);
    return plan;
  }

  /** The ledger rows of a customer: by platform customer id, by email (its hash, as stored), or named outright. */
  async function customerOrders(tx: SqlExecutor, shopId: number, customer: CustomerRef) {
    const byId = customer.customerId
      ? await tx.query('SELECT * FROM orders WHERE shop_id = ? AND customer_id_key = ?', [shopId, customer.customerId])
      : [];
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

  /** Adds each delivery row's fields from delivery_payloads. */
  async function withPayloads(tx: SqlExecutor, rows: SqlRow[]): Promise<SqlRow[]> {
    if (rows.length === 0) return rows;
    const ids = rows.map((row) => Number(row.id));
    const payloads = await tx.query(`SELECT delivery_id, fields_json FROM delivery_payloads WHERE delivery_id IN (${ids.map(() => '?').join(', ')})`, ids);
    const byId = new Map(payloads.map((p) => [Number(p.delivery_id), p.fields_json]));
    return rows.map((row) => ({ ...row, fields_json: byId.get(Number(row.id)) }));
  }

  async function insertDelivery(
    tx: SqlExecutor,
    shopId: number,
    orderRef: number | null,
    delivery: { kind: string; method: string; path: string; fields: object },
    availableAt: number,
    now: number,
  ): Promise<number> {
    const [row] = await tx.query<{ id: number }>(
      `INSERT INTO deliveries (shop_id, order_ref, kind, method, path, available_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [shopId, orderRef, delivery.kind, delivery.method, delivery.path, availableAt, now],
    );
    await tx.run('INSERT INTO delivery_payloads (delivery_id, fields_json) VALUES (?, ?)', [row!.id as number, JSON.stringify(delivery.fields)]);
    return Number(row!.id);
  }

  return store;
}

function deliveryUpdate(id: number, outcome: DeliveryOutcome, at: number): [string, SqlValue[]] {
  switch (outcome.status) {
    case 'done':
      return [
        `UPDATE deliveries SET status = 'done', queued_uri = ?, submission_status = ?, available_at = ?, lease_until = NULL, completed_at = ?, last_error = NULL WHERE id = ?`,
        [outcome.queuedUri, outcome.queuedUri && outcome.checkAt !== null ? 'queued' : null, outcome.checkAt ?? at, at, id],
      ];
    case 'retry':
      return [
        `UPDATE deliveries SET status = 'pending', available_at = ?, lease_until = NULL, last_error = ?${outcome.uncounted ? ', attempts = attempts - 1' : ''} WHERE id = ?`,
        [outcome.availableAt, outcome.error, id],
      ];
    case 'rejected':
    case 'dead':
      return [`UPDATE deliveries SET status = ?, lease_until = NULL, last_error = ?, completed_at = ? WHERE id = ?`, [outcome.status, outcome.error, at, id]];
  }
}

/** Conversion fields that identify the customer or their device. */
const PERSONAL_FIELDS = ['CustomerId', 'CustomerEmail', 'IpAddress', 'UserAgent', 'ClickId'] as const;

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** SQLite and Postgres both report a unique-constraint failure: Postgres by code, SQLite in the message. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === '23505' || /UNIQUE constraint failed/.test(String((error as Error).message));
}

const json = <T>(value: unknown, fallback: T): T => (typeof value === 'string' ? (JSON.parse(value) as T) : fallback);
const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const stringOrNull = (value: unknown) => (value === null || value === undefined ? null : String(value));

function toShop(row: SqlRow): ShopRow {
  const shop: NewShop = {
    platform: String(row.platform),
    shopKey: String(row.shop_key),
    // Stored configs were validated on the way in; parsing again fills defaults added since.
    config: row.config_json === 'null' ? null : TrackingConfigSchema.parse(json(row.config_json, {})),
    impactAccountSid: row.impact_account_sid ? String(row.impact_account_sid) : null,
    impactAuthTokenSealed: row.impact_auth_token_sealed ? String(row.impact_auth_token_sealed) : null,
    webhookSecretSealed: stringOrNull(row.webhook_secret_sealed),
    accessTokenSealed: stringOrNull(row.access_token_sealed),
  };
  return {
    ...shop,
    id: Number(row.id),
    active: Number(row.active) === 1,
    installedAt: Number(row.installed_at ?? row.created_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toAppSession(row: SqlRow): AppSession {
  return { id: String(row.id), platform: String(row.platform), shopKey: String(row.shop_key), sealed: String(row.session_sealed) };
}

function toClickCapture(row: SqlRow): ClickCapture {
  return {
    shopId: Number(row.shop_id),
    platformOrderId: stringOrNull(row.platform_order_id),
    checkoutToken: stringOrNull(row.checkout_token),
    clickId: String(row.click_id),
    sharedId: stringOrNull(row.shared_id),
    source: String(row.source),
    ip: stringOrNull(row.ip),
    userAgent: stringOrNull(row.user_agent),
    capturedAt: Number(row.captured_at),
  };
}

function toWebhook(row: SqlRow, body: SqlRow | undefined) {
  return {
    id: Number(row.id),
    shopId: Number(row.shop_id),
    topic: String(row.topic),
    deliveryId: String(row.delivery_id),
    receivedAt: Number(row.received_at),
    headers: json<Record<string, string>>(body?.headers_json, {}),
    body: String(body?.body ?? ''),
    attempts: Number(row.attempts),
  };
}

function toDelivery(row: SqlRow): DeliveryRow {
  return {
    id: Number(row.id),
    shopId: Number(row.shop_id),
    orderRef: numberOrNull(row.order_ref),
    kind: String(row.kind) as DeliveryRow['kind'],
    method: String(row.method) as DeliveryRow['method'],
    path: String(row.path),
    fields: json(row.fields_json, {}),
    attempts: Number(row.attempts),
    queuedUri: stringOrNull(row.queued_uri),
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

/** What the listing shows of the ledger's order: how the merchant knows it, and its checkout. */
function orderOfEntry(entryJson: unknown): { orderNumber: string | null; checkoutToken: string | null } {
  const order = json<LedgerEntry | null>(entryJson, null)?.order ?? null;
  return { orderNumber: order?.number ?? null, checkoutToken: order?.checkoutToken ?? null };
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

