import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeAnswer } from './fake-http.ts';
import { header, isRecord, listen, parseJsonBody, readBody, send, v3Error } from './fake-http.ts';
import type { FakeGrant, FakeUser, IssuedAuthCode, SignPayloadJwtInput } from './fake-login.ts';
import { createLogin, signPayloadJwt } from './fake-login.ts';
import type { FakeEvent, StoredOrder, V2Order, V2OrderProduct, V3Refund } from './fake-orders.ts';
import { ORDER_STATUSES, createOrders } from './fake-orders.ts';
import type { InjectedFailure, RateLimit } from './fake-rate-limit.ts';
import { createRateLimiter } from './fake-rate-limit.ts';
import type { FakeScript } from './fake-scripts.ts';
import { createScripts } from './fake-scripts.ts';
import type { FakeCart, FakeCatalogProduct, FakeStorefront, PlacedOrder } from './fake-storefront.ts';
import { DEFAULT_CATALOG, startStorefront } from './fake-storefront.ts';
import type { DeliverOptions, FakeDelivery, FakeHook } from './fake-webhooks.ts';
import { createWebhooks } from './fake-webhooks.ts';

/**
 * A fake BigCommerce on 127.0.0.1 for tests and the demo, as `fake-shopify.ts` is for Shopify: the
 * login service's token endpoint, the REST APIs CartRelay uses (V3 webhooks, Scripts, V2 orders,
 * V3 refunds) behind `X-Auth-Token` with per-store rate limits, BigCommerce's side of webhook
 * deliveries, and one storefront per store on its own origin that a real browser can shop and check
 * out on. Facts from bigcommerce/docs@24f580c; each module cites the page it follows.
 *
 * The API and the token endpoint share one origin: point the app's API base URL and login base URL at
 * `url` (`{url}/stores/{hash}/v3/…`, `{url}/oauth2/token`).
 */
export type { DeliverOptions, FakeAnswer, FakeCart, FakeCatalogProduct, FakeDelivery, FakeEvent, FakeHook, FakeScript, FakeUser, IssuedAuthCode, InjectedFailure, PlacedOrder, RateLimit, SignPayloadJwtInput, StoredOrder, V2Order, V2OrderProduct, V3Refund };
export { DEFAULT_CATALOG, ORDER_STATUSES, signPayloadJwt };

export interface FakeStoreOptions {
  /** The numeric `store_id` webhook envelopes carry (default derived from the hash). */
  readonly storeId?: string;
  /** This store's quota (default: the fake's `rateLimit`). */
  readonly rateLimit?: RateLimit;
  /** What the storefront sells (default `DEFAULT_CATALOG`). */
  readonly catalog?: readonly FakeCatalogProduct[];
  /** The store shows a cookie consent banner: scripts with consent category `unknown` are not rendered. */
  readonly consentBanner?: boolean;
  /** The status of an order placed at checkout (default 11, Awaiting Fulfillment). */
  readonly placedStatusId?: number;
}

export interface FakeBigCommerceOptions {
  /** The app's client id (default `fake-client-id`): `aud` of signed payloads, owner of its tokens' hooks and scripts. */
  readonly clientId?: string;
  /** The app's client secret (default `fake-client-secret`): token endpoint, signed payloads, Standard Webhooks signatures. */
  readonly clientSecret?: string;
  /** Tokens the API accepts from the start, store hash → token, with `scope`. */
  readonly tokens?: Readonly<Record<string, string>>;
  /** Scope of the `tokens` above (default: orders, transactions, content and checkout content, all modify). */
  readonly scope?: string;
  /** Stores with their own settings; each gets its storefront at start. */
  readonly stores?: Readonly<Record<string, FakeStoreOptions>>;
  /** Per-store quota (default 150 requests per 30 s, BigCommerce Standard/Plus). */
  readonly rateLimit?: RateLimit;
  /** The auth callback registered in the app profile: when set, token requests must send it as `redirect_uri`. */
  readonly redirectUri?: string;
  readonly accountUuid?: string;
  /** Whether deliveries carry Standard Webhooks signatures unless told otherwise (default true). */
  readonly signWebhooks?: boolean;
  /** The clock (ms) for rate-limit windows, dates, JWTs and webhook times; default `Date.now`. */
  readonly now?: () => number;
}

