/**
 * Coalesces items submitted close together into one commit, and settles each item's promise only
 * once that commit is done. Under load, many items share one transaction (one fsync); when idle,
 * an item is committed at once.
 */
export class GroupCommit<Item, Result> {
  readonly #commit: (items: Item[]) => Promise<Result[]>;
  readonly #maxBatch: number;
  readonly #concurrency: number;
  #queue: Array<{ item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }> = [];
  #running = 0;
  #scheduled = false;

  constructor(commit: (items: Item[]) => Promise<Result[]>, options: { maxBatch?: number; concurrency?: number } = {}) {
    this.#commit = commit;
    this.#maxBatch = options.maxBatch ?? 500;
    this.#concurrency = options.concurrency ?? 1;
  }

  submit(item: Item): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#running >= this.#concurrency || this.#queue.length === 0) return;
    this.#scheduled = true;
    // Let whatever else arrives in this turn of the event loop join the batch.
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    if (this.#queue.length === 0 || this.#running >= this.#concurrency) return;
    const batch = this.#queue.splice(0, this.#maxBatch);
    this.#running++;
    try {
      const results = await this.#commit(batch.map((entry) => entry.item));
      for (const [index, entry] of batch.entries()) entry.resolve(results[index]!);
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      this.#running--;
      this.#schedule();
    }
  }
}
