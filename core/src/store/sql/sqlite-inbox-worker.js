// @ts-check
/**
 * The SQLite inbox writer's thread: its own connection to the database file, so a commit's fsync
 * blocks this thread and not the one answering HTTP requests. Messages: {id, webhooks} → {id, results} | {id, error: {message, code, errcode, errstr}};
 * {id, pragma} sets a pragma on this thread's connection.
 *
 * It gets webhooks sealed (inbox-sql.ts SealedWebhook): their bodies sealed on the HTTP thread with
 * the store's key, which this thread never holds, and the digest of each plain body, which finds a
 * replay of it.
 *
 * Group commit happens here: each wake-up drains every batch that queued up during the previous
 * commit into one transaction, so the HTTP thread can hand batches over without waiting, and a
 * commit starts as soon as the last one ends.
 *
 * Plain JavaScript (types in JSDoc, checked by tsc): a .ts file would make this thread load its own
 * copy of Node's TypeScript stripper, about 11 MB of memory for one small file.
 */
import { DatabaseSync } from 'node:sqlite';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';

/** @typedef {import('./inbox-sql.ts').SealedWebhook} Webhook */
/** @typedef {{ id: number, webhooks: Webhook[] }} Batch */
/** @typedef {{ id: number, pragma: string }} Control */

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
const db = new DatabaseSync(/** @type {{ path: string }} */ (workerData).path);
db.exec('PRAGMA busy_timeout = 5000');
db.exec('PRAGMA journal_mode = WAL');
db.exec('PRAGMA synchronous = FULL');
const insert = db.prepare(
  'INSERT INTO webhooks (shop_id, topic, delivery_id, received_at, available_at, body_digest) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (shop_id, delivery_id) DO NOTHING',
);
const insertBody = db.prepare('INSERT INTO webhook_bodies (webhook_id, headers_json, body) VALUES (?, ?, ?)');
// Two ranges of the (body_digest, shop_id) index, not "<>": one body delivered to this shop many times is not read through.
const heldForAnotherShop = db.prepare(
  'SELECT EXISTS (SELECT 1 FROM webhooks WHERE body_digest = ? AND shop_id < ?) OR EXISTS (SELECT 1 FROM webhooks WHERE body_digest = ? AND shop_id > ?) AS held',
);

/** @param {Webhook} w @returns {import('../../webhooks/inbox.ts').InboxOutcome} */
function store(w) {
  // A signed body held for another shop, replayed with this shop's headers.
  if (heldForAnotherShop.get(w.bodyDigest, w.shopId, w.bodyDigest, w.shopId)?.held) return 'refused';
  const inserted = insert.run(w.shopId, w.topic, w.deliveryId, w.receivedAt, w.receivedAt, w.bodyDigest);
  if (Number(inserted.changes) === 0) return 'duplicate';
  insertBody.run(inserted.lastInsertRowid, JSON.stringify(w.headers), w.sealedBody);
  return 'stored';
}

port.on('message', (/** @type {Batch | Control} */ first) => {
  if ('pragma' in first) return control(first);
  const batches = [first];
  for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port)) {
    if ('pragma' in next.message) control(next.message);
    else batches.push(next.message);
  }
  try {
    db.exec('BEGIN IMMEDIATE');
    const results = batches.map((batch) => batch.webhooks.map(store));
    db.exec('COMMIT');
    for (const [n, batch] of batches.entries()) port.postMessage({ id: batch.id, results: results[n] });
  } catch (error) {
    // After a disk-full or I/O error SQLite may have rolled back already; a ROLLBACK then fails, and
    // its message would replace the one that says what happened.
    if (db.isTransaction) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // The cause is `error`.
      }
    }
    const failure = describe(error);
    for (const batch of batches) port.postMessage({ id: batch.id, error: failure });
  }
});

/** What the HTTP thread needs to log the cause: SQLite's message and its result code. @param {unknown} error */
function describe(error) {
  if (!(error instanceof Error)) return { message: String(error) };
  const { code, errcode, errstr } = /** @type {Error & { code?: string, errcode?: number, errstr?: string }} */ (error);
  return { message: error.message, code, errcode, errstr };
}

/** Sets a pragma on this thread's connection (tests inject faults with it). @param {Control} message */
function control(message) {
  try {
    db.exec(`PRAGMA ${message.pragma}`);
    port.postMessage({ id: message.id, results: [] });
  } catch (error) {
    port.postMessage({ id: message.id, error: describe(error) });
  }
}
