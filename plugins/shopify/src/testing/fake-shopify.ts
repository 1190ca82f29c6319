import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Shopify Admin API on 127.0.0.1 for tests: the OAuth token endpoint (authorization code
 * grant, token exchange, refresh, and the migration of non-expiring tokens) and the GraphQL endpoint
 * with the operations CartRelay sends, a cost report and a leaky bucket.
 *
 * Tokens as Shopify issues them since expiring offline tokens: asked with `expiring=1`, an access token
 * lasts `accessTokenLifetimeSeconds` and comes with a refresh token; a shop has one expiring token at a
 * time (a new one revokes the pair before it); a refresh rotates the refresh token, and the one it
 * replaced is refused once its replacement has been used; after `rejectNonExpiringAfter`, non-expiring
 * tokens are refused (403) and can no longer be migrated. `createShopifyApi({ adminApiUrl })` sends the library's requests here,
 * naming the shop in `X-Shopify-Shop-Domain`.
 *
 * GraphQL operations are told apart by their text (the fake has no schema): `webPixelCreate`,
 * `webPixelUpdate`, `webPixel {`, `orders(` and `order(id` — and answer with the stored data as
 * given, whatever the selection.
 */

export interface FakeShopOptions {
  /** The shop's IANA zone, answered as `shop.ianaTimezone`. Default America/New_York. */
  readonly timezone?: string;
  /** The scopes the merchant granted, as the token endpoint answers them (default: the fake's `scope`). */
  readonly grantedScope?: string;
}

export interface FakeShopifyOptions {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly shops?: Readonly<Record<string, FakeShopOptions>>;
  /** The cost bucket per shop (Shopify standard: 1,000 points, 50 restored a second). */
  readonly bucket?: { readonly maximumAvailable: number; readonly restoreRate: number };
  readonly scope?: string;
  /** Lifetime of an expiring access token (Shopify: 3600 s); tests make it short. */
  readonly accessTokenLifetimeSeconds?: number;
  /** Lifetime of a refresh token (Shopify: 90 days). */
  readonly refreshTokenLifetimeSeconds?: number;
  /** From this moment the Admin API refuses non-expiring tokens, as Shopify does from 2027-01-01. */
  readonly rejectNonExpiringAfter?: Date;
}

export interface FakeShopifyCall {
  readonly method: string;
  readonly path: string;
  readonly shop: string | null;
  /** GraphQL: which operation the fake recognised; OAuth: the grant. */
  readonly operation: string;
  readonly variables: Record<string, unknown>;
  readonly status: number;
}

export interface FakeShopify {
  readonly url: string;
  close(): Promise<void>;
  /** Adds or replaces an order (a GraphQL Order node with at least `id` and `updatedAt`). */
  addOrder(shop: string, node: Record<string, unknown>): void;
  readonly orders: Map<string, Array<Record<string, unknown>>>;
  readonly calls: FakeShopifyCall[];
  readonly pixels: Map<string, { id: string; settings: string }>;
  /** A non-expiring access token the GraphQL endpoint accepts for this shop, as installs made before expiring tokens hold. */
  issueAccessToken(shop: string): string;
  /** An expiring token pair for this shop, as the token endpoint would issue it. */
  issueExpiringToken(shop: string): { accessToken: string; refreshToken: string; expiresAt: number };
  /** Ends the lifetime of every access token of the shop now (an hour passed). */
  expireAccessTokens(shop: string): void;
  /** Revokes every token of the shop (the merchant uninstalled the app). */
  revokeTokens(shop: string): void;
  /** The refresh token a shop's newest expiring pair came with. */
  currentRefreshToken(shop: string): string | null;
  /** A one-time authorization code for the code grant, as Shopify puts in the OAuth callback. */
  issueAuthorizationCode(shop: string): string;
  /** Empties a shop's bucket (to provoke THROTTLED answers). */
  drainBucket(shop: string): void;
  /** Test hooks, run before the fake answers; a returned answer replaces the fake's own. */
  readonly hooks: FakeShopifyHooks;
}

