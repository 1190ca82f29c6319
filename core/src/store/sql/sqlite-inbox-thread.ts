import { Worker } from 'node:worker_threads';
import type { NewWebhook } from '../store.ts';

/**
 * Writes the SQLite inbox from a worker thread. node:sqlite is synchronous: committing on the main
 * thread would stop it answering requests for the length of every fsync.
 */
export interface SqliteInboxThread {
  insert(webhooks: readonly NewWebhook[]): Promise<Array<'stored' | 'duplicate'>>;
  close(): Promise<void>;
}

export function startSqliteInboxThread(path: string): SqliteInboxThread {
  const worker = new Worker(new URL('./sqlite-inbox-worker.js', import.meta.url), { workerData: { path } });
  worker.unref();
  const pending = new Map<number, { resolve: (results: Array<'stored' | 'duplicate'>) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  worker.on('message', (message: { id: number; results?: Array<'stored' | 'duplicate'>; error?: string }) => {
    const waiting = pending.get(message.id);
    pending.delete(message.id);
    if (message.results) waiting?.resolve(message.results);
    else waiting?.reject(new Error(`inbox write failed: ${message.error}`));
  });
  worker.on('error', (error) => {
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  });
  return {
    insert(webhooks) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, webhooks });
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
