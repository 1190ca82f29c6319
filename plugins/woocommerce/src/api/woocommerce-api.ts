import { type Result, err, ok, rateLimitResetAt } from '@cartrelay/core';
import WooCommerceRestApiModule from '@woocommerce/woocommerce-rest-api';

/**
 * A WooCommerce store's REST API through WooCommerce's own client (@woocommerce/woocommerce-rest-api),
 * which authenticates as WooCommerce expects: HTTP Basic with the consumer key and secret on https
 * sites, OAuth 1.0a on plain-http ones (https://woocommerce.github.io/woocommerce-rest-api-docs/#authentication).
 * Answers come back as Results: nothing here throws.
 */

/** The client's calls used here; axios answers, read whatever their status. */
interface RestClient {
  get(path: string, params: Record<string, string>): Promise<RawAnswer>;
  delete(path: string, params: Record<string, string>): Promise<RawAnswer>;
  post(path: string, body: unknown, params: Record<string, string>): Promise<RawAnswer>;
  put(path: string, body: unknown, params: Record<string, string>): Promise<RawAnswer>;
}
type RawAnswer = { status: number; data: unknown; headers: Record<string, unknown> };
type ClientClass = new (options: { url: string; consumerKey: string; consumerSecret: string; version: string; timeout: number; axiosConfig: object }) => RestClient;
// The package is CommonJS typed as an ES module: under Node's ESM loader the class may sit on `default`.
const imported = WooCommerceRestApiModule as unknown as ClientClass & { default?: ClientClass };
const WooCommerceRestApi: ClientClass = imported.default ?? imported;

/** What the app holds to call one store: its site URL and the REST key the store approved. */
export interface WooStoreAccess {
  readonly siteUrl: string;
  readonly consumerKey: string;
  readonly consumerSecret: string;
}

export type WooApiFailure =
  /** No answer, 5xx or 429: asking again later may work; `retryAt` when the store said when. */
  | { readonly kind: 'unavailable'; readonly status: number | null; readonly message: string; readonly retryAt: number | null }
  /** 401/403: the key no longer works (revoked, or read-only). */
  | { readonly kind: 'refused'; readonly status: number; readonly message: string }
  /** Any other answer (404: not there, 400: a wrong request). */
  | { readonly kind: 'rejected'; readonly status: number; readonly message: string };

export interface WooAnswer {
  readonly body: unknown;
  /** WordPress's X-WP-TotalPages on list endpoints; null when absent. */
  readonly totalPages: number | null;
}

export interface WooCommerceApi {
  /** `namespace`: `wc/v3` for WooCommerce, `wc-cartrelay/v1` for the CartRelay plugin's own route. */
  request(
    store: WooStoreAccess,
    method: 'get' | 'post' | 'put' | 'delete',
    path: string,
    options?: { readonly params?: Readonly<Record<string, string | number | boolean>>; readonly body?: unknown; readonly namespace?: 'wc/v3' | 'wc-cartrelay/v1' },
  ): Promise<Result<WooAnswer, WooApiFailure>>;
}

/** Deadline of one request (ms): a WordPress site on shared hosting answers slowly, but it answers. */
const TIMEOUT_MS = 20_000;

export function createWooCommerceApi(options: { readonly timeoutMs?: number; readonly now?: () => number } = {}): WooCommerceApi {
  const now = options.now ?? Date.now;
  return {
    async request(store, method, path, { params = {}, body, namespace = 'wc/v3' } = {}) {
      const client = new WooCommerceRestApi({
        url: store.siteUrl,
        consumerKey: store.consumerKey,
        consumerSecret: store.consumerSecret,
        // The plugin's namespace is authenticated by WooCommerce like its own (any `wc-` prefix).
        version: namespace,
        timeout: options.timeoutMs ?? TIMEOUT_MS,
        // Answers are read whatever their status: a 4xx is an answer, not an exception.
        axiosConfig: { validateStatus: () => true },
      });
      const query = Object.fromEntries(Object.entries(params).map(([key, value]) => [key, String(value)]));
      let answer: RawAnswer;
      try {
        answer =
          method === 'get' ? await client.get(path, query) : method === 'delete' ? await client.delete(path, query) : method === 'post' ? await client.post(path, body ?? {}, query) : await client.put(path, body ?? {}, query);
      } catch (error) {
        return err({ kind: 'unavailable', status: null, message: `${store.siteUrl} did not answer: ${error instanceof Error ? error.message : String(error)}`, retryAt: null });
      }
      const { status, data, headers } = answer;
      if (status >= 200 && status < 300) {
        const pages = Number(headers['x-wp-totalpages']);
        return ok({ body: data, totalPages: Number.isFinite(pages) && headers['x-wp-totalpages'] !== undefined ? pages : null });
      }
      const message = `${method.toUpperCase()} ${namespace}/${path} answered ${status}${describe(data)}`;
      if (status === 401 || status === 403) return err({ kind: 'refused', status, message });
      if (status === 429 || status >= 500) return err({ kind: 'unavailable', status, message, retryAt: rateLimitResetAt(stringHeaders(headers), now()) });
      return err({ kind: 'rejected', status, message });
    },
  };
}

/** WordPress's error bodies: `{code, message, data: {status}}`. */
function describe(data: unknown): string {
  if (data && typeof data === 'object' && 'message' in data && typeof data.message === 'string') {
    const code = 'code' in data && typeof data.code === 'string' ? ` ${data.code}` : '';
    return `:${code} ${data.message.replace(/<[^>]*>/g, '').slice(0, 300)}`;
  }
  return '';
}

/** axios's headers as the strings core's header readers take. */
function stringHeaders(headers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).flatMap(([name, value]) => (typeof value === 'string' ? [[name.toLowerCase(), value]] : [])));
}
