// @ts-check
/**
 * The SQLite inbox writer's thread: its own connection to the database file, so a commit's fsync
 * blocks this thread and not the one answering HTTP requests. Messages: {id, webhooks} → {id, results} | {id, error}.
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

/** @typedef {import('../store.ts').NewWebhook} Webhook */
/** @typedef {{ id: number, webhooks: Webhook[] }} Batch */

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
const db = new DatabaseSync(/** @type {{ path: string }} */ (workerData).path);
db.exec('PRAGMA journal_mode = WAL');
db.exec('PRAGMA synchronous = FULL');
db.exec('PRAGMA busy_timeout = 5000');
const insert = db.prepare(
  'INSERT INTO webhooks (shop_id, topic, delivery_id, received_at, available_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (shop_id, delivery_id) DO NOTHING',
);
const insertBody = db.prepare('INSERT INTO webhook_bodies (webhook_id, headers_json, body) VALUES (?, ?, ?)');

/** @param {Webhook} w @returns {'stored' | 'duplicate'} */
function store(w) {
  const inserted = insert.run(w.shopId, w.topic, w.deliveryId, w.receivedAt, w.receivedAt);
  if (Number(inserted.changes) === 0) return 'duplicate';
  insertBody.run(inserted.lastInsertRowid, JSON.stringify(w.headers), w.body);
  return 'stored';
}

port.on('message', (/** @type {Batch} */ first) => {
  const batches = [first];
  for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port)) batches.push(next.message);
  try {
    db.exec('BEGIN IMMEDIATE');
    const results = batches.map((batch) => batch.webhooks.map(store));
    db.exec('COMMIT');
    for (const [n, batch] of batches.entries()) port.postMessage({ id: batch.id, results: results[n] });
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    const message = error instanceof Error ? error.message : String(error);
    for (const batch of batches) port.postMessage({ id: batch.id, error: message });
  }
});