export interface FakeBigCommerceCall {
  readonly method: string;
  readonly path: string;
  /** The store hash of an API or storefront request; the context's for the token endpoint. */
  readonly store: string | null;
  /** e.g. `token`, `hooks.create`, `scripts.list`, `orders.list`, `orders.get`, `refunds.list`, `storefront.checkout`, `storefront.place-order`. */
  readonly operation: string;
  readonly status: number;
  readonly query: Readonly<Record<string, string>>;
  /** The JSON body sent, if any. */
  readonly body?: unknown;
  /** The API client whose token was used (API requests that passed authentication). */
  readonly clientId?: string;
}

export interface FakeBigCommerceHooks {
  /** Runs before any request (API, token endpoint, storefront) is answered; an answer returned replaces the fake's (and skips rate limits). */
  beforeRequest?: (request: { method: string; path: string; store: string | null; operation: string; query: Readonly<Record<string, string>>; body: unknown }) =>
    | Promise<FakeAnswer | undefined>
    | FakeAnswer
    | undefined;
}

export interface FakeBigCommerce {
  /** API and login base URL. */
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  close(): Promise<void>;
  /** Every request, in order. */
  readonly calls: FakeBigCommerceCall[];
  /** Every webhook POST made, in order. */
  readonly deliveries: FakeDelivery[];
  /** Test overrides (fault injection). */
  readonly hooks: FakeBigCommerceHooks;

  // Login and tokens.
  /** A one-time code, as BigCommerce puts in the auth callback; `query` is that callback's query string. */
  issueAuthCode(storeHash: string, input: { scope: string; user?: FakeUser; owner?: FakeUser; redirectUri?: string }): IssuedAuthCode;
  /** A token without the code dance (default: the app's client and the fake's `scope`); revokes the client's earlier token for the store. */
  issueToken(storeHash: string, input?: { scope?: string; clientId?: string; clientSecret?: string }): string;
  /** The app's live token for the store, or null. */
  tokenOf(storeHash: string): string | null;
  /** Revokes the app's tokens for the store, and removes its `auto_uninstall` scripts ("…or OAuth token is revoked"). */
  revokeToken(storeHash: string): void;
  /** The merchant uninstalls the app: tokens revoked, its hooks deleted, its `auto_uninstall` scripts removed. */
  uninstall(storeHash: string): void;
  /** A `signed_payload_jwt` for /load, /uninstall, /remove_user, signed with the app's credentials unless overridden. */
  signPayloadJwt(input: SignPayloadJwtInput): string;

  // Rate limits and faults.
  /** The next `count` API requests of the store fail (429 by default, with the rate-limit headers unless told not to). */
  failNext(storeHash: string, count: number, failure?: InjectedFailure): void;
  /** Spends the store's current window, as another app of the store would. */
  drainQuota(storeHash: string): void;
  /** Requests left in the store's current window. */
  quotaLeft(storeHash: string): number;

  // Webhooks.
  /** Every hook of the store, all clients. */
  hooksOf(storeHash: string): FakeHook[];
  /** BigCommerce deactivates a hook (`is_active: false`) after its retries run out. */
  deactivateHook(id: number): void;
  /** The hook disappears (deleted outside the app). */
  deleteHook(id: number): void;
  /** POSTs the event's envelope to every active hook of the store for that scope; the deliveries made. */
  deliver(storeHash: string, scope: string, data: Record<string, unknown>, options?: DeliverOptions): Promise<FakeDelivery[]>;
  /** Sends a delivery again, same body and webhook-id, signed at `at` (default now): a retry or duplicate. */
  redeliver(delivery: FakeDelivery, options?: { at?: number }): Promise<FakeDelivery>;

