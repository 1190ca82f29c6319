import type { FakeAnswer } from './fake-http.ts';
import { v3Error } from './fake-http.ts';

/**
 * BigCommerce's per-store API quota: a fixed window refreshed every `windowMs` (30 s), shared by every
 * app of the store, `quota` requests per window (150 on Standard/Plus, 450 on Pro). Every answer
 * carries the four X-Rate-Limit-* headers; once the quota is spent the API answers 429 with the same
 * headers until the window resets. docs/api-docs/getting-started/api-rate-limits.mdx and
 * docs/start/about/index.mdx ("Reset-Ms: how many milliseconds are remaining in the window").
 */
export interface RateLimit {
  readonly quota: number;
  readonly windowMs: number;
}

export interface InjectedFailure {
  /** 429 (default) or a 5xx. */
  readonly status?: number;
  /**
   * Whether the answer carries the X-Rate-Limit-* headers (default true). A 429 without them is
   * BigCommerce under high load ("retry later with increasing waits", api-rate-limits.mdx).
   */
  readonly rateLimitHeaders?: boolean;
  /** Adds `X-Retry-After` (seconds), the legacy header of a rate-limited answer (about/index.mdx). */
  readonly retryAfterSeconds?: number;
}

interface Window {
  start: number;
  used: number;
}

export function createRateLimiter(options: { readonly defaults: RateLimit; readonly perStore: (storeHash: string) => RateLimit | undefined; readonly now: () => number }) {
  const windows = new Map<string, Window>();
  const injected = new Map<string, InjectedFailure[]>();

  const limitOf = (storeHash: string) => options.perStore(storeHash) ?? options.defaults;
  const windowOf = (storeHash: string): Window => {
    const now = options.now();
    const current = windows.get(storeHash);
    if (current && now < current.start + limitOf(storeHash).windowMs) return current;
    const fresh = { start: now, used: 0 };
    windows.set(storeHash, fresh);
    return fresh;
  };
  const headers = (storeHash: string, window: Window): Record<string, string> => {
    const limit = limitOf(storeHash);
    return {
      'X-Rate-Limit-Time-Window-Ms': String(limit.windowMs),
      'X-Rate-Limit-Time-Reset-Ms': String(Math.max(0, window.start + limit.windowMs - options.now())),
      'X-Rate-Limit-Requests-Quota': String(limit.quota),
      'X-Rate-Limit-Requests-Left': String(Math.max(0, limit.quota - window.used)),
    };
  };

  return {
    /**
     * Counts one request against the store's window: the headers to add to the answer, or the answer
     * that replaces it (an injected failure, or 429 once the quota is spent). Injected failures do not
     * count against the quota.
     */
    take(storeHash: string): { headers: Record<string, string> } | { answer: FakeAnswer } {
      const failure = injected.get(storeHash)?.shift();
      const window = windowOf(storeHash);
      if (failure) {
        const status = failure.status ?? 429;
        const limited = status === 429 ? { ...window, used: limitOf(storeHash).quota } : window;
        const extra: Record<string, string> = failure.rateLimitHeaders === false ? {} : headers(storeHash, limited);
        if (failure.retryAfterSeconds !== undefined) extra['X-Retry-After'] = String(failure.retryAfterSeconds);
        const title = status === 429 ? 'Too Many Requests' : status === 503 ? 'Service Unavailable' : status === 504 ? 'Gateway Timeout' : 'Internal Server Error';
        return { answer: { ...v3Error(status, title), headers: extra } };
      }
      if (window.used >= limitOf(storeHash).quota) {
        const extra = headers(storeHash, window);
        extra['X-Retry-After'] = String(Math.ceil(Number(extra['X-Rate-Limit-Time-Reset-Ms']) / 1000));
        return { answer: { ...v3Error(429, 'Too Many Requests'), headers: extra } };
      }
      window.used += 1;
      return { headers: headers(storeHash, window) };
    },
    /** The next `count` API requests of the store get this failure instead of an answer. */
    failNext(storeHash: string, count: number, failure: InjectedFailure = {}): void {
      const queue = injected.get(storeHash) ?? [];
      for (let i = 0; i < count; i++) queue.push(failure);
      injected.set(storeHash, queue);
    },
    /** Spends what is left of the store's current window (as another app of the store would). */
    drain(storeHash: string): void {
      windowOf(storeHash).used = limitOf(storeHash).quota;
    },
    /** Requests left in the store's current window. */
    left(storeHash: string): number {
      return Math.max(0, limitOf(storeHash).quota - windowOf(storeHash).used);
    },
  };
}
