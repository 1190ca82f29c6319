import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_RETRY_POLICY,
  type Relay,
  ShopDirectory,
  type Store,
  type StoreAppContext,
  createImpactClient,
  openStore,
  parseTrackingConfig,
  reconcileAll,
  startRelay,
  storeAppRouters,
} from '@cartrelay/core';
import { type FakeImpact, startFakeImpact } from '@cartrelay/core/fake-impact';
import { aConfig, aSecretBox } from '@cartrelay/core/testing';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BigCommerceApp, HOOK_SCOPES, createBigCommerceApp, storefrontFromBuild } from '../src/app.ts';
import { bigcommerceAdapter } from '../src/index.ts';
import { type FakeBigCommerce, startFakeBigCommerce } from '../src/testing/fake-bigcommerce.ts';

const CLIENT_ID = 'cartrelay-client-id';
const CLIENT_SECRET = 'cartrelay-client-secret';
const HASH = 'abc123';
const SCOPES = 'store_v2_orders_read_only store_v2_content store_content_checkout';
const ACCOUNT_SID = 'IRbigcommerce';
const AUTH_TOKEN = 'impact-token';
const CLICK_ID = 'Bc9Click_partner.42';
const SESSION_PLACEHOLDER = '%CARTRELAY_SESSION%';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const until = async (check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe('the BigCommerce app in the relay', () => {
  let impact: FakeImpact;
  let bc: FakeBigCommerce;
  let store: Store;
  let shops: ShopDirectory;
  let app: BigCommerceApp;
  let relay: Relay;
  let context: StoreAppContext;
  let appUrl: string;

  beforeEach(async () => {
    impact = await startFakeImpact({ accounts: { [ACCOUNT_SID]: AUTH_TOKEN } });
    const box = aSecretBox();
    store = await openStore({ dataDir: await mkdtemp(join(tmpdir(), 'cartrelay-bigcommerce-app-')), box });
    shops = new ShopDirectory(store, box, { cacheMs: 0 });
    const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
    const impactClient = createImpactClient({ baseUrl: impact.url, timeoutMs: 2000 });
    context = { store, shops, box, impact: impactClient, logger, now: Date.now };
    // A page to serve: the built admin page is not what these tests are about.
    const adminDistDir = await mkdtemp(join(tmpdir(), 'cartrelay-bigcommerce-admin-'));
    await writeFile(join(adminDistDir, 'index.html'), `<!doctype html><meta name="cartrelay-session" content="${SESSION_PLACEHOLDER}"><div id="root"></div>`);
    // The app must know its own URL before it listens: a port found free may be taken meanwhile by
    // another test (every package's tests run at once), then another is tried.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      appUrl = `http://127.0.0.1:${port}`;
      bc = await startFakeBigCommerce({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${appUrl}/bigcommerce/auth`, stores: { [HASH]: {} }, rateLimit: { quota: 12, windowMs: 1_500 } });
      app = createBigCommerceApp({
        app: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, loginUrl: bc.url },
        appUrl,
        apiBaseUrl: bc.url,
        context,
        storefront: storefrontFromBuild({ appUrl, consentCategory: 'analytics' }),
        adminDistDir,
      });
      try {
        relay = await startRelay({
          store,
          shops,
          adapters: new Map([['bigcommerce', { ...bigcommerceAdapter, webhooks: app.webhooks }]]),
          impact: impactClient,
          logger,
          appSecrets: { bigcommerce: CLIENT_SECRET },
          port,
          host: '127.0.0.1',
          routers: storeAppRouters(context, new Map([['bigcommerce', app]])),
          jobs: [],
          // Orders without a click id wait this long for the checkout script's beacon.
          clickWaitMs: 1_500,
          retryPolicy: { ...DEFAULT_RETRY_POLICY, submissionCheckDelayMs: 200 },
        });
        break;
      } catch (error) {
        await bc.close();
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt === 5) throw error;
      }
    }
  });

  afterEach(async () => {
    await relay.close();
    await store.close();
    await bc.close();
    await impact.close();
  });

  const get = (path: string) => fetch(`${appUrl}${path}`, { redirect: 'manual' });
  /** The single-click install: BigCommerce sends the merchant's browser to /auth with a one-time code. */
  const install = async (scope = SCOPES) => get(`/bigcommerce/auth?${bc.issueAuthCode(HASH, { scope, user: { id: 24654, email: 'merchant@example.com' } }).query}`);
  const signed = (path: string, overrides: Partial<Parameters<FakeBigCommerce['signPayloadJwt']>[0]> = {}) =>
    get(`${path}?${new URLSearchParams({ signed_payload_jwt: bc.signPayloadJwt({ storeHash: HASH, user: { id: 24654, email: 'merchant@example.com' }, ...overrides }) })}`);
  const sessionOf = async (page: Response) => /name="cartrelay-session" content="([^"]+)"/.exec(await page.text())?.[1] ?? null;
  const adminApi = (session: string, method: string, path: string, body?: unknown) =>
    fetch(`${appUrl}/bigcommerce/api/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${session}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const storeHooks = () => bc.hooksOf(HASH).filter((hook) => hook.is_active);
  const setUp = async () => {
    await until(() => storeHooks().length === HOOK_SCOPES.length && bc.scriptsOf(HASH).length === 3, 'the store’s hooks and scripts');
  };
  /** Connected to impact.com and configured, as the merchant does in the admin page. */
  const configure = async () => {
    const shop = (await shops.find('bigcommerce', HASH))!;
    await shops.setConnection(shop.id, { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    const config = parseTrackingConfig({ version: 1, program: { campaignId: '1234', actionTrackerId: '5678' }, promoCodes: [{ match: 'exact', code: 'PODCAST', partnerId: '9001' }] });
    if (!config.ok) throw new Error('invalid test config');
    await shops.setConfig(shop.id, config.value);
  };
  const conversion = (orderId: number | string) => impact.actions.get(`${ACCOUNT_SID}|5678|${orderId}`);

  describe('install and the control panel’s callbacks', () => {
    it('exchanges the code before answering, keeps the token sealed, sets the store up, and opens the admin page with a session', async () => {
      const page = await install();
      expect(page.status).toBe(200);
      expect(bc.calls.filter((call) => call.operation === 'token')).toEqual([expect.objectContaining({ status: 200 })]);
      const shop = (await shops.find('bigcommerce', HASH))!;
      expect(shop).toMatchObject({ active: true, credentials: { accessToken: bc.tokenOf(HASH), webhookSecret: expect.any(String) } });
      const raw = await store.loadCredentials({ platform: 'bigcommerce', shopKey: HASH });
      expect(raw!.sealed).not.toContain(bc.tokenOf(HASH)!);
      expect(page.headers.get('content-security-policy')).toContain(`https://store-${HASH}.mybigcommerce.com`);
      const session = await sessionOf(page);
      expect(session).toMatch(/^ey/);
      expect((await adminApi(session!, 'GET', '/shop')).status).toBe(200);
      await setUp();
      // Home shows the scripts set up, from the set-up's recorded outcome.
      expect(await app.clickCaptureStatus!(shop)).toMatchObject({ label: 'BigCommerce storefront scripts', active: true });
      // Each hook carries the store's secret; each script is this app's, removed with it.
      expect(storeHooks().map((hook) => hook.scope).sort()).toEqual([...HOOK_SCOPES].sort());
      expect(storeHooks().every((hook) => hook.destination === `${appUrl}/webhooks/bigcommerce` && hook.headers?.['x-cartrelay-webhook-secret'] === (shop.credentials as { webhookSecret: string }).webhookSecret)).toBe(true);
      expect(bc.scriptsOf(HASH).map((script) => [script.visibility, script.auto_uninstall, script.consent_category])).toEqual([
        ['storefront', true, 'analytics'],
        ['checkout', true, 'analytics'],
        ['order_confirmation', true, 'analytics'],
      ]);
      expect(await store.readCursor(shop.id, 'bigcommerce.reconcile')).not.toBeNull();
    });

    it('refuses a code BigCommerce does not confirm, and a grant short of the scopes it needs, storing nothing', async () => {
      const used = bc.issueAuthCode(HASH, { scope: SCOPES });
      expect((await get(`/bigcommerce/auth?${used.query}`)).status).toBe(200);
      await shops.remove((await shops.find('bigcommerce', HASH))!.id);
      expect((await get(`/bigcommerce/auth?${used.query}`)).status).toBe(401);
      expect((await get('/bigcommerce/auth?code=made-up&scope=x&context=stores%2Fabc123')).status).toBe(403);
      expect((await install('store_v2_orders_read_only')).status).toBe(403);
      expect(await shops.find('bigcommerce', HASH)).toBeNull();
      expect((await get('/bigcommerce/auth')).status).toBe(400);
    });

    it('takes a new token on a second install (a scope change), keeping the store’s webhook secret', async () => {
      await install();
      const before = (await shops.find('bigcommerce', HASH))!.credentials as { accessToken: string; webhookSecret: string };
      await setUp();
      await install();
      const after = (await shops.find('bigcommerce', HASH))!.credentials as { accessToken: string; webhookSecret: string };
      expect(after.accessToken).toBe(bc.tokenOf(HASH));
      expect(after.accessToken).not.toBe(before.accessToken);
      expect(after.webhookSecret).toBe(before.webhookSecret);
      expect(bc.hooksOf(HASH)).toHaveLength(HOOK_SCOPES.length);
    });

    it('opens the admin page from /load, and refuses every payload that does not hold, changing nothing', async () => {
      await install();
      await setUp();
      const opened = await signed('/bigcommerce/load');
      expect(opened.status).toBe(200);
      expect(await sessionOf(opened)).toMatch(/^ey/);
      const now = Math.floor(Date.now() / 1000);
      for (const bad of [
        { secret: 'not-the-secret' },
        { aud: 'another-app' },
        { iss: 'someone' },
        { exp: now - 3600, iat: now - 90_000, nbf: now - 90_000 },
        { nbf: now + 600, iat: now + 600 },
        { sub: 'users/1' },
        { alg: 'none' as const },
        { alg: 'HS512' as const },
      ]) {
        const refused = await signed('/bigcommerce/load', bad);
        expect([refused.status, await sessionOf(refused)]).toEqual([401, null]);
      }
      expect((await get('/bigcommerce/load')).status).toBe(401);
      expect((await signed('/bigcommerce/uninstall', { secret: 'not-the-secret' })).status).toBe(401);
      expect((await shops.find('bigcommerce', HASH))!.active).toBe(true);
    });

    it('repairs on /load a hook BigCommerce deactivated, a hook and a script deleted, a script switched off', async () => {
      await install();
      await setUp();
      const [first, second] = bc.hooksOf(HASH);
      bc.deactivateHook(first!.id);
      bc.deleteHook(second!.id);
      const [landing, checkout] = bc.scriptsOf(HASH);
      bc.deleteScriptAsMerchant(landing!.uuid);
      bc.alterScriptAsMerchant(checkout!.uuid, { enabled: false });
      expect((await signed('/bigcommerce/load')).status).toBe(200);
      await until(() => storeHooks().length === HOOK_SCOPES.length && bc.scriptsOf(HASH).length === 3 && bc.scriptsOf(HASH).every((script) => script.enabled), 'the repair');
      expect(bc.hooksOf(HASH)).toHaveLength(HOOK_SCOPES.length);
    });

    it('deactivates the store on /uninstall and keeps its ledger; its sessions end; a removed user’s session ends', async () => {
      await install();
      const session = (await sessionOf(await signed('/bigcommerce/load')))!;
      const other = (await sessionOf(await signed('/bigcommerce/load', { user: { id: 555, email: 'staff@example.com' } })))!;
      expect((await signed('/bigcommerce/remove_user', { user: { id: 555, email: 'staff@example.com' } })).status).toBe(200);
      expect((await adminApi(other, 'GET', '/shop')).status).toBe(401);
      expect((await signed('/bigcommerce/load', { user: { id: 555, email: 'staff@example.com' } })).status).toBe(403);
      expect((await adminApi(session, 'GET', '/shop')).status).toBe(200);

      expect((await signed('/bigcommerce/uninstall')).status).toBe(200);
      expect(await shops.find('bigcommerce', HASH)).toMatchObject({ active: false, credentials: null });
      expect((await adminApi(session, 'GET', '/shop')).status).toBe(401);
      expect((await signed('/bigcommerce/load')).status).toBe(403);
    });
  });

  describe('orders', () => {
    beforeEach(async () => {
      await install();
      await setUp();
      await configure();
    });

    it('credits the click the checkout script reported for the cart, once, and its refund as a modification', async () => {
      const cart = await bc.createCart(HASH, [
        { productId: 77, quantity: 1 },
        { productId: 86, quantity: 2 },
      ]);
      const beacon = await fetch(`${appUrl}/collect/bigcommerce`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ store: HASH, clickId: CLICK_ID, cartId: cart.id }) });
      expect(beacon.status).toBe(204);
      const placed = await bc.placeOrder(HASH, cart.id);
      expect(placed.deliveries.map((delivery) => [delivery.scope, delivery.status])).toEqual([
        ['store/order/created', 200],
        ['store/cart/converted', 200],
      ]);
      await until(() => conversion(placed.order.id) !== undefined, 'the conversion');
      expect(conversion(placed.order.id)!.fields).toMatchObject({ OrderId: String(placed.order.id), ClickId: CLICK_ID, ItemSku1: 'S-ORAN', ItemQuantity1: '1', ItemSku2: 'SOCK-MERINO-M', ItemQuantity2: '2' });
      expect(impact.requests.filter((request) => request.method === 'POST')).toHaveLength(1);

      const refund = bc.refund(HASH, placed.order.id, [{ sku: 'SOCK-MERINO-M', quantity: 1 }]);
      for (const event of refund.events) await bc.deliver(HASH, event.scope, event.data);
      await until(() => impact.requests.some((request) => request.method === 'PUT'), 'the modification');
      expect(impact.requests.find((request) => request.method === 'PUT')!.fields).toMatchObject({ OrderId: String(placed.order.id), Sku: 'SOCK-MERINO-M', Quantity: '1' });
    });

    it('believes no capture that names the order but another cart, and reverses an order cancelled after its conversion', async () => {
      const cart = await bc.createCart(HASH, [{ productId: 77, quantity: 1 }]);
      const beacon = (body: Record<string, unknown>) => fetch(`${appUrl}/collect/bigcommerce`, { method: 'POST', body: JSON.stringify({ store: HASH, ...body }) });
      // Anyone can post a beacon that names an order id; only the buyer's browser knows the cart.
      await beacon({ clickId: 'Forged', cartId: '00000000-0000-4000-8000-000000000000', orderId: 100 });
      await beacon({ clickId: CLICK_ID, cartId: cart.id });
      const placed = await bc.placeOrder(HASH, cart.id);
      expect(placed.order.id).toBe(100);
      await until(() => conversion(placed.order.id) !== undefined, 'the conversion');
      expect(conversion(placed.order.id)!.fields.ClickId).toBe(CLICK_ID);
      const cancelled = bc.setStatus(HASH, placed.order.id, 5);
      for (const event of cancelled.events) await bc.deliver(HASH, event.scope, event.data);
      await until(() => impact.requests.some((request) => request.method === 'DELETE'), 'the reversal');
    });

    it('waits for the checkout script’s beacon when the order’s hook comes first', async () => {
      const cart = await bc.createCart(HASH, [{ productId: 77, quantity: 1 }]);
      const placed = await bc.placeOrder(HASH, cart.id);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(conversion(placed.order.id)).toBeUndefined();
      await fetch(`${appUrl}/collect/bigcommerce`, { method: 'POST', body: JSON.stringify({ store: HASH, clickId: CLICK_ID, cartId: cart.id, orderId: placed.order.id }) });
      await until(() => conversion(placed.order.id) !== undefined, 'the conversion');
      expect(conversion(placed.order.id)!.fields.ClickId).toBe(CLICK_ID);
    });

    it('checks every active store’s hooks and scripts at start and every few hours (a new build renames its scripts)', async () => {
      const [landing] = bc.scriptsOf(HASH);
      bc.deleteScriptAsMerchant(landing!.uuid);
      bc.deactivateHook(bc.hooksOf(HASH)[0]!.id);
      const job = app.jobs!.find((candidate) => candidate.name === 'bigcommerce store set-up')!;
      await job.run();
      expect(bc.scriptsOf(HASH)).toHaveLength(3);
      expect(storeHooks()).toHaveLength(HOOK_SCOPES.length);
    });

    it('sets up a store added by hand with its token alone, giving its hooks a secret', async () => {
      const added = await shops.add({ platform: 'bigcommerce', shopKey: 'byhand1', config: aConfig(), impact: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN }, credentials: { accessToken: bc.issueToken('byhand1') } });
      await app.setUpStore(added);
      const secret = ((await shops.get(added.id))!.credentials as { webhookSecret?: string }).webhookSecret;
      expect(secret).toEqual(expect.any(String));
      expect(bc.hooksOf('byhand1').map((hook) => hook.headers?.['x-cartrelay-webhook-secret'])).toEqual(HOOK_SCOPES.map(() => secret));
    });

    it('converts every order of a burst that outruns the store’s API quota', async () => {
      const ids: Array<number | string> = [];
      for (let n = 0; n < 6; n++) ids.push(bc.addOrder(HASH, { products: [{ sku: 'S-ORAN', quantity: 1 }], coupons: [{ code: 'PODCAST' }] }).id);
      // Another app of the store spent the window, and BigCommerce is shedding load besides.
      bc.drainQuota(HASH);
      bc.failNext(HASH, 3, { status: 429, rateLimitHeaders: false });
      for (const id of ids) await bc.deliver(HASH, 'store/order/created', { type: 'order', id });
      await until(() => ids.every((id) => conversion(id) !== undefined), 'every conversion', 20_000);
      // Waits, not failures: nothing is left over or given up.
      expect(await store.queueDepth()).toMatchObject({ webhooks: 0, dead: 0 });
    });

    it('reconciles the orders the hooks missed, once', async () => {
      const missed = bc.addOrder(HASH, { products: [{ sku: 'S-ORAN', quantity: 1 }], coupons: [{ code: 'PODCAST' }] });
      await reconcileAll(context, 'bigcommerce', app.reconciliation!);
      // The cursor starts at install: read from before it to see the order.
      const shop = (await shops.find('bigcommerce', HASH))!;
      await store.saveCursor(shop.id, 'bigcommerce.reconcile', new Date(Date.now() - 3_600_000).toISOString(), Date.now());
      expect(await reconcileAll(context, 'bigcommerce', app.reconciliation!)).toBe(1);
      await until(() => conversion(missed.id) !== undefined, 'the reconciled conversion');
      await store.saveCursor(shop.id, 'bigcommerce.reconcile', new Date(Date.now() - 3_600_000).toISOString(), Date.now());
      await reconcileAll(context, 'bigcommerce', app.reconciliation!);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(impact.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
    });
  });
});
