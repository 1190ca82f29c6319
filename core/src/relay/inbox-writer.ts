import type { NewWebhook, Store } from '../store/store.ts';

/**
 * Group commit for the webhook inbox: webhooks arriving together are written in one transaction,
 * and each is acknowledged only once that transaction has committed.
 */
export class InboxWriter {
  readonly #store: Store;
  readonly #maxBatch: number;
  readonly #concurrency: number;
  #queue: Array<{ webhook: NewWebhook; resolve: (result: 'stored' | 'duplicate') => void; reject: (error: unknown) => void }> = [];
  #flushing = 0;
  #scheduled = false;
  readonly #listeners = new Set<() => void>();

  constructor(store: Store, options: { maxBatch?: number; concurrency?: number } = {}) {
    this.#store = store;
    this.#maxBatch = options.maxBatch ?? 500;
    // SQLite has one writer; Postgres overlaps a few commits to hide the round trip.
    this.#concurrency = options.concurrency ?? (store.dialect === 'postgres' ? 4 : 1);
  }

  write(webhook: NewWebhook): Promise<'stored' | 'duplicate'> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ webhook, resolve, reject });
      this.#schedule();
    });
  }

  /** Called after each commit that stored something, so processing starts without polling delay. */
  onStored(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #schedule(): void {
    if (this.#scheduled || this.#flushing >= this.#concurrency) return;
    this.#scheduled = true;
    // Let the requests of this turn of the event loop join the batch.
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    if (this.#queue.length === 0 || this.#flushing >= this.#concurrency) return;
    const batch = this.#queue.splice(0, this.#maxBatch);
    this.#flushing++;
    try {
      const results = await this.#store.insertWebhooks(batch.map((item) => item.webhook));
      for (const [index, item] of batch.entries()) item.resolve(results[index]!);
      if (results.includes('stored')) for (const listener of this.#listeners) listener();
    } catch (error) {
      for (const item of batch) item.reject(error);
    } finally {
      this.#flushing--;
      if (this.#queue.length > 0) this.#schedule();
    }
  }
}
