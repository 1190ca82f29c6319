/** Why the group commit did not take an item: its queue was at its bound, or the item waited past its deadline. */
export type CommitRefusal = 'full' | 'timeout';

/** An item refused by a GroupCommit: not committed by it (`full`), or not known to be (`timeout`). */
export class CommitRefusedError extends Error {
  readonly reason: CommitRefusal;
  constructor(reason: CommitRefusal, message: string) {
    super(message);
    this.name = 'CommitRefusedError';
    this.reason = reason;
  }
}

export interface GroupCommitOptions<Item> {
  /** Items per commit. */
  readonly maxBatch?: number;
  /** Commits under way at once. */
  readonly concurrency?: number;
  /**
   * How long a commit may wait for more items (0: only this turn of the event loop). A few
   * milliseconds turn many small commits, each an fsync, into a few large ones.
   */
  readonly lingerMs?: number;
  /** Items held at once, waiting or being committed; beyond it `submit` refuses at once (`full`). */
  readonly maxItems?: number;
  /** Bytes held at once, by `sizeOf`; beyond it `submit` refuses at once (`full`). One item alone is always taken. */
  readonly maxBytes?: number;
  readonly sizeOf?: (item: Item) => number;
  /**
   * How long an item's promise may stay unsettled: past it, the item is refused (`timeout`). One
   * still waiting is dropped and never committed; one already in a commit may yet be committed.
   */
  readonly timeoutMs?: number;
}

interface Entry<Item, Result> {
  readonly item: Item;
  readonly size: number;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: unknown) => void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Coalesces items submitted close together into one commit, and settles each item's promise only
 * once that commit is done. Under load, many items share one transaction (one fsync); when idle,
 * an item is committed at once.
 *
 * What it holds is bounded (items and bytes, counted until their commit has settled, so a commit
 * that hangs keeps counting) and so is the time an item waits: when the database stops answering,
 * callers get a refusal they can turn into "try again later", instead of memory growing and
 * requests hanging.
 */
export class GroupCommit<Item, Result> {
  readonly #commit: (items: Item[]) => Promise<Result[]>;
  readonly #maxBatch: number;
  readonly #concurrency: number;
  readonly #lingerMs: number;
  readonly #maxItems: number;
  readonly #maxBytes: number;
  readonly #sizeOf: (item: Item) => number;
  readonly #timeoutMs: number | undefined;
  #queue: Array<Entry<Item, Result>> = [];
  #running = 0;
  #scheduled = false;
  #heldItems = 0;
  #heldBytes = 0;

  constructor(commit: (items: Item[]) => Promise<Result[]>, options: GroupCommitOptions<Item> = {}) {
    this.#commit = commit;
    this.#maxBatch = options.maxBatch ?? 500;
    this.#concurrency = options.concurrency ?? 1;
    this.#lingerMs = options.lingerMs ?? 0;
    this.#maxItems = options.maxItems ?? Number.POSITIVE_INFINITY;
    this.#maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    this.#sizeOf = options.sizeOf ?? (() => 0);
    this.#timeoutMs = options.timeoutMs;
  }

  /** What is held now: items waiting or in a commit, and their bytes. */
  get held(): { readonly items: number; readonly bytes: number } {
    return { items: this.#heldItems, bytes: this.#heldBytes };
  }

  /** True when the next item would be refused whatever its size. */
  get full(): boolean {
    return this.#heldItems > 0 && (this.#heldItems >= this.#maxItems || this.#heldBytes >= this.#maxBytes);
  }

  submit(item: Item): Promise<Result> {
    const size = this.#sizeOf(item);
    if (this.#heldItems > 0 && (this.#heldItems + 1 > this.#maxItems || this.#heldBytes + size > this.#maxBytes)) {
      return Promise.reject(
        new CommitRefusedError('full', `write queue full (${this.#heldItems} items, ${this.#heldBytes} bytes waiting or being committed)`),
      );
    }
    return new Promise((resolve, reject) => {
      const entry: Entry<Item, Result> = { item, size, resolve, reject, timer: undefined };
      this.#heldItems++;
      this.#heldBytes += size;
      if (this.#timeoutMs !== undefined) entry.timer = setTimeout(() => this.#expire(entry), this.#timeoutMs);
      this.#queue.push(entry);
      this.#schedule();
    });
  }

  #expire(entry: Entry<Item, Result>): void {
    entry.timer = undefined;
    // Deadlines run out in the order items came, so a waiting one is at (or very near) the front.
    const index = this.#queue.indexOf(entry);
    if (index >= 0) {
      this.#queue.splice(index, 1);
      this.#release(entry);
      entry.reject(new CommitRefusedError('timeout', `not committed within ${this.#timeoutMs} ms; dropped before its commit`));
    } else {
      // In a commit that has not answered: its bytes stay counted until it does.
      entry.reject(new CommitRefusedError('timeout', `not committed within ${this.#timeoutMs} ms; its commit has not answered`));
    }
  }

  #release(entry: Entry<Item, Result>): void {
    this.#heldItems--;
    this.#heldBytes -= entry.size;
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
      // An entry whose deadline passed was already refused; settling it again changes nothing.
      for (const [index, entry] of batch.entries()) entry.resolve(results[index]!);
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      for (const entry of batch) {
        if (entry.timer) clearTimeout(entry.timer);
        this.#release(entry);
      }
      this.#running--;
      this.#schedule();
    }
  }
}
