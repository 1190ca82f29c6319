import { createHash } from 'node:crypto';
import type { SecretBox } from '../../crypto/secret-box.ts';
import type { InboxOutcome, NewWebhook, WebhookInbox, WebhookRow } from '../../webhooks/inbox.ts';
import type { SqlDriver, SqlExecutor, SqlRow } from './sql-driver.ts';
import { REDOABLE, json, marks, skipLocked } from './sql-values.ts';

/**
 * A webhook as the inbox writes it: its body sealed with the store's box (the raw payload holds the
 * customer's email, name, addresses, IP: a copied database file or backup must show none of it), and
 * the digest of its plain body, which finds the same signed body replayed for another shop.
 */
export interface SealedWebhook extends Omit<NewWebhook, 'body'> {
  readonly sealedBody: string;
  readonly bodyDigest: string;
}

/** Takes over webhook inserts (SQLite's writer thread, sqlite-inbox-thread.ts): it gets them sealed. */
export interface InboxWriterThread {
  insert(webhooks: readonly SealedWebhook[]): Promise<InboxOutcome[]>;
  close(): Promise<void>;
}

/**
 * The webhook inbox over SQL: status rows in `webhooks`, bodies apart in `webhook_bodies` (schema.ts),
 * sealed with `box`. Headers are kept plain: a receiver keeps only those that route the webhook
 * (topic, shop, delivery ids), never a signature or anything about the customer.
 */