export interface FakeShopifyHooks {
  /** Before the token endpoint handles a grant (`token_exchange`, `refresh_token`, `migrate_token`, `authorization_code`). */
  beforeToken?: (grant: string, shop: string | null) => Promise<FakeAnswer | undefined> | FakeAnswer | undefined;
  /** After a grant's tokens were issued, before the answer leaves (to delay or lose an answer). */
  afterToken?: (grant: string, shop: string | null, status: number) => Promise<void> | void;
  /** Before a GraphQL request is checked and answered (its token is read after this runs); an answer returned replaces the fake's. */
  beforeGraphql?: (shop: string | null, query: string) => Promise<FakeAnswer | undefined> | FakeAnswer | undefined | void;
}

export interface FakeAnswer {
  readonly status: number;
  readonly body: unknown;
}

interface AccessTokenState {
  readonly shop: string;
  /** null: a non-expiring token. */
  expiresAt: number | null;
  revoked: boolean;
  /** The refresh token issued with it (expiring tokens). */
  readonly refreshToken: string | null;
}

interface RefreshTokenState {
  readonly shop: string;
  readonly expiresAt: number;
  revoked: boolean;
  /** The refresh token issued when this one was used. */
  replacement: string | null;
  /** Whether that replacement (or its access token) has been used: then this one is retired. */
  replacementUsed: boolean;
}

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';
const OFFLINE_TOKEN = 'urn:shopify:params:oauth:token-type:offline-access-token';
const ONLINE_TOKEN = 'urn:shopify:params:oauth:token-type:online-access-token';

/** Requested costs the fake charges (simplified from Shopify's: each object 1, a connection 2 + first × node). */
const ORDER_REQUESTED_COST = 100;
const MUTATION_COST = 10;

