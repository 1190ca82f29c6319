/**
 * Coalesces items submitted close together into one commit, and settles each item's promise only
 * once that commit is done. Under load, many items share one transaction (one fsync); when idle,
 * an item is committed at once.
 */
export class GroupCommit<Item, Result> {
  readonly #commit: (items: Item[]) => Promise<Result[]>;
  readonly #maxBatch: number;
  readonly #concurrency: number;
  readonly #lingerMs: number;
  #queue: Array<{ item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }> = [];
  #running = 0;
  #scheduled = false;

  /**
   * `lingerMs`: how long a commit may wait for more items (0: only this turn of the event loop). A
   * few milliseconds turn many small commits, each an fsync, into a few large ones.
   */
  constructor(commit: (items: Item[]) => Promise<Result[]>, options: { maxBatch?: number; concurrency?: number; lingerMs?: number } = {}) {
    this.#commit = commit;
    this.#maxBatch = options.maxBatch ?? 500;
    this.#concurrency = options.concurrency ?? 1;
    this.#lingerMs = options.lingerMs ?? 0;
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
    // Let whatever else arrives in this turn of the event loop (or the linger time) join the batch.
    const flush = () => {
      this.#scheduled = false;
      void this.#flush();
    };
    if (this.#lingerMs > 0 && this.#queue.length < this.#maxBatch) setTimeout(flush, this.#lingerMs);
    else setImmediate(flush);
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
