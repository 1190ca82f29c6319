import { createHmac } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatabaseSync } from 'node:sqlite';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import {
  type AdminAction,
  type AdminHome,
  type AdminShop,
  DEFAULT_RETRY_POLICY,
  type StoreAppContext,
  reconcileAll as reconcileAllShops,
  reconcileCursor,
  storeAppRouters,
  type Relay,
  ShopDirectory,
  type Store,
  type TestActionResult,
  createImpactClient,
  createSecretBox,
  openStore,
  parseSecretKey,
  startRelay,
} from '@cartrelay/core';
import { type FakeImpact, startFakeImpact } from '@cartrelay/core/fake-impact';
import { Session } from '@shopify/shopify-api';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createShopifyAdapter } from '../src/index.ts';
import { createShopifyApi } from '../src/admin-api/shopify-api.ts';
import { RECONCILED_TOPIC } from '../src/webhooks.ts';
import { type ShopifyApp, type ShopifyAppOptions, createShopifyApp } from '../src/app/shopify-app.ts';
import { StoreSessionStorage } from '../src/app/session-storage.ts';
import { type FakeShopify, type FakeShopifyOptions, signSessionToken, startFakeShopify } from '../src/testing/fake-shopify.ts';
import { shopifyWebhookRequest } from '../src/testing/signed-webhook.ts';

/**
 * The Shopify app as `cartrelay serve` wires it (createShopifyApi with the Admin API redirected to a
 * fake Shopify, the relay with the app's routers and receiver), driven only through HTTP: installs,
 * the admin API a merchant's embedded page calls, webhooks, the pixel's beacons and reconciliation.
 */

const API_KEY = 'cartrelay-app-key';
const API_SECRET = 'cartrelay-app-secret';
const APP_URL = 'https://cartrelay.example.com';
const SHOP = 'merino.myshopify.com';
const ACCOUNT_SID = 'IRmerino0001';
const AUTH_TOKEN = 'impact-token-1';
const TRACKER = '67890';
// Any browser: the library answers bots (Node's fetch says "node") with 410 during OAuth.
const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
const CLICK_WAIT_MS = 1500;
const LONG_AGO = '2026-01-15T10:00:00-05:00';

const CONFIG = {
  version: 1,
  program: { campaignId: '12345', actionTrackerId: TRACKER },
  trigger: 'paid',
  clickIdParam: 'irclickid',
  attributionPrecedence: 'click',
  promoCodes: [{ match: 'exact', code: 'JANE20', partnerId: '555001' }],
};

const examplePayload = fileURLToPath(new URL('../../../examples/payloads/shopify-orders-paid.json', import.meta.url));

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 4000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

interface OrderOptions {
  readonly id: number;
  readonly createdAt?: string;
  readonly landingSite?: string | null;
  readonly discountCodes?: readonly string[];
  /** The order's checkout token; `chk<id>` unless given (null: an order from no online checkout: POS, draft, API). */
  readonly checkoutToken?: string | null;
}

/** The documented orders/paid sample with its own id and name (#<id % 10000>), customer 207119551. */
async function orderBody(options: OrderOptions): Promise<string> {
  const order = JSON.parse(await readFile(examplePayload, 'utf8'));
  const createdAt = options.createdAt ?? LONG_AGO;
  Object.assign(order, {
    id: options.id,
    admin_graphql_api_id: `gid://shopify/Order/${options.id}`,
    name: `#${options.id % 10_000}`,
    order_number: options.id % 10_000,
    created_at: createdAt,
    updated_at: createdAt,
    processed_at: createdAt,
    landing_site: options.landingSite ?? '/products/merino-socks?utm_source=newsletter',
    discount_codes: (options.discountCodes ?? []).map((code) => ({ code, amount: '20.00', type: 'fixed_amount' })),
    checkout_token: options.checkoutToken === undefined ? `chk${options.id}` : options.checkoutToken,
  });
  order.customer = { ...order.customer, id: 207119551, admin_graphql_api_id: 'gid://shopify/Customer/207119551', email: 'jon@example.com' };
  return JSON.stringify(order);
}

