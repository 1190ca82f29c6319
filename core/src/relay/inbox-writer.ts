import type { InboxOutcome, NewWebhook, WebhookInbox } from '../webhooks/inbox.ts';
import { type CommitRefusal, CommitRefusedError, GroupCommit } from './group-commit.ts';

/**
 * How much the inbox holds while its writes wait for the database, and how long a webhook waits.
 * Both bounds hold twice over: for webhook requests under way (from their arrival, before their
 * body is read, to their answer) and for webhooks handed to a commit (until it settles, even when
 * their request was answered 503 first).
 */
export interface InboxLimits {
  readonly maxWebhooks: number;
  /** Their bodies' size: as declared by Content-Length at the door, as text in a commit. */
  readonly maxBytes: number;
  /** How long a webhook's acknowledgement may wait for its commit. */
  readonly writeTimeoutMs: number;
}

/**
 * 16 MB: sixteen of the largest bodies (1 MB) or 4,000 ordinary ones (4 KB), far above what healthy
 * load holds (one per open connection). A held body costs about three times its size (the bytes, the
 * text, the statement), so 16 MB keeps an outage within the relay's 250 MB: 300 bodies of 1 MB sent
 * while PostgreSQL was away peaked at 240 MB (32 MB: 265–313 MB; unbounded: 760 MB).
 * 5,000 webhooks: the same, for small bodies. 5 s: the platforms stop waiting for an answer then
 * (Shopify's and WooCommerce's timeouts), so a later 200 would be wasted.
 */
export const DEFAULT_INBOX_LIMITS: InboxLimits = { maxWebhooks: 5_000, maxBytes: 16 * 1024 * 1024, writeTimeoutMs: 5_000 };

/**
 * The inbox could not take a webhook now: it holds as much as it may (`full`) or the database did not
 * commit it in time (`timeout`). Nothing is lost: the request is answered 503 and the platform
 * delivers again (a webhook that was committed after all is then a duplicate).
 */
export class InboxUnavailableError extends Error {
  readonly status = 503;
  readonly reason: CommitRefusal;
  constructor(reason: CommitRefusal, detail: string) {
    super(`inbox unavailable: ${detail}`);
    this.name = 'InboxUnavailableError';
    this.reason = reason;
  }
}

/**
 * The webhook inbox's writer: webhooks arriving together are stored in one transaction, and each
 * is acknowledged only once that transaction has committed.
 */
export class InboxWriter {
  readonly #commits: GroupCommit<NewWebhook, InboxOutcome>;
  readonly #listeners = new Set<() => void>();
  readonly #limits: InboxLimits;
  #arriving = { webhooks: 0, bytes: 0 };

  constructor(store: Pick<WebhookInbox, 'insertWebhooks'> & { readonly dialect: 'sqlite' | 'postgres' }, limits: Partial<InboxLimits> = {}) {
    this.#limits = { ...DEFAULT_INBOX_LIMITS, ...definedOnly(limits) };
    const { maxWebhooks, maxBytes, writeTimeoutMs } = this.#limits;
    this.#commits = new GroupCommit(
      async (webhooks) => {
        const results = await store.insertWebhooks(webhooks);
        if (results.includes('stored')) for (const listener of this.#listeners) listener();
        return results;
      },
      // Postgres: two commits overlap, hiding one's round trip behind the other; more made smaller
      // batches, each paying the statement and its WAL flush (about 3.3k → 4k acknowledged/s when
      // PostgreSQL shares two cores with the relay). SQLite's writer thread coalesces whatever is
      // handed to it while it commits, so batches go to it without waiting.
      {
        maxBatch: 500,
        concurrency: store.dialect === 'postgres' ? 2 : 64,
        maxItems: maxWebhooks,
        maxBytes,
        sizeOf: (webhook) => webhook.body.length + HEADERS_SIZE,
        timeoutMs: writeTimeoutMs,
      },
    );
  }

  /**
   * Takes a place for a webhook request as it arrives, before its body is read, or throws
   * InboxUnavailableError (`full`) when the requests under way hold all the inbox may: whatever
   * holds them up (a shop lookup or a commit that the database does not answer), they cannot pile
   * up. Returns the place's release, to call once the request is answered (calling it again does nothing).
   */
  admit(bytes: number): () => void {
    const arriving = this.#arriving;
    if (arriving.webhooks > 0 && (arriving.webhooks + 1 > this.#limits.maxWebhooks || arriving.bytes + bytes > this.#limits.maxBytes)) {
      throw new InboxUnavailableError('full', `${arriving.webhooks} webhooks (${arriving.bytes} bytes) under way`);
    }
    arriving.webhooks++;
    arriving.bytes += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      arriving.webhooks--;
      arriving.bytes -= bytes;
    };
  }

  /** Resolves once committed; rejects with InboxUnavailableError when the inbox cannot take it now. */
  write(webhook: NewWebhook): Promise<InboxOutcome> {
    return this.#commits.submit(webhook).catch((error: unknown) => {
      throw error instanceof CommitRefusedError ? new InboxUnavailableError(error.reason, error.message) : error;
    });
  }

  /** What the inbox holds: webhook requests under way, and webhooks handed to a commit that has not settled. */
  get held(): { readonly requests: number; readonly requestBytes: number; readonly committing: number; readonly committingBytes: number } {
    const { items, bytes } = this.#commits.held;
    return { requests: this.#arriving.webhooks, requestBytes: this.#arriving.bytes, committing: items, committingBytes: bytes };
  }

  /** True while the next webhook would be refused. */
  get full(): boolean {
    const arriving = this.#arriving;
    return this.#commits.full || (arriving.webhooks > 0 && (arriving.webhooks >= this.#limits.maxWebhooks || arriving.bytes >= this.#limits.maxBytes));
  }

  /** Called after each commit that stored something, so processing starts without polling delay. */
  onStored(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** What a stored webhook's headers and row add to its body, roughly. */
const HEADERS_SIZE = 512;

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
