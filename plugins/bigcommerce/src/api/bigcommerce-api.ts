import { type Result, err, ok, parseJson } from '@cartrelay/core';

/**
 * BigCommerce's REST APIs (https://api.bigcommerce.com/stores/{hash}/v2|v3/…) for one app: the store's
 * token in X-Auth-Token, JSON both ways, and the store's rate limit kept. The quota is per store and
 * shared by every app installed there (150 requests per 30 s on Standard plans); each answer says how
 * many are left and when the window resets (X-Rate-Limit-Requests-Left, X-Rate-Limit-Time-Reset-Ms).
 * A request made when none are left, or answered 429, waits for the reset when it is near, and
 * otherwise comes back as `busy` with the moment to ask again: the caller waits without counting it a
 * failure (https://developer.bigcommerce.com/docs/start/best-practices/api-rate-limits).
 */
export interface BigCommerceApiOptions {
  /** https://api.bigcommerce.com, or a fake in tests. */
  readonly apiBaseUrl: string;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** The longest a request waits in place for the rate limit's window to reset (ms); beyond it, `busy`. */
  readonly maxWaitMs?: number;
  /** Deadline of one request (ms). */
  readonly timeoutMs?: number;
}

/** A store the app may call: its hash and the token its install gave. */
export interface StoreAccess {
  readonly storeHash: string;
  readonly accessToken: string;
}

export type ApiFailure =
  /** The store's rate limit is spent until `until` (epoch ms). */
  | { readonly kind: 'busy'; readonly until: number; readonly message: string }
  /** No answer, or 5xx: asking again later may work. */
  | { readonly kind: 'unavailable'; readonly status: number | null; readonly message: string }
  /** 401/403: the token no longer works (revoked, or a scope missing). */
  | { readonly kind: 'refused'; readonly status: number; readonly message: string }
  /** Any other answer: this request is wrong, or asks for what is not there (404, 422). */
  | { readonly kind: 'rejected'; readonly status: number; readonly message: string; readonly body: unknown };

export interface BigCommerceApi {
  /** The parsed JSON body; null for 204 (BigCommerce's "none", e.g. an order without coupons). */
  request(store: StoreAccess, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<Result<unknown, ApiFailure>>;
}

/** Requests kept in hand per store: the quota is the store's, whatever else the app is doing. */
const RESERVE = 1;
/** How often a failed request (no answer, 5xx, 429 without a reset) is tried again in place. */
const RETRIES = 2;

export function createBigCommerceApi(options: BigCommerceApiOptions): BigCommerceApi {
  const base = options.apiBaseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxWaitMs = options.maxWaitMs ?? 2_000;
  const timeoutMs = options.timeoutMs ?? 15_000;
  /** Per store: the window's requests left and when it resets, as the last answer said. */
  const windows = new Map<string, { left: number; resetAt: number }>();

  /** Waits for the window when the quota is spent and the reset is near; the reset moment when it is not. */
  async function waitForQuota(storeHash: string): Promise<number | null> {
    const window = windows.get(storeHash);
    if (!window || window.left > RESERVE || window.resetAt <= now()) return null;
    const wait = window.resetAt - now();
    if (wait > maxWaitMs) return window.resetAt;
    await sleep(wait);
    return null;
  }

  function observe(storeHash: string, headers: Headers): number | null {
    const left = Number(headers.get('x-rate-limit-requests-left'));
    const resetMs = Number(headers.get('x-rate-limit-time-reset-ms'));
    if (!headers.has('x-rate-limit-requests-left') || !Number.isFinite(left) || !Number.isFinite(resetMs)) return null;
    const resetAt = now() + Math.max(0, resetMs);
    windows.set(storeHash, { left, resetAt });
    return resetAt;
  }

  async function request(store: StoreAccess, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<Result<unknown, ApiFailure>> {
    const url = `${base}/stores/${encodeURIComponent(store.storeHash)}${path}`;
    const what = `${method} ${path}`;
    for (let attempt = 0; ; attempt++) {
      const busyUntil = await waitForQuota(store.storeHash);
      if (busyUntil !== null) return err({ kind: 'busy', until: busyUntil, message: `${what}: the store's API quota is spent until ${new Date(busyUntil).toISOString()}` });
      let response: Response;
      try {
        response = await doFetch(url, {
          method,
          headers: { 'x-auth-token': store.accessToken, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        if (attempt < RETRIES) {
          await sleep(backoff(attempt));
          continue;
        }
        return err({ kind: 'unavailable', status: null, message: `${what}: ${error instanceof Error ? error.message : String(error)}` });
      }
      const resetAt = observe(store.storeHash, response.headers);
      const text = await response.text();
      if (response.status === 429) {
        // With the headers, the window's reset; a 429 without them means BigCommerce is under load: back off.
        const retryAfter = Number(response.headers.get('x-retry-after'));
        const until = resetAt ?? (Number.isFinite(retryAfter) && retryAfter > 0 ? now() + retryAfter * 1000 : null);
        if (until !== null && until - now() > maxWaitMs) return err({ kind: 'busy', until, message: `${what}: HTTP 429, the store's API quota is spent` });
        if (attempt < RETRIES) {
          await sleep(until !== null ? Math.max(0, until - now()) : backoff(attempt));
          continue;
        }
        return err({ kind: 'busy', until: until ?? now() + backoff(attempt), message: `${what}: HTTP 429 again after ${attempt + 1} tries` });
      }
      if (response.status >= 500) {
        if (attempt < RETRIES) {
          await sleep(backoff(attempt));
          continue;
        }
        return err({ kind: 'unavailable', status: response.status, message: `${what}: HTTP ${response.status}` });
      }
      if (response.status === 204 || text.trim() === '') return response.ok ? ok(null) : err(failure(what, response.status, null));
      const parsed = parseJson(text);
      if (!parsed.ok) return err({ kind: 'unavailable', status: response.status, message: `${what}: HTTP ${response.status} with a body that is not JSON` });
      return response.ok ? ok(parsed.value) : err(failure(what, response.status, parsed.value));
    }
  }

  return { request };
}

/** 1 s, 2 s, … with a little jitter, for answers that give no moment to come back. */
function backoff(attempt: number): number {
  return 1_000 * 2 ** attempt * (0.75 + Math.random() / 2);
}

function failure(what: string, status: number, body: unknown): ApiFailure {
  const title = typeof body === 'object' && body !== null && 'title' in body ? `: ${String((body as { title: unknown }).title)}` : '';
  const message = `${what}: HTTP ${status}${title}`;
  return status === 401 || status === 403 ? { kind: 'refused', status, message } : { kind: 'rejected', status, message, body };
}

/** BigCommerce V3 answers `{data, meta}`; a few documented examples show the object alone. */
export function v3Data(body: unknown): unknown {
  return typeof body === 'object' && body !== null && 'data' in body ? (body as { data: unknown }).data : body;
}