export function createInboxSql(driver: SqlDriver, box: SecretBox, inboxWriter?: InboxWriterThread): WebhookInbox {
  const postgres = driver.dialect === 'postgres';
  return {
    async insertWebhooks(webhooks) {
      if (webhooks.length === 0) return [];
      const sealed = webhooks.map(({ body, ...webhook }): SealedWebhook => ({ ...webhook, sealedBody: box.seal(body), bodyDigest: bodyDigest(body) }));
      if (inboxWriter) return inboxWriter.insert(sealed);
      // node:sqlite would block the HTTP thread for every commit: openStore gives SQLite stores a writer thread.
      if (!postgres) throw new Error('a SQLite store writes webhooks through its inbox writer thread (open it with openStore)');
      // One statement, atomic on its own (one round trip, no BEGIN/COMMIT): the status rows, and the
      // bodies of those that were new. One parameter per value: pg sends each as is, where array
      // parameters would have to escape every quote of every JSON body.
      const rows = await driver.query<{ shop_id: number; delivery_id: string; refused: boolean }>(
        `WITH incoming (n, shop_id, topic, delivery_id, received_at, headers_json, body, body_digest) AS (
           VALUES ${webhooks.map((_w, n) => `(${n}, ?::bigint, ?, ?, ?::bigint, ?, ?, ?)`).join(', ')}),
         refused AS (
           SELECT n, shop_id, delivery_id FROM incoming
           -- Two ranges of (body_digest, shop_id), not "<>": one body delivered to this shop many times is not read through.
           WHERE EXISTS (SELECT 1 FROM webhooks w WHERE w.body_digest = incoming.body_digest AND w.shop_id < incoming.shop_id)
              OR EXISTS (SELECT 1 FROM webhooks w WHERE w.body_digest = incoming.body_digest AND w.shop_id > incoming.shop_id)),
         inserted AS (
           INSERT INTO webhooks (shop_id, topic, delivery_id, received_at, available_at, body_digest)
           SELECT shop_id, topic, delivery_id, received_at, received_at, body_digest FROM incoming
           WHERE n NOT IN (SELECT n FROM refused) ORDER BY n
           ON CONFLICT (shop_id, delivery_id) DO NOTHING
           RETURNING id, shop_id, delivery_id),
         bodies AS (
           INSERT INTO webhook_bodies (webhook_id, headers_json, body)
           SELECT DISTINCT ON (inserted.id) inserted.id, incoming.headers_json, incoming.body
           FROM inserted JOIN incoming ON incoming.shop_id = inserted.shop_id AND incoming.delivery_id = inserted.delivery_id
           ORDER BY inserted.id, incoming.n)
         SELECT shop_id, delivery_id, false AS refused FROM inserted
         UNION ALL SELECT shop_id, delivery_id, true FROM refused`,
        sealed.flatMap((w) => [w.shopId, w.topic, w.deliveryId, w.receivedAt, JSON.stringify(w.headers), w.sealedBody, w.bodyDigest]),
      );
      const key = (shopId: number, deliveryId: string) => `${shopId} ${deliveryId}`;
      const stored = new Set(rows.filter((r) => !r.refused).map((r) => key(Number(r.shop_id), r.delivery_id)));
      const refused = new Set(rows.filter((r) => r.refused).map((r) => key(Number(r.shop_id), r.delivery_id)));
      // The first of several copies in one batch is the one stored.
      const seen = new Set<string>();
      return webhooks.map((w): InboxOutcome => {
        const k = key(w.shopId, w.deliveryId);
        if (refused.has(k)) return 'refused';
        const first = stored.has(k) && !seen.has(k);
        seen.add(k);
        return first ? 'stored' : 'duplicate';
      });
    },

    async claimWebhooks(limit, leaseMs, now) {
      return driver.transaction(async (tx) => {
        // Leases that ran out (a worker died) first, then the oldest pending; each from its own index.
        const expired = await tx.query<{ id: number }>(
          `SELECT id FROM webhooks WHERE status = 'processing' AND lease_until < ? ORDER BY lease_until LIMIT ?${skipLocked(driver.dialect)}`,
          [now, limit],
        );
        const pending =
          expired.length < limit
            ? await tx.query<{ id: number }>(
                `SELECT id FROM webhooks WHERE status = 'pending' AND available_at <= ? ORDER BY available_at, id LIMIT ?${skipLocked(driver.dialect)}`,
                [now, limit - expired.length],
              )
            : [];
        const ids = [...expired, ...pending].map((r) => Number(r.id));
        if (ids.length === 0) return [];
        const rows = await tx.query(`UPDATE webhooks SET status = 'processing', lease_until = ?, attempts = attempts + 1 WHERE id IN (${marks(ids)}) RETURNING *`, [
          now + leaseMs,
          ...ids,
        ]);
        const bodies = new Map(
          (await tx.query(`SELECT webhook_id, headers_json, body FROM webhook_bodies WHERE webhook_id IN (${marks(ids)})`, ids)).map((b) => [Number(b.webhook_id), b]),
        );
        return rows.map((row) => toWebhook(row, bodies.get(Number(row.id)), box)).sort((a, b) => a.id - b.id);
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
  };
}

/**
 * Marks webhooks done inside the caller's transaction (the ledger's, which applied them): one
 * statement per outcome and 500 webhooks, however large the batch.
 */
export async function markWebhooksDone(tx: SqlExecutor, webhooks: ReadonlyArray<{ readonly id: number; readonly outcome: string }>, now: number): Promise<void> {
  for (const outcome of new Set(webhooks.map((w) => w.outcome))) {
    const ids = webhooks.filter((w) => w.outcome === outcome).map((w) => w.id);
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      await tx.run(`UPDATE webhooks SET status = 'done', outcome = ?, processed_at = ?, lease_until = NULL WHERE id IN (${marks(chunk)})`, [outcome, now, ...chunk]);
    }
  }
}

/**
 * What finds a webhook body again: 128 bits of its SHA-256 (ample to tell bodies apart, half the index),
 * of the plain body: the stored one is sealed, each time with a new IV.
 */
export function bodyDigest(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('base64url').slice(0, 22);
}

function toWebhook(row: SqlRow, body: SqlRow | undefined, box: SecretBox): WebhookRow {
  return {
    id: Number(row.id),
    shopId: Number(row.shop_id),
    topic: String(row.topic),
    deliveryId: String(row.delivery_id),
    receivedAt: Number(row.received_at),
    headers: json<Record<string, string>>(body?.headers_json, {}),
    body: body ? box.open(String(body.body)) : '',
    attempts: Number(row.attempts),
  };
}
