import '@shopify/shopify-api/adapters/node';
import { ApiVersion, LogSeverity, type Shopify, shopifyApi } from '@shopify/shopify-api';
import { abstractFetch, setAbstractFetchFunc } from '@shopify/shopify-api/runtime';

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
}

/** The one `@shopify/shopify-api` instance of the embedded app, its console logging limited to errors. */
export function createShopifyApi(options: ShopifyApiOptions): Shopify {
  if (options.adminApiUrl) redirectShopRequests(options.adminApiUrl);
  const scheme = /^https?:\/\//.exec(options.hostName)?.[0];
  return shopifyApi({
    apiKey: options.apiKey,
    apiSecretKey: options.apiSecretKey,
    hostName: options.hostName.replace(/^https?:\/\//, '').replace(/\/+$/, ''),
    hostScheme: scheme === 'http://' ? 'http' : 'https',
    scopes: [...(options.scopes ?? [])],
    apiVersion: options.apiVersion ?? ApiVersion.July26,
    isEmbeddedApp: true,
    logger: { level: LogSeverity.Error, httpRequests: false, timestamps: false, log: () => {} },
  });
}

/**
 * v15 offers no per-instance fetch or base URL: it hard-codes `https://${shop}/admin/…` in the
 * GraphQL client (admin-api-client's storeDomain), the OAuth callback and token exchange
 * (lib/auth/oauth/*.ts), and sends all of them through the runtime's `abstractFetch`, which the
 * node adapter sets to globalThis.fetch (adapters/node/index.ts). `domainTransformations` only
 * rewrites the host and keeps https. So the seam is `setAbstractFetchFunc`: a fetch that rewrites
 * `https://<x>.myshopify.com/…` to the fake and keeps the shop in a header. It is process-wide (the
 * last adminApiUrl wins, GraphQL clients capture the fetch when they are constructed) — a test seam
 * only; production never sets adminApiUrl and keeps the adapter's fetch untouched.
 */
let redirectTarget: string | null = null;
let realFetch: typeof abstractFetch | null = null;

function redirectShopRequests(adminApiUrl: string): void {
  redirectTarget = adminApiUrl.replace(/\/+$/, '');
  if (realFetch) return;
  const original = abstractFetch;
  realFetch = original;
  setAbstractFetchFunc(async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (!redirectTarget || url.protocol !== 'https:' || !url.hostname.endsWith('.myshopify.com')) return original(input, init);
    const headers = new Headers(init?.headers);
    headers.set('X-Shopify-Shop-Domain', url.hostname);
    return original(`${redirectTarget}${url.pathname}${url.search}`, { ...init, headers });
  });
}
