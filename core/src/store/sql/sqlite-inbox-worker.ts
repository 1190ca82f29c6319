/**
 * The SQLite inbox writer's thread: its own connection to the database file, so a commit's fsync
 * blocks this thread and not the one answering HTTP requests. Messages: {id, webhooks} → {id, results} | {id, error}.
 */
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

interface Webhook {
  shopId: number;
  topic: string;
  deliveryId: string;
  receivedAt: number;
  headers: Record<string, string>;
  body: string;
}

const db = new DatabaseSync((workerData as { path: string }).path);
db.exec('PRAGMA journal_mode = WAL');
db.exec('PRAGMA synchronous = FULL');
db.exec('PRAGMA busy_timeout = 5000');
const insert = db.prepare(
  'INSERT INTO webhooks (shop_id, topic, delivery_id, received_at, available_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (shop_id, delivery_id) DO NOTHING',
);
const insertBody = db.prepare('INSERT INTO webhook_bodies (webhook_id, headers_json, body) VALUES (?, ?, ?)');

parentPort!.on('message', ({ id, webhooks }: { id: number; webhooks: Webhook[] }) => {
  try {
    db.exec('BEGIN IMMEDIATE');
    const results = webhooks.map((w) => {
      const inserted = insert.run(w.shopId, w.topic, w.deliveryId, w.receivedAt, w.receivedAt);
      if (Number(inserted.changes) === 0) return 'duplicate';
      insertBody.run(inserted.lastInsertRowid, JSON.stringify(w.headers), w.body);
      return 'stored';
    });
    db.exec('COMMIT');
    parentPort!.postMessage({ id, results });
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
