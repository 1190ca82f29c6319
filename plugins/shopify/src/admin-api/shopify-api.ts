import '@shopify/shopify-api/adapters/node';
import { ApiVersion, LogSeverity, type Shopify, shopifyApi } from '@shopify/shopify-api';
import { abstractFetch, setAbstractFetchFunc } from '@shopify/shopify-api/runtime';
import type { Logger } from 'pino';
import type { ShopifyEnv } from '../plugin.ts';

export interface ShopifyApiOptions {
  readonly apiKey: string;
  readonly apiSecretKey: string;
  /** The app's public host (SHOPIFY_APP_URL without the scheme). */
  readonly hostName: string;
  readonly scopes?: readonly string[];
  readonly apiVersion?: ApiVersion;
  /**
   * Test seam: a base URL (`http://127.0.0.1:54321`) that receives every request the library would
   * send to `https://{shop}/…`, same path and query, with the shop in `X-Shopify-Shop-Domain`.
   */
  readonly adminApiUrl?: string;
  /** Where the library's own messages go (deprecations included); silent without one. */
  readonly logger?: Logger;
  /**
   * The deadline of every request the library sends (GraphQL, the token endpoint), answer included
   * (ms; default 10 s). Without one, a Shopify that stops answering holds a call for minutes; and a
   * token renewal must end well within its lease (OfflineAccess, 30 s).
   */
  readonly requestTimeoutMs?: number;
}

/** The app's `@shopify/shopify-api` instance from its settings, or null when they do not configure the app. */
export function shopifyApiFromSettings(env: ShopifyEnv, logger?: Logger): Shopify | null {
  if (!env.SHOPIFY_API_KEY || !env.SHOPIFY_API_SECRET || !env.SHOPIFY_APP_URL) return null;
  return createShopifyApi({
    apiKey: env.SHOPIFY_API_KEY,
    apiSecretKey: env.SHOPIFY_API_SECRET,
    hostName: env.SHOPIFY_APP_URL,
    scopes: env.SHOPIFY_SCOPES,
    ...(env.SHOPIFY_ADMIN_API_URL ? { adminApiUrl: env.SHOPIFY_ADMIN_API_URL } : {}),
    ...(logger ? { logger } : {}),
  });
}

/** The one `@shopify/shopify-api` instance of the embedded app, logging through the relay's logger. */
export function createShopifyApi(options: ShopifyApiOptions): Shopify {
  routeRequests({ adminApiUrl: options.adminApiUrl ?? null, timeoutMs: options.requestTimeoutMs ?? 10_000 });
  const scheme = /^https?:\/\//.exec(options.hostName)?.[0];
  return shopifyApi({
    apiKey: options.apiKey,
    apiSecretKey: options.apiSecretKey,
    hostName: options.hostName.replace(/^https?:\/\//, '').replace(/\/+$/, ''),
    hostScheme: scheme === 'http://' ? 'http' : 'https',
    scopes: [...(options.scopes ?? [])],
    apiVersion: options.apiVersion ?? ApiVersion.July26,
    isEmbeddedApp: true,
    logger: { level: LogSeverity.Info, httpRequests: false, timestamps: false, log: libraryLog(options.logger) },
  });
}

/**
 * The library formats each message itself (`[shopify-api/WARNING] [Deprecated | 16.0.0] …`). Its
 * info lines (a session created, the future flags at start) are detail, so they log at debug.
 */
function libraryLog(logger: Logger | undefined): (severity: LogSeverity, message: string) => void {
  if (!logger) return () => {};
  const child = logger.child({ component: 'shopify-api' });
  return (severity, message) => {
    if (severity === LogSeverity.Error) child.error(message);
    else if (severity === LogSeverity.Warning) child.warn(message);
    else child.debug(message);
  };
}

/**
 * Every request of the library goes through the runtime's `abstractFetch`, which the node adapter
 * sets to globalThis.fetch (adapters/node/index.ts); v15 offers no per-instance fetch, timeout or base
 * URL. So the seam is `setAbstractFetchFunc`, process-wide, installed once: it adds the deadline, and
 * in tests sends `https://<x>.myshopify.com/…` (hard-coded in the GraphQL client, the OAuth callback
 * and the token endpoint calls: lib/auth/oauth/*.ts) to a fake, keeping the shop in
 * `X-Shopify-Shop-Domain`. The last instance's settings win; production sets no adminApiUrl.
 */
let routing: { adminApiUrl: string | null; timeoutMs: number } = { adminApiUrl: null, timeoutMs: 10_000 };
let installed = false;

function routeRequests(settings: { adminApiUrl: string | null; timeoutMs: number }): void {
  routing = { adminApiUrl: settings.adminApiUrl?.replace(/\/+$/, '') ?? null, timeoutMs: settings.timeoutMs };
  if (installed) return;
  installed = true;
  const original = abstractFetch;
  setAbstractFetchFunc(async (input, init) => {
    const deadline = AbortSignal.timeout(routing.timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (!routing.adminApiUrl || url.protocol !== 'https:' || !url.hostname.endsWith('.myshopify.com')) return original(input, { ...init, signal });
    const headers = new Headers(init?.headers);
    headers.set('X-Shopify-Shop-Domain', url.hostname);
    return original(`${routing.adminApiUrl}${url.pathname}${url.search}`, { ...init, headers, signal });
  });
}