  // Scripts.
  /** Every script of the store, all clients. */
  scriptsOf(storeHash: string): FakeScript[];
  /** A merchant changes a script's consent category or switches it off in Script Manager. */
  alterScriptAsMerchant(uuid: string, change: Partial<Pick<FakeScript, 'consent_category' | 'enabled'>>): FakeScript;
  /** A merchant deletes a script in Script Manager. */
  deleteScriptAsMerchant(uuid: string): void;

  // Orders.
  /** Stores an order bundle exactly as given (kept for the demo and older tests). */
  setOrder(storeHash: string, bundle: { order: V2Order; products: unknown[]; coupons: unknown[] }): void;
  /** A new order completed with the V2 fields (id, RFC 2822 dates now, status 11, totals, sub-resource links); given fields win. */
  addOrder(storeHash: string, input?: { order?: Partial<V2Order>; products?: V2OrderProduct[]; coupons?: unknown[] }): V2Order;
  /** Merges a change into an order and moves `date_modified` to now (unless the change sets it). */
  updateOrder(storeHash: string, orderId: number | string, change: Partial<V2Order>): V2Order;
  /** Changes `status_id`/`status`, moves `date_modified`; `events` holds the `store/order/statusUpdated` to deliver. */
  setStatus(storeHash: string, orderId: number | string, statusId: number): { order: V2Order; events: FakeEvent[] };
  /** Refunds lines (by order product `itemId` or `sku`) or an amount; see `fake-orders.ts`. `events`: refund/created (+ statusUpdated). */
  refund(
    storeHash: string,
    orderId: number | string,
    lines: ReadonlyArray<{ itemId?: number; sku?: string; quantity: number }>,
    options?: { amount?: string; reason?: string },
  ): { order: V2Order; refund: V3Refund; events: FakeEvent[] };
  orderOf(storeHash: string, orderId: number | string): StoredOrder | undefined;

  // Storefronts.
  /** The store's storefront origin (started at start for `stores`, else by `openStorefront`). */
  storefrontUrl(storeHash: string): string;
  /** Starts the store's storefront if needed; its origin. */
  openStorefront(storeHash: string): Promise<string>;
  /** A cart made outside a browser (for tests without one); its id is the checkout id. */
  createCart(storeHash: string, lines: ReadonlyArray<{ productId: number; quantity: number }>): Promise<FakeCart>;
  /** Places the cart's order as checkout does: V2 order with `cart_id`, then `store/order/created` and `store/cart/converted`. */
  placeOrder(storeHash: string, cartId: string, input?: { email?: string }): Promise<PlacedOrder>;
}

const DEFAULT_SCOPE = 'store_v2_orders store_v2_transactions store_v2_content store_content_checkout';

interface Route {
  readonly method: string;
  /** Matched against the path after `/stores/{hash}`. */
  readonly pattern: RegExp;
  readonly operation: string;
  readonly handle: (grant: FakeGrant, id: string | undefined, query: URLSearchParams, body: unknown) => FakeAnswer;
}