export async function startFakeShopify(options: FakeShopifyOptions): Promise<FakeShopify> {
  const bucketSize = options.bucket ?? { maximumAvailable: 1000, restoreRate: 50 };
  const scope = options.scope ?? 'read_orders,write_pixels,read_customer_events';
  const orders = new Map<string, Array<Record<string, unknown>>>();
  const pixels = new Map<string, { id: string; settings: string }>();
  const calls: FakeShopifyCall[] = [];
  const accessLifetimeMs = (options.accessTokenLifetimeSeconds ?? 3600) * 1000;
  const refreshLifetimeMs = (options.refreshTokenLifetimeSeconds ?? 90 * 86_400) * 1000;
  const tokens = new Map<string, AccessTokenState>();
  const refreshTokens = new Map<string, RefreshTokenState>();
  /**
   * A migrated non-expiring token → the pair it became: a retry of a lost migration answers the same
   * pair for 7 days, while that pair has not been refreshed.
   */
  const migrations = new Map<string, { accessToken: string; refreshToken: string; at: number }>();
  const codes = new Map<string, string>(); // code → shop
  const hooks: FakeShopifyHooks = {};
  const buckets = new Map<string, { available: number; at: number }>();

  const issueAccessToken = (shop: string) => {
    const token = `shpat_${randomBytes(16).toString('hex')}`;
    tokens.set(token, { shop, expiresAt: null, revoked: false, refreshToken: null });
    return token;
  };

  /** A new expiring pair; the shop's earlier expiring tokens stop working (one at a time per app and shop). */
  const issueExpiringToken = (shop: string) => {
    for (const state of tokens.values()) if (state.shop === shop && state.expiresAt !== null) state.revoked = true;
    for (const state of refreshTokens.values()) if (state.shop === shop) state.revoked = true;
    const accessToken = `shpat_${randomBytes(16).toString('hex')}`;
    const refreshToken = `shprt_${randomBytes(16).toString('hex')}`;
    const expiresAt = Date.now() + accessLifetimeMs;
    tokens.set(accessToken, { shop, expiresAt, revoked: false, refreshToken });
    refreshTokens.set(refreshToken, { shop, expiresAt: Date.now() + refreshLifetimeMs, revoked: false, replacement: null, replacementUsed: false });
    return { accessToken, refreshToken, expiresAt };
  };

  const expiringAnswer = (shop: string, pair: { accessToken: string; refreshToken: string }) => ({
    access_token: pair.accessToken,
    scope: scopeOf(shop),
    expires_in: Math.round(accessLifetimeMs / 1000),
    refresh_token: pair.refreshToken,
    refresh_token_expires_in: Math.round(refreshLifetimeMs / 1000),
  });

  /** A refresh token was used: the one it replaced is retired (Shopify keeps it only until then). */
  const markUsed = (refreshToken: string | null) => {
    if (!refreshToken) return;
    for (const state of refreshTokens.values()) if (state.replacement === refreshToken) state.replacementUsed = true;
  };
  const scopeOf = (shop: string) => options.shops?.[shop]?.grantedScope ?? scope;

  const bucket = (shop: string) => {
    const now = Date.now();
    const state = buckets.get(shop) ?? { available: bucketSize.maximumAvailable, at: now };
    state.available = Math.min(bucketSize.maximumAvailable, state.available + ((now - state.at) / 1000) * bucketSize.restoreRate);
    state.at = now;
    buckets.set(shop, state);
    return state;
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => send(response, 500, { errors: String(error) }));
  });

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://fake');
    const shop = header(request, 'x-shopify-shop-domain');
    const raw = await readBody(request);
    const record = (operation: string, variables: Record<string, unknown>, status: number) =>
      calls.push({ method: request.method ?? 'GET', path: url.pathname, shop, operation, variables, status });

    if (request.method === 'POST' && url.pathname === '/admin/oauth/access_token') {
      const body = parseForm(raw, header(request, 'content-type'));
      const override = await hooks.beforeToken?.(grantOf(body), shop);
      if (override) {
        record(grantOf(body), {}, override.status);
        return send(response, override.status, override.body);
      }
      const [status, answer, grant] = accessToken(body, shop);
      await hooks.afterToken?.(grant, shop, status);
      record(grant, {}, status);
      return send(response, status, answer);
    }

    const graphql = /^\/admin\/api\/([\w-]+)\/graphql\.json$/.exec(url.pathname);
    if (request.method === 'POST' && graphql) {
      const replaced = await hooks.beforeGraphql?.(shop, raw);
      if (replaced) {
        record('replaced', {}, replaced.status);
        return send(response, replaced.status, replaced.body);
      }
      const token = header(request, 'x-shopify-access-token');
      const held = token ? tokens.get(token) : undefined;
      if (!shop || !held || held.shop !== shop || held.revoked || (held.expiresAt !== null && held.expiresAt <= Date.now())) {
        record('unauthorized', {}, 401);
        return send(response, 401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
      }
      if (held.expiresAt === null && options.rejectNonExpiringAfter && Date.now() >= options.rejectNonExpiringAfter.getTime()) {
        record('non-expiring token refused', {}, 403);
        return send(response, 403, {
          errors: '[API] Non-expiring access tokens are no longer accepted for the Admin API. Start using expiring offline tokens.',
        });
      }
      let body: { query?: string; variables?: Record<string, unknown> };
      try {
        body = JSON.parse(raw);
      } catch {
        record('invalid', {}, 400);
        return send(response, 400, { errors: 'invalid JSON' });
      }
      const query = body.query ?? '';
      const variables = body.variables ?? {};
      const [operation, requested, run] = operationFor(shop, query, variables);
      const state = bucket(shop);
      const throttleStatus = () => ({ maximumAvailable: bucketSize.maximumAvailable, currentlyAvailable: Math.floor(state.available), restoreRate: bucketSize.restoreRate });
      if (state.available < requested) {
        record(`${operation} (throttled)`, variables, 200);
        return send(response, 200, {
          errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/limits' } }],
          extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: throttleStatus() } },
        });
      }
      const { data, actual } = run();
      state.available -= actual;
      record(operation, variables, 200);
      return send(response, 200, { data, extensions: { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: throttleStatus() } } });
    }
    record('not found', {}, 404);
    send(response, 404, { errors: 'Not Found' });
  }

  function accessToken(body: Record<string, string>, shop: string | null): [number, unknown, string] {
    if (body.client_id !== options.apiKey || body.client_secret !== options.apiSecret) {
      return [401, { error: 'invalid_client', error_description: 'Client credentials are invalid' }, body.grant_type ?? 'authorization_code'];
    }
    if (!shop) return [400, { error: 'invalid_request', error_description: 'no shop' }, 'unknown'];
    const expiring = body.expiring === '1';
    const issued = () => (expiring ? expiringAnswer(shop, issueExpiringToken(shop)) : { access_token: issueAccessToken(shop), scope: scopeOf(shop) });
    if (body.grant_type === TOKEN_EXCHANGE && body.subject_token_type === OFFLINE_TOKEN) return migrate(body, shop);
    if (body.grant_type === TOKEN_EXCHANGE) {
      if (body.subject_token_type !== ID_TOKEN || ![OFFLINE_TOKEN, ONLINE_TOKEN].includes(body.requested_token_type ?? '')) {
        return [400, { error: 'invalid_request', error_description: 'unsupported token types' }, 'token_exchange'];
      }
      const claims = verifyJwt(body.subject_token ?? '', options.apiSecret);
      const now = Math.floor(Date.now() / 1000);
      if (!claims || claims.aud !== options.apiKey || claims.dest !== `https://${shop}` || typeof claims.exp !== 'number' || claims.exp < now) {
        return [400, { error: 'invalid_subject_token', error_description: 'The session token is invalid or expired' }, 'token_exchange'];
      }
      return [200, issued(), 'token_exchange'];
    }
    if (body.grant_type === 'refresh_token') return refresh(body, shop);
    if (body.grant_type === undefined || body.grant_type === 'authorization_code') {
      if (!body.code || codes.get(body.code) !== shop) return [400, { error: 'invalid_request', error_description: 'The authorization code was not found or was already used' }, 'authorization_code'];
      codes.delete(body.code);
      return [200, issued(), 'authorization_code'];
    }
    return [400, { error: 'unsupported_grant_type' }, body.grant_type];
  }

  /** grant_type=refresh_token: a new pair; the refresh token used stays retryable until its replacement is used. */
  function refresh(body: Record<string, string>, shop: string): [number, unknown, string] {
    const used = refreshTokens.get(body.refresh_token ?? '');
    const refused = (description: string): [number, unknown, string] => [400, { error: 'invalid_grant', error_description: description }, 'refresh_token'];
    if (!used || used.shop !== shop) return refused('The refresh token is invalid');
    if (used.replacementUsed) return refused('The refresh token was already used');
    if (used.revoked) return refused('The refresh token was revoked');
    if (used.expiresAt <= Date.now()) return refused('The refresh token has expired');
    markUsed(body.refresh_token ?? null);
    const pair = issueExpiringToken(shop);
    // The refresh token used stays valid until the app uses its replacement (Shopify, 2026-08-28).
    used.revoked = false;
    used.replacement = pair.refreshToken;
    return [200, expiringAnswer(shop, pair), 'refresh_token'];
  }

  /** A non-expiring token exchanged for an expiring pair; it stops working at once. */
  function migrate(body: Record<string, string>, shop: string): [number, unknown, string] {
    const subject = body.subject_token ?? '';
    const earlier = migrations.get(subject);
    if (earlier && Date.now() - earlier.at < 7 * 86_400_000 && refreshTokens.get(earlier.refreshToken)?.replacement === null) {
      return [200, expiringAnswer(shop, earlier), 'migrate_token'];
    }
    const held = tokens.get(subject);
    const pastCutoff = options.rejectNonExpiringAfter !== undefined && Date.now() >= options.rejectNonExpiringAfter.getTime();
    if (body.expiring !== '1' || !held || held.shop !== shop || held.revoked || held.expiresAt !== null || pastCutoff) {
      return [400, { error: 'invalid_request', error_description: 'The subject token is not a valid non-expiring offline access token' }, 'migrate_token'];
    }
    const pair = issueExpiringToken(shop);
    held.revoked = true;
    migrations.set(subject, { ...pair, at: Date.now() });
    return [200, expiringAnswer(shop, pair), 'migrate_token'];
  }

  type Run = () => { data: unknown; actual: number };
  function operationFor(shop: string, query: string, variables: Record<string, unknown>): [string, number, Run] {
    if (query.includes('webPixelCreate')) {
      return ['webPixelCreate', MUTATION_COST, () => {
        const settings = String((variables.webPixel as { settings?: string } | undefined)?.settings ?? '');
        if (pixels.has(shop)) {
          return { data: { webPixelCreate: { userErrors: [{ code: 'TAKEN', field: ['webPixel'], message: 'Web pixel is taken.' }], webPixel: null } }, actual: MUTATION_COST };
        }
        const pixel = { id: `gid://shopify/WebPixel/${pixels.size + 1}`, settings };
        pixels.set(shop, pixel);
        return { data: { webPixelCreate: { userErrors: [], webPixel: pixel } }, actual: MUTATION_COST };
      }];
    }
    if (query.includes('webPixelUpdate')) {
      return ['webPixelUpdate', MUTATION_COST, () => {
        const existing = pixels.get(shop);
        if (!existing || existing.id !== variables.id) {
          return { data: { webPixelUpdate: { userErrors: [{ code: 'NOT_FOUND', field: ['id'], message: 'Web pixel not found.' }], webPixel: null } }, actual: MUTATION_COST };
        }
        const pixel = { id: existing.id, settings: String((variables.webPixel as { settings?: string } | undefined)?.settings ?? '') };
        pixels.set(shop, pixel);
        return { data: { webPixelUpdate: { userErrors: [], webPixel: pixel } }, actual: MUTATION_COST };
      }];
    }
    if (/\bwebPixel\s*\{/.test(query)) {
      return ['webPixel', 1, () => ({ data: { webPixel: pixels.get(shop) ?? null }, actual: 1 })];
    }
    if (/\borders\s*\(/.test(query)) {
      const first = Number(variables.first ?? 50);
      return ['orders', 3 + first, () => {
        const page = listOrders(shop, first, variables.after as string | null | undefined, variables.query as string | null | undefined);
        return {
          data: { shop: { ianaTimezone: options.shops?.[shop]?.timezone ?? 'America/New_York' }, orders: page },
          actual: 3 + page.nodes.length,
        };
      }];
    }
    if (/\border\s*\(\s*id/.test(query)) {
      return ['order', ORDER_REQUESTED_COST, () => {
        const order = (orders.get(shop) ?? []).find((node) => node.id === variables.id) ?? null;
        const lines = ((order?.lineItems as { nodes?: unknown[] } | undefined)?.nodes ?? []).length;
        return { data: { order }, actual: 5 + 3 * lines };
      }];
    }
    return ['unknown', 1, () => ({ data: null, actual: 1 })];
  }

  /** updated_at:>='ISO' filter, UPDATED_AT order (then id), opaque cursors. */
  function listOrders(shop: string, first: number, after: string | null | undefined, search: string | null | undefined) {
    const since = /updated_at:>=\s*'?([^'\s]+)'?/.exec(search ?? '')?.[1];
    const key = (node: Record<string, unknown>) => [Date.parse(String(node.updatedAt)), String(node.id)] as const;
    const sorted = (orders.get(shop) ?? [])
      .filter((node) => !since || Date.parse(String(node.updatedAt)) >= Date.parse(since))
      .sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1].localeCompare(key(b)[1]));
    let start = 0;
    if (after) {
      const [time, id] = JSON.parse(Buffer.from(after, 'base64url').toString()) as [number, string];
      start = sorted.findIndex((node) => key(node)[0] > time || (key(node)[0] === time && key(node)[1].localeCompare(id) > 0));
      if (start < 0) start = sorted.length;
    }
    const slice = sorted.slice(start, start + first);
    const last = slice.at(-1);
    return {
      nodes: slice.map((node) => ({ id: node.id, updatedAt: node.updatedAt })),
      pageInfo: { hasNextPage: start + first < sorted.length, endCursor: last ? Buffer.from(JSON.stringify(key(last))).toString('base64url') : null },
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    addOrder(shop, node) {
      const list = orders.get(shop) ?? [];
      const index = list.findIndex((existing) => existing.id === node.id);
      if (index >= 0) list[index] = node;
      else list.push(node);
      orders.set(shop, list);
    },
    orders,
    calls,
    pixels,
    issueAccessToken,
    issueExpiringToken,
    expireAccessTokens(shop) {
      for (const state of tokens.values()) if (state.shop === shop && state.expiresAt !== null) state.expiresAt = Math.min(state.expiresAt, Date.now());
    },
    revokeTokens(shop) {
      for (const state of tokens.values()) if (state.shop === shop) state.revoked = true;
      for (const state of refreshTokens.values()) if (state.shop === shop) state.revoked = true;
    },
    currentRefreshToken(shop) {
      const live = [...refreshTokens.entries()].filter(([, state]) => state.shop === shop && !state.revoked && state.replacement === null);
      return live.at(-1)?.[0] ?? null;
    },
    issueAuthorizationCode(shop) {
      const code = randomUUID().replaceAll('-', '');
      codes.set(code, shop);
      return code;
    },
    drainBucket(shop) {
      buckets.set(shop, { available: 0, at: Date.now() });
    },
    hooks,
  };
}