describe('the Shopify app in the relay', () => {
  let impact: FakeImpact;
  let shopify: FakeShopify;
  let store: Store;
  let shops: ShopDirectory;
  let app: ShopifyApp;
  let relay: Relay;
  let dataDir: string;
  let context: StoreAppContext;
  /** One reconciliation run over every shop, as the relay's job does. */
  const reconcileAll = () => reconcileAllShops(context, 'shopify', app.reconciliation);
  const box = createSecretBox(parseSecretKey('ab'.repeat(32))!);

  interface StartOptions {
    /** ShopDirectory's cache (production: its 5 s default). */
    readonly shopCacheMs?: number;
    readonly fake?: Partial<FakeShopifyOptions>;
    readonly app?: Partial<ShopifyAppOptions>;
  }

  /** As serve.ts wires it. */
  const start = async (options: StartOptions = {}) => {
    const { shopCacheMs } = options;
    impact = await startFakeImpact({ accounts: { [ACCOUNT_SID]: AUTH_TOKEN } });
    shopify = await startFakeShopify({ apiKey: API_KEY, apiSecret: API_SECRET, ...options.fake });
    dataDir = await mkdtemp(join(tmpdir(), 'cartrelay-shopify-app-'));
    store = await openStore({ dataDir, box });
    shops = new ShopDirectory(store, box, shopCacheMs === undefined ? {} : { cacheMs: shopCacheMs });
    const logger = pino({ level: 'silent' });
    const impactClient = createImpactClient({ baseUrl: impact.url, timeoutMs: 2000 });
    // A page to serve: the built admin page is not needed to test the server around it.
    const adminDistDir = await mkdtemp(join(tmpdir(), 'cartrelay-admin-dist-'));
    await writeFile(join(adminDistDir, 'index.html'), '<!doctype html><meta name="shopify-api-key" content="%SHOPIFY_API_KEY%" /><div id="root"></div>');
    context = { store, shops, box, impact: impactClient, logger, now: Date.now };
    app = createShopifyApp({
      adminDistDir,
      shopify: createShopifyApi({ apiKey: API_KEY, apiSecretKey: API_SECRET, hostName: APP_URL, scopes: ['read_orders', 'write_pixels', 'read_customer_events'], adminApiUrl: shopify.url }),
      appUrl: APP_URL,
      context,
      ...options.app,
    });
    relay = await startRelay({
      store,
      shops,
      adapters: new Map([['shopify', createShopifyAdapter(app.webhooks)]]),
      impact: impactClient,
      logger,
      appSecrets: { shopify: API_SECRET },
      port: 0,
      host: '127.0.0.1',
      routers: storeAppRouters(context, new Map([['shopify', app]])),
      jobs: [],
      clickWaitMs: CLICK_WAIT_MS,
      retryPolicy: { ...DEFAULT_RETRY_POLICY, submissionCheckDelayMs: 200 },
    });
  };

  afterEach(async () => {
    await relay.close();
    await store.close();
    await shopify.close();
    await impact.close();
  });

  const token = (shop = SHOP, overrides: Partial<Parameters<typeof signSessionToken>[0]> = {}) =>
    signSessionToken({ apiKey: API_KEY, apiSecret: API_SECRET, shop, ...overrides });
  const adminApi = (method: string, path: string, options: { shop?: string; body?: unknown; authorization?: string | null } = {}) => {
    const authorization = options.authorization === undefined ? `Bearer ${token(options.shop)}` : options.authorization;
    return fetch(`${relay.url}/api/admin${path}`, {
      method,
      headers: { ...(authorization ? { authorization } : {}), ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
  };
  const webhook = (topic: string, body: string, options: { shop?: string; secret?: string } = {}) => {
    const request = shopifyWebhookRequest({ shop: options.shop ?? SHOP, topic, body, apiSecret: options.secret ?? API_SECRET });
    return fetch(`${relay.url}/webhooks/shopify`, { method: 'POST', headers: request.headers, body: request.body });
  };
  /** The pixel's beacon of an order's checkout (orderBody's default token). */
  const beacon = (orderId: string | null, clickId: string, checkoutToken: string | null = `chk${orderId}`) =>
    fetch(`${relay.url}/collect/shopify`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ shop: SHOP, clickId, sharedId: null, orderId, checkoutToken }),
    });
  const tokenExchanges = () => shopify.calls.filter((call) => call.operation === 'token_exchange');
  /** The shop's token lives in its session, expiring with a refresh token, and nowhere else. */
  const expectExpiringSessionOnly = async () => {
    expect(await store.listShops()).toHaveLength(1);
    const session = await new StoreSessionStorage(store, box).loadSession(SHOP);
    expect(session).toMatchObject({ shop: SHOP, isOnline: false, accessToken: expect.stringMatching(/^shpat_/), refreshToken: expect.stringMatching(/^shprt_/) });
    expect(session!.expires!.getTime()).toBeGreaterThan(Date.now());
    expect(session!.refreshTokenExpires!.getTime()).toBeGreaterThan(session!.expires!.getTime());
  };
  const conversionOf = (orderId: string) => impact.actions.get(`${ACCOUNT_SID}|${TRACKER}|${orderId}`);
  /** What reached impact.com besides the connection's test (saving the connection reads the account's programs first). */
  const deliveryRequests = () => impact.requests.filter((r) => !(r.method === 'GET' && r.path.endsWith('/Campaigns')));
  const conversionsPostedFor = (orderId: string) => impact.requests.filter((r) => r.path === `/Advertisers/${ACCOUNT_SID}/Conversions` && r.fields.OrderId === orderId);
  const actions = async (): Promise<AdminAction[]> => ((await (await adminApi('GET', '/actions')).json()) as { actions: AdminAction[] }).actions;

  /** The merchant opens the app from the Shopify admin: its first admin API call installs it. */
  const install = async () => {
    const answer = await adminApi('GET', '/shop');
    expect(answer.status).toBe(200);
    return (await store.findShop('shopify', SHOP))!;
  };
  /** Then connects impact.com and saves the tracking configuration. */
  const setUp = async (config: Record<string, unknown> = {}) => {
    expect((await adminApi('PUT', '/connection', { body: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN } })).status).toBe(200);
    expect((await adminApi('PUT', '/config', { body: { ...CONFIG, ...config } })).status).toBe(200);
  };

  describe('with the shop cache as production has it', () => {
    beforeEach(() => start());

    // With the production shop cache: the lookup just before the install cached the shop as unknown,
    // and the install must not leave that answer behind.
    it('answers the very first admin API call of a new shop with the installed shop', async () => {
      const answer = await adminApi('GET', '/shop');
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as AdminShop).shopKey).toBe(SHOP);
      expect(tokenExchanges()).toHaveLength(1);
    });

    // The same at the webhook route: the first orders of a shop just installed are not refused as from an unknown shop.
    it('accepts the webhooks of a shop installed a moment ago', async () => {
      await adminApi('GET', '/shop');
      expect(await store.findShop('shopify', SHOP)).not.toBeNull();
      expect((await webhook('orders/create', await orderBody({ id: 5_900_000_001_001 }))).status).toBe(200);
    });
  });

  describe('install', () => {
    // The shop cache off: each request sees the store as it is.
    beforeEach(() => start({ shopCacheMs: 0 }));

    it('installs a new shop by token exchange on its first admin API call, once', async () => {
      const answer = await adminApi('GET', '/shop');
      expect(answer.status).toBe(200);
      const shop = (await answer.json()) as AdminShop;
      expect(shop).toEqual({ platform: 'shopify', shopKey: SHOP, active: true, connection: { accountSid: null, authTokenSet: false }, config: null });

      expect(tokenExchanges()).toEqual([expect.objectContaining({ method: 'POST', path: '/admin/oauth/access_token', shop: SHOP, status: 200 })]);
      const row = await store.findShop('shopify', SHOP);
      expect(row).toMatchObject({ active: true, config: null });
      await expectExpiringSessionOnly();
      // The token the shop holds is the one the fake issued: the GraphQL endpoint accepted it for the pixel.
      expect(shopify.calls.filter((call) => call.operation === 'webPixelCreate')).toEqual([expect.objectContaining({ shop: SHOP, status: 200 })]);
      const settings = JSON.parse(shopify.pixels.get(SHOP)!.settings) as Record<string, string>;
      expect(settings.collectUrl).toBe(`${APP_URL}/collect/shopify`);
      expect(settings.clickIdParam).toBe('irclickid');
      expect(await store.readCursor(row!.id, reconcileCursor('shopify'))).not.toBeNull();
      // Home tells the merchant the pixel is active, from what the activation recorded.
      expect(((await (await adminApi('GET', '/home')).json()) as AdminHome).clickCapture).toMatchObject({ label: 'Shopify pixel', active: true });

      expect((await adminApi('GET', '/shop')).status).toBe(200);
      expect(tokenExchanges()).toHaveLength(1);
    });

    it('tells the pixel the click-id parameter the merchant saves', async () => {
      await adminApi('GET', '/shop');
      expect((await adminApi('PUT', '/config', { body: { ...CONFIG, clickIdParam: 'clickref' } })).status).toBe(200);
      expect(shopify.calls.filter((call) => call.operation === 'webPixelUpdate' && call.status === 200)).toHaveLength(1);
      expect(JSON.parse(shopify.pixels.get(SHOP)!.settings)).toMatchObject({ clickIdParam: 'clickref', collectUrl: `${APP_URL}/collect/shopify` });
    });

    it('refuses admin API calls without a genuine, current session token for this app, and installs nothing', async () => {
      const refused = [
        await adminApi('GET', '/shop', { authorization: null }),
        await adminApi('GET', '/shop', { authorization: `Bearer ${signSessionToken({ apiKey: API_KEY, apiSecret: 'someone-elses-secret', shop: SHOP })}` }),
        await adminApi('GET', '/shop', { authorization: `Bearer ${token(SHOP, { now: Date.now() - 600_000 })}` }),
        await adminApi('GET', '/shop', { authorization: `Bearer ${signSessionToken({ apiKey: 'another-app', apiSecret: API_SECRET, shop: SHOP })}` }),
        await adminApi('GET', '/shop', { authorization: 'Basic dXNlcjpwYXNz' }),
      ];
      expect(refused.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401]);
      for (const answer of refused) expect(await answer.json()).toEqual({ error: expect.any(String) });
      expect(await store.listShops()).toEqual([]);
      expect(tokenExchanges()).toEqual([]);
    });

    it('refuses the embedded page opened for one shop with a session token of another', async () => {
      const answer = await fetch(`${relay.url}/shopify/app?shop=${SHOP}&embedded=1&id_token=${token('intruder.myshopify.com')}`);
      expect(answer.status).toBe(401);
      expect(await store.findShop('shopify', SHOP)).toBeNull();
    });

    // A refused request changes nothing: the token's shop is compared before any token exchange.
    it('installs no shop at all when the page’s shop and the session token’s shop differ', async () => {
      const answer = await fetch(`${relay.url}/shopify/app?shop=${SHOP}&embedded=1&id_token=${token('intruder.myshopify.com')}`);
      expect(answer.status).toBe(401);
      expect((await store.listShops()).map((shop) => shop.shopKey)).toEqual([]);
      expect(tokenExchanges()).toEqual([]);
    });

    it('installs by the authorization-code grant, with the state cookie and a valid HMAC', async () => {
      const begin = await fetch(`${relay.url}/shopify/auth?shop=${SHOP}`, { redirect: 'manual', headers: { 'user-agent': BROWSER } });
      expect(begin.status).toBe(302);
      const location = new URL(begin.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(`https://${SHOP}/admin/oauth/authorize`);
      expect(location.searchParams.get('client_id')).toBe(API_KEY);
      expect(location.searchParams.get('redirect_uri')).toBe(`${APP_URL}/shopify/auth/callback`);
      const state = location.searchParams.get('state')!;
      expect(state).toMatch(/\S{8,}/);
      const cookie = begin.headers
        .getSetCookie()
        .map((line) => line.split(';')[0]!)
        .join('; ');
      expect(cookie).toContain('shopify_app_state=');

      const host = Buffer.from('admin.shopify.com/store/merino').toString('base64url');
      const query = { code: shopify.issueAuthorizationCode(SHOP), host, shop: SHOP, state, timestamp: String(Math.floor(Date.now() / 1000)) };
      const callback = (hmac: string) =>
        fetch(`${relay.url}/shopify/auth/callback?${new URLSearchParams({ ...query, hmac })}`, { redirect: 'manual', headers: { 'user-agent': BROWSER, cookie } });

      const forged = await callback(shopifyQueryHmac(query, 'not-the-app-secret'));
      expect(forged.status).toBe(400);
      expect(await store.findShop('shopify', SHOP)).toBeNull();

      const answer = await callback(shopifyQueryHmac(query, API_SECRET));
      expect(answer.status).toBe(302);
      expect(answer.headers.get('location')).toBe(`https://admin.shopify.com/store/merino/apps/${API_KEY}`);
      expect(shopify.calls.filter((call) => call.operation === 'authorization_code')).toEqual([expect.objectContaining({ shop: SHOP, status: 200 })]);
      const row = await store.findShop('shopify', SHOP);
      expect(row).toMatchObject({ active: true, config: null });
      await expectExpiringSessionOnly();
      expect(shopify.pixels.has(SHOP)).toBe(true);
      // Installed by the code grant: the admin API needs no token exchange afterwards.
      expect((await adminApi('GET', '/shop')).status).toBe(200);
      expect(tokenExchanges()).toEqual([]);
    });

    it('refuses a callback without the state cookie', async () => {
      const query = { code: shopify.issueAuthorizationCode(SHOP), shop: SHOP, state: 'guessed-state', timestamp: String(Math.floor(Date.now() / 1000)) };
      const answer = await fetch(`${relay.url}/shopify/auth/callback?${new URLSearchParams({ ...query, hmac: shopifyQueryHmac(query, API_SECRET) })}`, {
        redirect: 'manual',
        headers: { 'user-agent': BROWSER },
      });
      expect(answer.status).toBe(400);
      expect(await store.findShop('shopify', SHOP)).toBeNull();
    });
  });

  describe('setup through the admin API', () => {
    beforeEach(() => start({ shopCacheMs: 0 }));

    it('saves the connection and a valid configuration, tests the credentials, and tracks a promo-code order', async () => {
      await install();
      const connected = await adminApi('PUT', '/connection', { body: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN } });
      expect(connected.status).toBe(200);
      expect(((await connected.json()) as AdminShop).connection).toEqual({ accountSid: ACCOUNT_SID, authTokenSet: true });

      const invalid = await adminApi('PUT', '/config', { body: { ...CONFIG, promoCodes: [{ match: 'regex', code: '^JANE(', partnerId: '555001' }] } });
      expect(invalid.status).toBe(400);
      expect(((await invalid.json()) as { problems: unknown }).problems).toEqual([{ path: 'promoCodes[0].code', message: expect.stringContaining('invalid regular expression') }]);
      expect((await store.findShop('shopify', SHOP))!.config).toBeNull();

      const saved = await adminApi('PUT', '/config', { body: CONFIG });
      expect(saved.status).toBe(200);
      expect(((await saved.json()) as AdminShop).config).toMatchObject({ program: { campaignId: '12345', actionTrackerId: TRACKER }, promoCodes: [{ code: 'JANE20', partnerId: '555001' }] });

      const tested = await adminApi('POST', '/connection/test', { body: {} });
      expect(tested.status).toBe(200);
      expect(await tested.json()).toMatchObject({ ok: true });
      const wrong = await adminApi('POST', '/connection/test', { body: { accountSid: ACCOUNT_SID, authToken: 'not-the-token' } });
      expect(await wrong.json()).toMatchObject({ ok: false });

      const paid = await webhook('orders/paid', await orderBody({ id: 5_900_000_002_001, discountCodes: ['JANE20'] }));
      expect(paid.status).toBe(200);
      await waitFor(() => conversionOf('2001') !== undefined, 'the conversion of #2001');
      const fields = conversionOf('2001')!.fields;
      // No click id: the code's partner is credited (attributionPrecedence "click" only prefers a click id when there is one).
      expect(fields).toMatchObject({ CampaignId: '12345', OrderId: '2001', OrderPromoCode: 'JANE20', MediaPartnerId: '555001', CustomerId: '207119551' });
      expect(fields.ClickId).toBeUndefined();

      await waitFor(async () => (await actions()).some((a) => a.platformOrderId === '5900000002001' && a.deliveries[0]?.status === 'done'), 'the action listing');
      const [action] = await actions();
      expect(action).toMatchObject({ platformOrderId: '5900000002001', impactOrderId: '2001', status: 'converted', lateClickId: null });

      const before = Date.now();
      const testAction = await adminApi('POST', '/test-action');
      expect(testAction.status).toBe(202);
      const planned = (await testAction.json()) as TestActionResult;
      expect(Date.parse(planned.reversalAt)).toBeGreaterThanOrEqual(before + 3_600_000);
      await waitFor(() => impact.requests.some((r) => r.fields.OrderId === planned.orderId && r.status === 200), 'the test conversion');
    });

    // An order planned before impact.com is connected is held; saving the connection releases it.
    it('sends an order planned before the connection as soon as the connection is saved', async () => {
      await install();
      expect((await adminApi('PUT', '/config', { body: CONFIG })).status).toBe(200);
      expect((await webhook('orders/paid', await orderBody({ id: 5_900_000_002_003, discountCodes: ['JANE20'] }))).status).toBe(200);
      const shop = (await store.findShop('shopify', SHOP))!;
      await waitFor(async () => (await store.listDeliveries(shop.id, {})).some((d) => d.lastError === 'impact.com account not connected'), 'the held delivery');

      expect((await adminApi('PUT', '/connection', { body: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN } })).status).toBe(200);
      await waitFor(() => conversionOf('2003') !== undefined, 'the conversion of #2003', 3000);
    });

    it('refuses a test action before impact.com is connected', async () => {
      await install();
      expect((await adminApi('POST', '/test-action')).status).toBe(409);
    });

    it('keeps orders that arrive before the configuration, and delivers them once it is saved', async () => {
      await install();
      expect((await webhook('orders/paid', await orderBody({ id: 5_900_000_002_002, discountCodes: ['JANE20'] }))).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(impact.requests).toEqual([]);

      await setUp();
      await waitFor(() => conversionOf('2002') !== undefined, 'the released conversion of #2002');
      expect(conversionOf('2002')!.fields).toMatchObject({ OrderPromoCode: 'JANE20', MediaPartnerId: '555001' });
    });
  });

  describe('click ids from the pixel and the customer journey', () => {
    beforeEach(() => start({ shopCacheMs: 0 }));

    it('waits for the pixel’s beacon and sends its click id; a second beacon does not replace it', async () => {
      await install();
      await setUp();
      const placed = Date.now();
      expect((await webhook('orders/paid', await orderBody({ id: 5_900_000_003_001, createdAt: new Date(placed).toISOString() }))).status).toBe(200);
      expect((await beacon('5900000003001', 'PIXELCLICK1')).status).toBe(204);
      expect((await beacon('5900000003001', 'FORGED999')).status).toBe(204);
      await waitFor(() => conversionOf('3001') !== undefined, 'the conversion of #3001');
      expect(conversionOf('3001')!.fields.ClickId).toBe('PIXELCLICK1');
      const shop = (await store.findShop('shopify', SHOP))!;
      expect(await store.findClickCapture(shop.id, 'chk5900000003001')).toMatchObject({ clickId: 'PIXELCLICK1', source: 'pixel', platformOrderId: '5900000003001' });
    });

    it('believes a beacon only from the order’s own checkout: a made-up token with a guessed order number changes nothing', async () => {
      await install();
      await setUp();
      // Before the order: a forger names its number with a checkout token of their own.
      expect((await beacon('5900000003009', 'FORGED1', 'made-up-token')).status).toBe(204);
      const body = await orderBody({ id: 5_900_000_003_009, createdAt: new Date().toISOString() });
      expect((await webhook('orders/paid', body)).status).toBe(200);
      expect((await beacon('5900000003009', 'GENUINE1')).status).toBe(204);
      await waitFor(() => conversionOf('3009') !== undefined, 'the conversion of #3009');
      expect(conversionOf('3009')!.fields.ClickId).toBe('GENUINE1');
    });

    it('keeps the promo-code attribution of an order from no online checkout (POS, draft, API): no beacon is believed for it', async () => {
      await install();
      await setUp();
      expect((await beacon('5900000003010', 'FORGED2', 'made-up-token-2')).status).toBe(204);
      // With the click wait over, the order goes out as it is: its code's partner, not the forged click.
      await webhook('orders/paid', await orderBody({ id: 5_900_000_003_010, checkoutToken: null, discountCodes: ['JANE20'] }));
      await waitFor(() => conversionOf('3010') !== undefined, 'the conversion of #3010');
      expect(conversionOf('3010')!.fields).toMatchObject({ MediaPartnerId: '555001', OrderPromoCode: 'JANE20' });
      expect(conversionOf('3010')!.fields.ClickId).toBeUndefined();
    });

    it('sends an order without a click id once the wait is over', async () => {
      await install();
      await setUp();
      const placed = Date.now();
      await webhook('orders/paid', await orderBody({ id: 5_900_000_003_002, createdAt: new Date(placed).toISOString() }));
      await waitFor(() => conversionOf('3002') !== undefined, 'the conversion of #3002');
      expect(Date.now()).toBeGreaterThanOrEqual(placed + CLICK_WAIT_MS);
      expect(conversionOf('3002')!.fields.ClickId).toBeUndefined();
    });

    it('prefers the click id of the order’s landing page to a beacon', async () => {
      await install();
      await setUp();
      expect((await beacon('5900000003003', 'PIXELCLICK3')).status).toBe(204);
      const body = await orderBody({ id: 5_900_000_003_003, createdAt: new Date().toISOString(), landingSite: '/products/merino-socks?irclickid=LANDING3' });
      await webhook('orders/paid', body);
      await waitFor(() => conversionOf('3003') !== undefined, 'the conversion of #3003', 1000);
      expect(conversionOf('3003')!.fields.ClickId).toBe('LANDING3');
    });

    it('does not report a beacon that lost to the order’s own click id as a late click id', async () => {
      await install();
      await setUp();
      await beacon('5900000003004', 'PIXELCLICK4');
      await webhook('orders/paid', await orderBody({ id: 5_900_000_003_004, createdAt: new Date().toISOString(), landingSite: '/?irclickid=LANDING4' }));
      await waitFor(async () => (await actions()).some((a) => a.deliveries[0]?.status === 'done'), 'the conversion of #3004');
      expect((await actions())[0]!.lateClickId).toBeNull();
    });

    it('shows a beacon that came after the conversion was sent as a late click id', async () => {
      await install();
      await setUp();
      await webhook('orders/paid', await orderBody({ id: 5_900_000_003_005 }));
      await waitFor(() => conversionOf('3005') !== undefined, 'the conversion of #3005');
      expect(conversionOf('3005')!.fields.ClickId).toBeUndefined();
      expect((await beacon('5900000003005', 'LATECLICK5')).status).toBe(204);
      const [action] = await actions();
      expect(action!.lateClickId).toEqual({ clickId: 'LATECLICK5', source: 'pixel', capturedAt: expect.any(String) });
    });

    it('answers a beacon for a shop that is not installed as any other, and keeps nothing', async () => {
      expect((await beacon('5900000003006', 'PIXELCLICK6')).status).toBe(204);
      expect(await store.listShops()).toEqual([]);
    });

    it('takes the click id from Shopify’s customer journey when the order has none', async () => {
      await install();
      await setUp();
      shopify.addOrder(SHOP, {
        id: 'gid://shopify/Order/5900000007001',
        updatedAt: LONG_AGO,
        customerJourneySummary: {
          ready: true,
          customerOrderIndex: 1,
          firstVisit: { landingPage: 'https://merino.example.com/' },
          lastVisit: { landingPage: 'https://merino.example.com/products/socks?irclickid=JOURNEY1&utm_source=partner' },
        },
        customer: { numberOfOrders: '1' },
      });
      await webhook('orders/paid', await orderBody({ id: 5_900_000_007_001 }));
      await waitFor(() => conversionOf('7001') !== undefined, 'the conversion of #7001');
      expect(conversionOf('7001')!.fields).toMatchObject({ ClickId: 'JOURNEY1', CustomerStatus: 'New' });
      expect(shopify.calls.filter((call) => call.operation === 'order')).toEqual([
        expect.objectContaining({ shop: SHOP, variables: { id: 'gid://shopify/Order/5900000007001' }, status: 200 }),
      ]);
    });
  });

  describe('privacy and lifecycle webhooks', () => {
    beforeEach(() => start({ shopCacheMs: 0 }));

    const customerRequest = (extra: Record<string, unknown>) =>
      JSON.stringify({ shop_id: 954889, shop_domain: SHOP, customer: { id: 207119551, email: 'jon@example.com', phone: null }, ...extra });

    it('answers a compliance webhook with an invalid HMAC with 401', async () => {
      await install();
      const answer = await webhook('customers/redact', customerRequest({ orders_to_redact: [] }), { secret: 'not-the-app-secret' });
      expect(answer.status).toBe(401);
    });

    it('exports and redacts a customer’s data on request', async () => {
      const shop = await install();
      // The merchant chose to send the shopper's IP address and browser too.
      await setUp({ sendIpAddress: true, sendUserAgent: true });
      await webhook('orders/paid', await orderBody({ id: 5_900_000_008_001, discountCodes: ['JANE20'] }));
      await waitFor(() => conversionOf('8001') !== undefined, 'the conversion of #8001');
      const [sent] = await store.listDeliveries(shop.id, {});
      expect(sent!.fields).toMatchObject({ CustomerId: '207119551', IpAddress: '203.0.113.7' });

      expect((await webhook('customers/data_request', customerRequest({ orders_requested: [5900000008001], data_request: { id: 9999 } }))).status).toBe(200);
      await waitFor(async () => (await store.listCustomerDataExports(shop.id)).length > 0, 'the data export');
      const [exported] = await store.listCustomerDataExports(shop.id);
      expect(exported).toMatchObject({ requestId: '9999', customerId: '207119551' });
      expect(exported!.orders).toEqual([expect.objectContaining({ platformOrderId: '5900000008001', impactOrderId: '8001', sentFields: expect.objectContaining({ CustomerId: '207119551' }) })]);

      expect((await webhook('customers/redact', customerRequest({ orders_to_redact: [5900000008001] }))).status).toBe(200);
      await waitFor(async () => (await store.listDeliveries(shop.id, {}))[0]!.fields.CustomerId === undefined, 'the redaction');
      const [redacted] = await store.listDeliveries(shop.id, {});
      expect(redacted!.fields.IpAddress).toBeUndefined();
      expect(redacted!.fields.UserAgent).toBeUndefined();
      // What was sold stays.
      expect(redacted!.fields).toMatchObject({ OrderId: '8001', OrderPromoCode: 'JANE20' });
    });

    it('deactivates the shop on app/uninstalled, and holds what comes later', async () => {
      const shop = await install();
      await setUp();
      expect((await webhook('app/uninstalled', JSON.stringify({ id: 954889, domain: SHOP, myshopify_domain: SHOP }))).status).toBe(200);
      await waitFor(async () => (await store.getShop(shop.id))?.active === false, 'the deactivation');
      expect(await store.loadCredentials({ platform: 'shopify', shopKey: SHOP })).toBeNull();

      // An order after the uninstall is acknowledged, and not converted.
      expect((await webhook('orders/paid', await orderBody({ id: 5_900_000_008_002, discountCodes: ['JANE20'] }))).status).toBe(200);
      // A delivery already queued is held, not sent.
      await store.enqueueDeliveries(
        shop.id,
        [{ kind: 'conversion', method: 'POST', path: '/Advertisers/{AccountSID}/Conversions', availableAt: Date.now(), fields: { CampaignId: '12345', ActionTrackerId: TRACKER, OrderId: 'HELD1', EventDate: LONG_AGO, CurrencyCode: 'USD', ItemSku1: 'A', ItemQuantity1: '1', ItemSubTotal1: '1.00' } }],
        Date.now(),
      );
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(deliveryRequests()).toEqual([]);
      expect((await store.listDeliveries(shop.id, {})).map((d) => [d.fields.OrderId, d.status])).toEqual([['HELD1', 'pending']]);
    });

    // Deliveries held while the app was uninstalled go as soon as it is installed again.
    it('reactivates the shop when it is installed again, with its setup kept, and sends what was held', async () => {
      const shop = await install();
      await setUp();
      await webhook('app/uninstalled', JSON.stringify({ id: 954889, domain: SHOP, myshopify_domain: SHOP }));
      await waitFor(async () => (await store.getShop(shop.id))?.active === false, 'the deactivation');
      await store.enqueueDeliveries(
        shop.id,
        [{ kind: 'conversion', method: 'POST', path: '/Advertisers/{AccountSID}/Conversions', availableAt: Date.now(), fields: { CampaignId: '12345', ActionTrackerId: TRACKER, OrderId: 'HELD2', ClickId: 'HELDCLICK', EventDate: LONG_AGO, CurrencyCode: 'USD', ItemSku1: 'A', ItemQuantity1: '1', ItemSubTotal1: '1.00' } }],
        Date.now(),
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(deliveryRequests()).toEqual([]);

      const reopened = await adminApi('GET', '/shop');
      expect(reopened.status).toBe(200);
      expect(await reopened.json()).toMatchObject({ active: true, connection: { accountSid: ACCOUNT_SID, authTokenSet: true }, config: { program: { actionTrackerId: TRACKER } } });
      expect(tokenExchanges()).toHaveLength(2);
      await waitFor(() => conversionOf('HELD2') !== undefined, 'the held conversion', 3000);
    });

    it('keeps a shop that is installed (again) when shop/redact comes: a live merchant’s data is not deleted', async () => {
      const shop = await install();
      await setUp();
      expect((await webhook('shop/redact', JSON.stringify({ shop_id: 954889, shop_domain: SHOP }))).status).toBe(200);
      await waitFor(async () => (await store.queueDepth()).webhooks === 0, 'the redact to be processed');
      expect(await store.getShop(shop.id)).toMatchObject({ active: true });
    });

    it('ignores an uninstall notice from before the latest install (a late or retried delivery)', async () => {
      const shop = await install();
      await setUp();
      const before = new Date(Date.now() - 60_000).toISOString();
      const request = shopifyWebhookRequest({ shop: SHOP, topic: 'app/uninstalled', body: JSON.stringify({ id: 954889, myshopify_domain: SHOP }), apiSecret: API_SECRET });
      const late = await fetch(`${relay.url}/webhooks/shopify`, { method: 'POST', headers: { ...request.headers, 'x-shopify-triggered-at': before }, body: request.body });
      expect(late.status).toBe(200);
      await waitFor(async () => (await store.queueDepth()).webhooks === 0, 'the notice to be processed');
      expect(await store.getShop(shop.id)).toMatchObject({ active: true });
    });

    it('keeps a shop whose app was opened again after an uninstall notice was sent, whenever the notice is processed', async () => {
      const shop = await install();
      await setUp();
      const triggeredAt = new Date(Date.now() - 5).toISOString();
      const pixelCalls = () => shopify.calls.filter((call) => call.operation.startsWith('webPixel')).length;
      const pixelCallsBefore = pixelCalls();
      // The merchant opens the app (a fresh session token) after Shopify sent the notice, before it arrives.
      const opened = await fetch(`${relay.url}/shopify/app?embedded=1&shop=${SHOP}&id_token=${token(SHOP)}`);
      expect(opened.status).toBe(200);
      const request = shopifyWebhookRequest({ shop: SHOP, topic: 'app/uninstalled', body: JSON.stringify({ id: 954889, myshopify_domain: SHOP }), apiSecret: API_SECRET });
      await fetch(`${relay.url}/webhooks/shopify`, { method: 'POST', headers: { ...request.headers, 'x-shopify-triggered-at': triggeredAt }, body: request.body });
      await waitFor(async () => (await store.queueDepth()).webhooks === 0, 'the notice to be processed');
      expect(await store.getShop(shop.id)).toMatchObject({ active: true });
      // Opening the app again confirmed the install (a token exchange) without touching the pixel.
      expect(pixelCalls()).toBe(pixelCallsBefore);
    });

    it('acts on no shop because of a signed body replayed with its headers: lifecycle topics must name the shop in their payload', async () => {
      const shop = await install();
      await setUp();
      // An order of another shop, signed by Shopify, as anyone who saw one delivered could replay it.
      const order = await orderBody({ id: 5_900_000_011_001 });
      for (const topic of ['app/uninstalled', 'shop/redact', 'customers/redact', 'customers/data_request']) {
        expect((await webhook(topic, order)).status).toBe(401);
      }
      // Another shop's genuine uninstall notice, replayed under this shop's domain.
      expect((await webhook('app/uninstalled', JSON.stringify({ id: 1, myshopify_domain: 'attacker.myshopify.com' }))).status).toBe(401);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await store.getShop(shop.id)).toMatchObject({ active: true });
    });

    it('refuses a signed order body already held for one shop when it comes again for another', async () => {
      await install();
      await setUp();
      const other = 'second-store.myshopify.com';
      expect((await adminApi('GET', '/shop', { shop: other })).status).toBe(200);
      const body = await orderBody({ id: 5_900_000_011_003 });
      expect((await webhook('orders/paid', body)).status).toBe(200);
      const replayed = await webhook('orders/paid', body, { shop: other });
      expect(replayed.status).toBe(401);
      expect(await replayed.json()).toEqual({ error: 'this signed body was delivered for another shop' });
      const otherShop = (await store.findShop('shopify', other))!;
      expect(await store.claimWebhooks(10, 1000, Date.now() + 60_000).then((rows) => rows.filter((row) => row.shopId === otherShop.id))).toEqual([]);
    });

    it('names only topics it knows in its metrics: a signed body under made-up topics grows no series', async () => {
      await install();
      for (let n = 0; n < 5; n++) expect((await webhook(`made/up/${n}`, JSON.stringify({ id: n }))).status).toBe(200);
      const metrics = await (await fetch(`${relay.url}/metrics`)).text();
      expect(metrics).not.toContain('made/up');
      expect(metrics).toMatch(/cartrelay_webhooks_total\{platform="shopify",topic="other",outcome="stored"\} 5/);
    });

    it('keeps no signature with a stored webhook: what the database holds cannot be replayed', async () => {
      await install();
      await setUp();
      expect((await webhook('orders/create', await orderBody({ id: 5_900_000_011_002 }))).status).toBe(200);
      const database = new DatabaseSync(join(dataDir, 'cartrelay.db'), { readOnly: true });
      try {
        const rows = database.prepare('SELECT headers_json FROM webhook_bodies').all() as Array<{ headers_json: string }>;
        expect(rows).toHaveLength(1);
        const headers = JSON.parse(rows[0]!.headers_json) as Record<string, string>;
        expect(headers).toMatchObject({ 'x-shopify-topic': 'orders/create', 'x-shopify-shop-domain': SHOP });
        expect(Object.keys(headers).filter((name) => /hmac|signature/i.test(name))).toEqual([]);
      } finally {
        database.close();
      }
    });

    it('deletes the shop on shop/redact after its uninstall, and answers it for a shop it does not know', async () => {
      const shop = await install();
      await setUp();
      await webhook('app/uninstalled', JSON.stringify({ id: 954889, domain: SHOP, myshopify_domain: SHOP }));
      await waitFor(async () => (await store.getShop(shop.id))?.active === false, 'the deactivation');
      expect((await webhook('shop/redact', JSON.stringify({ shop_id: 954889, shop_domain: SHOP }))).status).toBe(200);
      await waitFor(async () => (await store.getShop(shop.id)) === null, 'the deletion');
      expect(await store.loadCredentials({ platform: 'shopify', shopKey: SHOP })).toBeNull();

      const unknown = await webhook('shop/redact', JSON.stringify({ shop_id: 1, shop_domain: 'never-installed.myshopify.com' }), { shop: 'never-installed.myshopify.com' });
      expect(unknown.status).toBe(200);
    });
  });

  describe('reconciliation', () => {
    beforeEach(() => start({ shopCacheMs: 0 }));

    it('feeds an order Shopify never sent as a webhook through the inbox, once', async () => {
      const shop = await install();
      await setUp();
      const cursor = (await store.readCursor(shop.id, reconcileCursor('shopify')))!;
      const node = JSON.parse(await readFile(fileURLToPath(new URL('./fixtures/graphql-order-1001.json', import.meta.url)), 'utf8'));
      shopify.addOrder(SHOP, { ...node, id: 'gid://shopify/Order/5900000009001', name: '#9001', createdAt: LONG_AGO, updatedAt: new Date(Date.parse(cursor) + 1000).toISOString() });
      const inserts = vi.spyOn(store, 'insertWebhooks');

      expect(await reconcileAll()).toBe(1);
      expect(inserts).toHaveBeenCalledTimes(1);
      expect(inserts.mock.calls[0]![0]).toEqual([expect.objectContaining({ shopId: shop.id, topic: RECONCILED_TOPIC })]);
      expect(await inserts.mock.results[0]!.value).toEqual(['stored']);
      await waitFor(() => conversionOf('9001') !== undefined, 'the reconciled conversion of #9001');
      expect(conversionOf('9001')!.fields).toMatchObject({ ClickId: 'abc123', OrderId: '9001', CurrencyCode: 'EUR' });

      await reconcileAll();
      const again = await Promise.all(inserts.mock.results.slice(1).map((result) => result.value));
      expect(again.flat().filter((outcome) => outcome === 'stored')).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(conversionsPostedFor('9001')).toHaveLength(1);
    });

    it('skips a shop that is not configured yet', async () => {
      await install();
      shopify.addOrder(SHOP, { id: 'gid://shopify/Order/5900000009002', updatedAt: new Date(Date.now() + 1000).toISOString() });
      expect(await reconcileAll()).toBe(0);
      expect(shopify.calls.filter((call) => call.operation === 'orders')).toEqual([]);
    });
  });
  describe('expiring tokens and session-token edges', () => {
    const session = () => new StoreSessionStorage(store, box).loadSession(SHOP);
    const page = (path: string, query: Record<string, string>) => fetch(`${relay.url}${path}?${new URLSearchParams(query)}`, { redirect: 'manual' });

    describe('opening the app', () => {
      beforeEach(() => start({ shopCacheMs: 0 }));

      it('exchanges no token while the stored one is good, but still confirms the install', async () => {
        const shop = await install();
        const before = (await store.getShop(shop.id))!.installedAt;
        await new Promise((resolve) => setTimeout(resolve, 5));
        const opened = await page('/shopify/app', { embedded: '1', shop: SHOP, id_token: token() });
        expect(opened.status).toBe(200);
        expect(tokenExchanges()).toHaveLength(1);
        expect((await store.getShop(shop.id))!.installedAt).toBeGreaterThan(before);
      });

      it('moves a shop still on a non-expiring token to an expiring one when the merchant opens the app', async () => {
        const legacy = shopify.issueAccessToken(SHOP);
        await new StoreSessionStorage(store, box).storeSession(new Session({ id: `offline_${SHOP}`, shop: SHOP, state: '', isOnline: false, accessToken: legacy, scope: 'read_orders,write_pixels,read_customer_events' }));
        await shops.install({ platform: 'shopify', shopKey: SHOP });
        await page('/shopify/app', { embedded: '1', shop: SHOP, id_token: token() });
        expect(tokenExchanges()).toEqual([expect.objectContaining({ status: 200 })]);
        await expectExpiringSessionOnly();
      });

      it('exchanges when the stored token lacks a scope the app now asks for, as after app/scopes_update took one away', async () => {
        await install();
        const scopesUpdate = { id: 1, shop_id: 'gid://shopify/Shop/548380009', previous: ['read_orders', 'write_pixels', 'read_customer_events'], current: ['read_orders'], updated_at: new Date().toISOString() };
        expect((await webhook('app/scopes_update', JSON.stringify(scopesUpdate))).status).toBe(200);
        await waitFor(async () => (await session())?.scope === 'read_orders', 'the scopes to be recorded');
        expect((await adminApi('GET', '/shop')).status).toBe(200);
        expect(tokenExchanges()).toHaveLength(2);
      });

      it('sends a page load without a session token to App Bridge’s bounce page, which reloads the same page with one', async () => {
        const host = Buffer.from('admin.shopify.com/store/merino').toString('base64url');
        const opened = await page('/shopify/app/promo-codes', { embedded: '1', shop: SHOP, host });
        expect(opened.status).toBe(302);
        const bounce = new URL(opened.headers.get('location')!, relay.url);
        expect(bounce.pathname).toBe('/shopify/auth/session-token');
        expect(bounce.searchParams.get('shop')).toBe(SHOP);
        const reload = new URL(bounce.searchParams.get('shopify-reload')!);
        expect(`${reload.origin}${reload.pathname}`).toBe(`${APP_URL}/shopify/app/promo-codes`);
        expect(Object.fromEntries(reload.searchParams)).toEqual({ embedded: '1', shop: SHOP, host, cartrelay_bounced_at: expect.stringMatching(/^\d+$/) });

        const html = await fetch(bounce);
        expect(html.status).toBe(200);
        expect(html.headers.get('content-security-policy')).toBe(`frame-ancestors https://${SHOP} https://admin.shopify.com;`);
        expect(await html.text()).toBe(`<script data-api-key="${API_KEY}" src="https://cdn.shopify.com/shopifycloud/app-bridge.js"></script>`);
        expect(await store.listShops()).toEqual([]);
      });

      it('names only this app’s pages on the bounce page: App Bridge hands the page it reloads a session token', async () => {
        const bouncing = (reload: string) => fetch(`${relay.url}/shopify/auth/session-token?${new URLSearchParams({ shop: SHOP, 'shopify-reload': reload })}`);
        expect((await bouncing(`${APP_URL}/shopify/app/sku-rules?shop=${SHOP}`)).status).toBe(200);
        for (const elsewhere of ['https://attacker.example/shopify/app', `${APP_URL}/api/admin/shop`, 'javascript:alert(1)', '/shopify/app']) {
          expect((await bouncing(elsewhere)).status).toBe(400);
        }
      });

      it('answers 401, not another bounce, when the session token fails again just after a bounce (a wrong secret or clock)', async () => {
        const expired = token(SHOP, { now: Date.now() - 600_000 });
        const first = await page('/shopify/app', { embedded: '1', shop: SHOP, id_token: expired });
        expect(first.status).toBe(302);
        const reload = new URL(new URL(first.headers.get('location')!, relay.url).searchParams.get('shopify-reload')!);
        reload.searchParams.set('id_token', expired);
        const again = await fetch(`${relay.url}${reload.pathname}${reload.search}`, { redirect: 'manual' });
        expect(again.status).toBe(401);
        // Long after a bounce, a failing token bounces again (the merchant reloads the page tomorrow).
        reload.searchParams.set('cartrelay_bounced_at', String(Date.now() - 3_600_000));
        expect((await fetch(`${relay.url}${reload.pathname}${reload.search}`, { redirect: 'manual' })).status).toBe(302);
      });

      it('bounces a page load whose session token has expired, and installs nothing', async () => {
        const opened = await page('/shopify/app', { embedded: '1', shop: SHOP, id_token: token(SHOP, { now: Date.now() - 600_000 }) });
        expect(opened.status).toBe(302);
        const reload = new URL(new URL(opened.headers.get('location')!, relay.url).searchParams.get('shopify-reload')!);
        expect(reload.searchParams.has('id_token')).toBe(false);
        expect(await store.listShops()).toEqual([]);
        expect(tokenExchanges()).toEqual([]);
      });

      it('answers an admin API call with an expired session token 401 and the header that makes App Bridge retry; one without a token, 401 alone', async () => {
        await install();
        const expired = await adminApi('GET', '/shop', { authorization: `Bearer ${token(SHOP, { now: Date.now() - 600_000 })}` });
        expect(expired.status).toBe(401);
        expect(expired.headers.get('x-shopify-retry-invalid-session-request')).toBe('1');
        const missing = await adminApi('GET', '/shop', { authorization: null });
        expect(missing.status).toBe(401);
        expect(missing.headers.get('x-shopify-retry-invalid-session-request')).toBeNull();
      });
    });

    describe('when the merchant has not approved every scope the app asks for', () => {
      beforeEach(() => start({ shopCacheMs: 0, fake: { shops: { [SHOP]: { grantedScope: 'read_orders,read_customer_events' } } } }));

      it('exchanges once for them, not on every call, and again once Shopify says the scopes changed', async () => {
        await install();
        for (let i = 0; i < 3; i++) expect((await adminApi('GET', '/shop')).status).toBe(200);
        expect(tokenExchanges()).toHaveLength(1);
        expect((await session())!.scope).toBe('read_orders,read_customer_events');

        const update = { id: 1, previous: ['read_orders', 'read_customer_events'], current: ['read_orders', 'write_pixels', 'read_customer_events'], updated_at: new Date().toISOString() };
        expect((await webhook('app/scopes_update', JSON.stringify(update))).status).toBe(200);
        await waitFor(async () => (await session())?.scope === 'read_orders,write_pixels,read_customer_events', 'the scopes to be recorded');
        expect((await adminApi('GET', '/shop')).status).toBe(200);
        expect(tokenExchanges()).toHaveLength(1);
      });
    });

    describe('the admin page document and its assets', () => {
      let dist: string;
      beforeEach(async () => {
        dist = await mkdtemp(join(tmpdir(), 'cartrelay-admin-dist-'));
        await mkdir(join(dist, 'assets'));
        await writeFile(join(dist, 'index.html'), '<!doctype html><meta name="shopify-api-key" content="%SHOPIFY_API_KEY%" /><div id="root"></div>');
        const script = 'console.log("cartrelay admin");'.repeat(50);
        await writeFile(join(dist, 'assets', 'index-Ab12.js'), script);
        await writeFile(join(dist, 'assets', 'index-Ab12.js.br'), brotliCompressSync(script));
        await writeFile(join(dist, 'assets', 'index-Ab12.js.gz'), gzipSync(script));
        await start({ shopCacheMs: 0, app: { adminDistDir: dist } });
      });

      it('serves every page route the same document, never cached', async () => {
        for (const path of ['/shopify/app', '/shopify/app/', '/shopify/app/sku-rules', '/shopify/app/recent-actions']) {
          const answer = await page(path, { embedded: '1', shop: SHOP, id_token: token() });
          expect(answer.status).toBe(200);
          expect(answer.headers.get('cache-control')).toBe('no-store');
          expect(await answer.text()).toContain(`content="${API_KEY}"`);
        }
      });

      it('serves the hashed assets in the smallest encoding the browser takes, cached for a year', async () => {
        const asset = (encoding: string) => fetch(`${relay.url}/shopify/app/assets/index-Ab12.js`, { headers: { 'accept-encoding': encoding } });
        const plain = 'console.log("cartrelay admin");'.repeat(50);
        const br = await asset('gzip, deflate, br');
        expect(br.headers.get('content-encoding')).toBe('br');
        expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(br.headers.get('content-type')).toMatch(/javascript/);
        expect(await br.text()).toBe(plain);
        expect((await asset('gzip')).headers.get('content-encoding')).toBe('gzip');
        const identity = await asset('identity');
        expect(identity.headers.get('content-encoding')).toBeNull();
        expect(await identity.text()).toBe(plain);
        expect((await fetch(`${relay.url}/shopify/app/assets/missing-Zz99.js`)).status).toBe(404);
        // Removed since it was listed (a rebuild in place): a 404 nobody may cache, not a year-long one.
        await rm(join(dist, 'assets', 'index-Ab12.js.br'));
        const gone = await asset('br');
        expect(gone.status).toBe(404);
        expect(gone.headers.get('cache-control')).toBe('no-store');
        expect(gone.headers.get('content-encoding')).toBeNull();
        expect([400, 404]).toContain((await fetch(`${relay.url}/shopify/app/assets/..%2f..%2fpackage.json`)).status);
      });
    });

    describe('on expiring tokens only (Shopify refusing non-expiring ones, as from 2027-01-01)', () => {
      beforeEach(() =>
        start({
          shopCacheMs: 0,
          fake: { accessTokenLifetimeSeconds: 2, rejectNonExpiringAfter: new Date(Date.now() - 1000) },
          app: { tokenRefreshMarginMs: 1000 },
        }),
      );
      const refreshes = () => shopify.calls.filter((call) => call.operation === 'refresh_token');
      const refusedCalls = () => shopify.calls.filter((call) => call.status === 401 || call.status === 403);

      it('runs install → order → reconciliation across a token expiry', async () => {
        // Installed by opening the app: an expiring pair.
        expect((await page('/shopify/app', { embedded: '1', shop: SHOP, id_token: token() })).status).toBe(200);
        await expectExpiringSessionOnly();
        expect(shopify.pixels.has(SHOP)).toBe(true);
        await setUp();
        const shop = (await store.findShop('shopify', SHOP))!;

        await webhook('orders/paid', await orderBody({ id: 5_900_000_004_501, landingSite: '/?irclickid=CLICK4501' }));
        await waitFor(() => conversionOf('4501') !== undefined, 'the conversion of #4501');

        // The hour (here: two seconds) passes: the token is refreshed before the run's first request.
        await new Promise((resolve) => setTimeout(resolve, 1100));
        const node = JSON.parse(await readFile(fileURLToPath(new URL('./fixtures/graphql-order-1001.json', import.meta.url)), 'utf8'));
        const cursor = (await store.readCursor(shop.id, reconcileCursor('shopify')))!;
        shopify.addOrder(SHOP, { ...node, id: 'gid://shopify/Order/5900000004502', name: '#4502', createdAt: LONG_AGO, updatedAt: new Date(Date.parse(cursor) + 1000).toISOString() });
        expect(await reconcileAll()).toBe(1);
        await waitFor(() => conversionOf('4502') !== undefined, 'the reconciled conversion of #4502');
        expect(refreshes().map((call) => call.status)).toEqual([200]);
        expect(refusedCalls()).toEqual([]);
        expect((await session())!.refreshToken).toBe(shopify.currentRefreshToken(SHOP));
      });

      it('shows a shop whose refresh token Shopify refuses as needing its merchant, until the merchant opens the app', async () => {
        await install();
        await setUp();
        const lost = async () => /cartrelay_shops_access_lost\{platform="shopify"\} (\d+)/.exec(await (await fetch(`${relay.url}/metrics`)).text())?.[1] ?? '0';
        expect(await lost()).toBe('0');
        // The merchant uninstalled and reinstalled elsewhere, say: every token CartRelay holds is dead.
        shopify.revokeTokens(SHOP);
        await new Promise((resolve) => setTimeout(resolve, 1100));
        expect(await reconcileAll()).toBe(0);
        expect(refreshes().map((call) => call.status)).toEqual([400]);
        expect((await store.findShop('shopify', SHOP))!.accessProblem).toEqual({ reason: 'HTTP 400: The refresh token was revoked', since: expect.any(Number) });
        expect(await lost()).toBe('1');

        // Opening the app exchanges a new token and clears it.
        expect((await page('/shopify/app', { embedded: '1', shop: SHOP, id_token: token() })).status).toBe(200);
        expect((await store.findShop('shopify', SHOP))!.accessProblem).toBeNull();
        expect(await lost()).toBe('0');
        await expectExpiringSessionOnly();
      });

      it('refreshes a token that expires in the middle of a reconciliation, and finishes the run', async () => {
        await install();
        await setUp();
        const shop = (await store.findShop('shopify', SHOP))!;
        const cursor = Date.parse((await store.readCursor(shop.id, reconcileCursor('shopify')))!);
        for (const n of [1, 2]) shopify.addOrder(SHOP, { id: `gid://shopify/Order/59000000110${n}`, name: `#110${n}`, updatedAt: new Date(cursor + n * 1000).toISOString(), lineItems: { nodes: [] } });
        // Shopify ends the token right after the run has listed the orders.
        shopify.hooks.beforeGraphql = (_shop, query) => {
          if (query.includes('CartRelayOrder(')) {
            shopify.hooks.beforeGraphql = undefined;
            shopify.expireAccessTokens(SHOP);
          }
        };
        expect(await reconcileAll()).toBe(2);
        expect(shopify.calls.filter((call) => call.operation === 'unauthorized')).toHaveLength(1);
        expect(refreshes().map((call) => call.status)).toEqual([200]);
        expect(shopify.calls.filter((call) => call.operation === 'order' && call.status === 200)).toHaveLength(2);
      });
    });
  });
});

/** Shopify's OAuth callback signature: hex HMAC-SHA256 of the sorted query without hmac (as @shopify/shopify-api v15 checks it). */
function shopifyQueryHmac(query: Record<string, string>, secret: string): string {
  const sorted = new URLSearchParams(Object.keys(query).sort((a, b) => a.localeCompare(b)).map((key): [string, string] => [key, query[key]!]));
  return createHmac('sha256', secret).update(sorted.toString().replace(/\+/g, '%20')).digest('hex');
}