export async function startFakeBigCommerce(options: FakeBigCommerceOptions = {}): Promise<FakeBigCommerce> {
  const clientId = options.clientId ?? 'fake-client-id';
  const clientSecret = options.clientSecret ?? 'fake-client-secret';
  const now = options.now ?? Date.now;
  const storeOptions = (storeHash: string): FakeStoreOptions => options.stores?.[storeHash] ?? {};
  const calls: FakeBigCommerceCall[] = [];
  const hooks: FakeBigCommerceHooks = {};
  let apiUrl = '';

  const login = createLogin({ clientId, clientSecret, accountUuid: options.accountUuid ?? '12345678-90ab-cdef-1234-567890abcdef', redirectUri: options.redirectUri ?? null });
  for (const [storeHash, token] of Object.entries(options.tokens ?? {})) login.issueToken(storeHash, options.scope ?? DEFAULT_SCOPE, clientId, token);
  const limiter = createRateLimiter({ defaults: options.rateLimit ?? { quota: 150, windowMs: 30_000 }, perStore: (storeHash) => storeOptions(storeHash).rateLimit, now });
  const webhooks = createWebhooks({
    now,
    storeIdOf: (storeHash) => storeOptions(storeHash).storeId ?? String(1_000_000 + Number.parseInt(createHash('sha1').update(storeHash).digest('hex').slice(0, 5), 16)),
    secretOf: (client) => login.clientSecrets.get(client) ?? `${client}-secret`,
    signByDefault: options.signWebhooks ?? true,
  });
  const scripts = createScripts({ now });
  const orders = createOrders({ now, apiUrl: () => apiUrl });

  const routes: Route[] = [
    { method: 'GET', pattern: /^\/v3\/hooks$/, operation: 'hooks.list', handle: (grant, _id, query) => webhooks.api.list(grant, query) },
    { method: 'POST', pattern: /^\/v3\/hooks$/, operation: 'hooks.create', handle: (grant, _id, _query, body) => webhooks.api.create(grant, body) },
    { method: 'GET', pattern: /^\/v3\/hooks\/(\d+)$/, operation: 'hooks.get', handle: (grant, id) => webhooks.api.get(grant, id) },
    { method: 'PUT', pattern: /^\/v3\/hooks\/(\d+)$/, operation: 'hooks.update', handle: (grant, id, _query, body) => webhooks.api.update(grant, id, body) },
    { method: 'DELETE', pattern: /^\/v3\/hooks\/(\d+)$/, operation: 'hooks.delete', handle: (grant, id) => webhooks.api.remove(grant, id) },
    { method: 'GET', pattern: /^\/v3\/content\/scripts$/, operation: 'scripts.list', handle: (grant, _id, query) => scripts.api.list(grant, query) },
    { method: 'POST', pattern: /^\/v3\/content\/scripts$/, operation: 'scripts.create', handle: (grant, _id, _query, body) => scripts.api.create(grant, body) },
    { method: 'GET', pattern: /^\/v3\/content\/scripts\/([\w-]+)$/, operation: 'scripts.get', handle: (grant, id) => scripts.api.get(grant, id) },
    { method: 'PUT', pattern: /^\/v3\/content\/scripts\/([\w-]+)$/, operation: 'scripts.update', handle: (grant, id, _query, body) => scripts.api.update(grant, id, body) },
    { method: 'DELETE', pattern: /^\/v3\/content\/scripts\/([\w-]+)$/, operation: 'scripts.delete', handle: (grant, id) => scripts.api.remove(grant, id) },
    { method: 'GET', pattern: /^\/v2\/orders$/, operation: 'orders.list', handle: (grant, _id, query) => orders.api.list(grant, query) },
    { method: 'GET', pattern: /^\/v2\/orders\/(\d+)$/, operation: 'orders.get', handle: (grant, id) => orders.api.get(grant, id, 'order') },
    { method: 'GET', pattern: /^\/v2\/orders\/(\d+)\/products$/, operation: 'orders.products', handle: (grant, id) => orders.api.get(grant, id, 'products') },
    { method: 'GET', pattern: /^\/v2\/orders\/(\d+)\/coupons$/, operation: 'orders.coupons', handle: (grant, id) => orders.api.get(grant, id, 'coupons') },
    { method: 'GET', pattern: /^\/v3\/orders\/(\d+)\/payment_actions\/refunds$/, operation: 'refunds.list', handle: (grant, id) => orders.api.refunds(grant, id) },
    {
      method: 'GET',
      pattern: /^\/v2\/order_statuses$/,
      operation: 'order_statuses',
      handle: () => ({ status: 200, body: Object.entries(ORDER_STATUSES).map(([id, name]) => ({ id: Number(id), name, system_label: name, custom_label: name, system_description: '', order: Number(id) })) }),
    },
  ];

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = new URL(request.url ?? '/', 'http://fake');
    const method = request.method ?? 'GET';
    const query = Object.fromEntries(target.searchParams);
    const raw = await readBody(request);
    const parsed = parseJsonBody(raw);
    const body = parsed.ok ? parsed.value : undefined;
    const reply = (store: string | null, operation: string, answer: FakeAnswer, grant?: FakeGrant) => {
      calls.push({ method, path: target.pathname, store, operation, status: answer.status, query, ...(body === undefined ? {} : { body }), ...(grant ? { clientId: grant.clientId } : {}) });
      send(response, answer);
    };

    if (target.pathname === '/oauth2/token') {
      // The docs post JSON; a form body is read too.
      const fields: unknown = parsed.ok && body !== undefined ? body : Object.fromEntries(new URLSearchParams(raw));
      const context = isRecord(fields) && typeof fields.context === 'string' ? fields.context.replace(/^stores\//, '') : null;
      const replaced = await hooks.beforeRequest?.({ method, path: target.pathname, store: context, operation: 'token', query, body: fields });
      if (replaced) return reply(context, 'token', replaced);
      if (method !== 'POST') return reply(context, 'token', v3Error(405, 'Method Not Allowed'));
      return reply(context, 'token', login.exchange(fields));
    }

    const store = /^\/stores\/([^/]+)(\/.*)$/.exec(target.pathname);
    if (!store) return reply(null, 'not found', v3Error(404, 'Not Found'));
    const storeHash = store[1]!;
    const rest = store[2]!;
    const matching = routes.filter((route) => route.pattern.test(rest));
    const route = matching.find((candidate) => candidate.method === method);
    if (!route) return reply(storeHash, 'not found', matching.length > 0 ? v3Error(405, 'Method Not Allowed') : v3Error(404, 'The requested resource was not found'));
    if (!parsed.ok) return reply(storeHash, route.operation, v3Error(400, 'Input is invalid.'));
    const replaced = await hooks.beforeRequest?.({ method, path: target.pathname, store: storeHash, operation: route.operation, query, body });
    if (replaced) return reply(storeHash, route.operation, replaced);

    const quota = limiter.take(storeHash);
    if ('answer' in quota) return reply(storeHash, route.operation, quota.answer);
    const grant = login.authenticate(header(request, 'x-auth-token'), storeHash);
    const withHeaders = (answer: FakeAnswer): FakeAnswer => ({ ...answer, headers: { ...quota.headers, ...answer.headers } });
    if (!grant) {
      return reply(storeHash, route.operation, withHeaders(v3Error(401, 'Unauthorized - the v3 Auth client ID or token in the request are not a valid combination for this store.')));
    }
    const id = route.pattern.exec(rest)?.[1];
    return reply(storeHash, route.operation, withHeaders(route.handle(grant, id, target.searchParams, body)), grant);
  }

  const server = await listen(handle);
  apiUrl = server.url;

  const storefronts = new Map<string, Promise<FakeStorefront>>();
  const openStorefront = (storeHash: string): Promise<FakeStorefront> => {
    const existing = storefronts.get(storeHash);
    if (existing) return existing;
    const started = startStorefront({
      storeHash,
      catalog: storeOptions(storeHash).catalog ?? DEFAULT_CATALOG,
      consentBanner: storeOptions(storeHash).consentBanner ?? false,
      placedStatusId: storeOptions(storeHash).placedStatusId ?? 11,
      now,
      scripts: () => scripts.scripts.values(),
      addOrder: (input) => orders.addOrder(storeHash, input),
      deliver: (scope, data) => webhooks.deliver(storeHash, scope, data),
      record: (call) => calls.push({ ...call, store: storeHash }),
      before: async (request) => (await hooks.beforeRequest?.({ ...request, store: storeHash, operation: 'storefront' })) ?? undefined,
    });
    storefronts.set(storeHash, started);
    return started;
  };
  const started = new Map<string, FakeStorefront>();
  for (const storeHash of Object.keys(options.stores ?? {})) started.set(storeHash, await openStorefront(storeHash));
  const storefront = async (storeHash: string) => {
    const opened = await openStorefront(storeHash);
    started.set(storeHash, opened);
    return opened;
  };
  const hook = (id: number) => {
    const found = webhooks.hooks.get(id);
    if (!found) throw new Error(`no hook ${id}`);
    return found;
  };

  return {
    url: server.url,
    clientId,
    clientSecret,
    async close() {
      await Promise.all([server.close(), ...[...storefronts.values()].map(async (opened) => (await opened).close())]);
    },
    calls,
    deliveries: webhooks.deliveries,
    hooks,

    issueAuthCode: (storeHash, input) => login.issueAuthCode(storeHash, input),
    issueToken(storeHash, input = {}) {
      const client = input.clientId ?? clientId;
      if (client !== clientId) login.clientSecrets.set(client, input.clientSecret ?? `${client}-secret`);
      return login.issueToken(storeHash, input.scope ?? options.scope ?? DEFAULT_SCOPE, client);
    },
    tokenOf: (storeHash) => login.tokenOf(storeHash),
    revokeToken(storeHash) {
      login.revoke(storeHash);
      scripts.autoUninstall(storeHash, clientId);
    },
    uninstall(storeHash) {
      login.revoke(storeHash);
      // "BigCommerce automatically deletes registered webhooks on app uninstall" (webhooks/overview.mdx).
      for (const found of [...webhooks.hooks.values()]) if (found.store_hash === storeHash && found.client_id === clientId) webhooks.hooks.delete(found.id);
      scripts.autoUninstall(storeHash, clientId);
    },
    signPayloadJwt: (input) => signPayloadJwt({ ...input, clientId, clientSecret, now: now() }),

    failNext: (storeHash, count, failure) => limiter.failNext(storeHash, count, failure),
    drainQuota: (storeHash) => limiter.drain(storeHash),
    quotaLeft: (storeHash) => limiter.left(storeHash),

    hooksOf: (storeHash) => [...webhooks.hooks.values()].filter((found) => found.store_hash === storeHash),
    deactivateHook(id) {
      Object.assign(hook(id), { is_active: false, updated_at: Math.floor(now() / 1000) });
    },
    deleteHook(id) {
      webhooks.hooks.delete(hook(id).id);
    },
    deliver: (storeHash, scope, data, deliverOptions) => webhooks.deliver(storeHash, scope, data, deliverOptions),
    redeliver: (delivery, redeliverOptions) => webhooks.redeliver(delivery, redeliverOptions),

    scriptsOf: (storeHash) => [...scripts.scripts.values()].filter((script) => script.store_hash === storeHash),
    alterScriptAsMerchant: (uuid, change) => scripts.alterAsMerchant(uuid, change),
    deleteScriptAsMerchant: (uuid) => scripts.deleteAsMerchant(uuid),

    setOrder: (storeHash, bundle) => orders.setOrder(storeHash, bundle),
    addOrder: (storeHash, input) => orders.addOrder(storeHash, input),
    updateOrder: (storeHash, orderId, change) => orders.updateOrder(storeHash, orderId, change),
    setStatus: (storeHash, orderId, statusId) => orders.setStatus(storeHash, orderId, statusId),
    refund: (storeHash, orderId, lines, refundOptions) => orders.refund(storeHash, orderId, lines, refundOptions),
    orderOf: (storeHash, orderId) => orders.orderOf(storeHash, orderId),

    storefrontUrl(storeHash) {
      const opened = started.get(storeHash);
      if (!opened) throw new Error(`store ${storeHash} has no storefront yet: list it in \`stores\` or await openStorefront('${storeHash}')`);
      return opened.url;
    },
    openStorefront: async (storeHash) => (await storefront(storeHash)).url,
    createCart: async (storeHash, lines) => (await storefront(storeHash)).createCart(lines),
    placeOrder: async (storeHash, cartId, input) => (await storefront(storeHash)).placeOrder(cartId, input),
  };
}