/**
 * A session token as App Bridge gives the embedded app: HS256 JWT signed with the app secret.
 * Claims per https://shopify.dev/docs/apps/build/authentication-authorization/session-tokens
 */
export function signSessionToken(input: { apiKey: string; apiSecret: string; shop: string; sub?: string; exp?: number; now?: number }): string {
  const now = Math.floor((input.now ?? Date.now()) / 1000);
  const claims = {
    iss: `https://${input.shop}/admin`,
    dest: `https://${input.shop}`,
    aud: input.apiKey,
    sub: input.sub ?? '42',
    exp: input.exp ?? now + 60,
    nbf: now,
    iat: now,
    jti: randomUUID(),
    sid: randomBytes(16).toString('hex'),
  };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${unsigned}.${createHmac('sha256', input.apiSecret).update(unsigned).digest('base64url')}`;
}

function verifyJwt(token: string, secret: string): Record<string, unknown> | null {
  const [head, payload, signature] = token.split('.');
  if (!head || !payload || !signature) return null;
  const expected = createHmac('sha256', secret).update(`${head}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const header = JSON.parse(Buffer.from(head, 'base64url').toString()) as { alg?: string };
    if (header.alg !== 'HS256') return null;
    return JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** The grant a token request asks for, named as the fake records it. */
function grantOf(body: Record<string, string>): string {
  if (body.grant_type === TOKEN_EXCHANGE) return body.subject_token_type === OFFLINE_TOKEN ? 'migrate_token' : 'token_exchange';
  return body.grant_type ?? 'authorization_code';
}

function header(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The library posts JSON; Shopify's docs show form bodies too. Both are accepted. */
function parseForm(raw: string, contentType: string | null): Record<string, string> {
  if (contentType?.includes('application/json')) {
    try {
      const parsed = JSON.parse(raw) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]));
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
