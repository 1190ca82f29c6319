import { readFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AdminShop, DEFAULT_RETRY_POLICY, type Relay, ShopDirectory, type Store, createImpactClient, createSecretBox, openStore, parseSecretKey, startRelay, storeAppRouters } from '@cartrelay/core';
import { type FakeImpact, startFakeImpact } from '@cartrelay/core/fake-impact';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createShopifyApi } from '../src/admin-api/shopify-api.ts';
import { createShopifyApp } from '../src/app/shopify-app.ts';
import { createShopifyAdapter } from '../src/index.ts';
import { type FakeShopify, signSessionToken, startFakeShopify } from '../src/testing/fake-shopify.ts';
import { shopifyWebhookRequest } from '../src/testing/signed-webhook.ts';

/**
 * One merchant's configuration cannot freeze the relay for the others. The review's attack: 5,000
 * heavy regex rules (339 KB, under the admin API's 512 KB body limit) made the save take 12 s, with
 * /healthz and another shop's webhook waiting as long, past Shopify's 5 s. Now such a save is refused
 * on its rule counts before any pattern is compiled (core's config-limits test counts compilations),
 * a configuration at the limits is saved and used, and the other shop is served meanwhile.
 */

const API_KEY = 'cartrelay-app-key';
const API_SECRET = 'cartrelay-app-secret';
const APP_URL = 'https://cartrelay.example.com';
const HOSTILE = 'huge-rules.myshopify.com';
const NEIGHBOUR = 'merino.myshopify.com';
const ACCOUNT_SID = 'IRmerino0001';
const AUTH_TOKEN = 'impact-token-1';
const TRACKER = '67890';
const program = { campaignId: '12345', actionTrackerId: TRACKER };

const examplePayload = fileURLToPath(new URL('../../../examples/payloads/shopify-orders-paid.json', import.meta.url));

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The documented orders/paid sample with its own id, number #<id % 10000> and discount codes. */
async function orderBody(id: number, discountCodes: readonly string[]): Promise<string> {
  const order = JSON.parse(await readFile(examplePayload, 'utf8'));
  Object.assign(order, {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id % 10_000}`,
    order_number: id % 10_000,
    landing_site: '/products/merino-socks',
    discount_codes: discountCodes.map((code) => ({ code, amount: '20.00', type: 'fixed_amount' })),
  });
  return JSON.stringify(order);
}

describe('a huge configuration in one shop', () => {
  let impact: FakeImpact;
  let shopify: FakeShopify;
  let store: Store;
  let relay: Relay;

  beforeEach(async () => {
    impact = await startFakeImpact({ accounts: { [ACCOUNT_SID]: AUTH_TOKEN } });
    shopify = await startFakeShopify({ apiKey: API_KEY, apiSecret: API_SECRET });
    const box = createSecretBox(parseSecretKey('ab'.repeat(32))!);
    store = await openStore({ dataDir: await mkdtemp(join(tmpdir(), 'cartrelay-huge-config-')), box });
    // The production cache: a save by one shop must not make the others read their rows again.
    const shops = new ShopDirectory(store, box);
    const logger = pino({ level: 'silent' });
    const impactClient = createImpactClient({ baseUrl: impact.url, timeoutMs: 2000 });
    const context = { store, shops, box, impact: impactClient, logger, now: Date.now };
    const app = createShopifyApp({
      shopify: createShopifyApi({ apiKey: API_KEY, apiSecretKey: API_SECRET, hostName: APP_URL, scopes: ['read_orders', 'write_pixels', 'read_customer_events'], adminApiUrl: shopify.url }),
      appUrl: APP_URL,
      context,
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
      clickWaitMs: 0,
      retryPolicy: { ...DEFAULT_RETRY_POLICY, submissionCheckDelayMs: 200 },
    });
  });

  afterEach(async () => {
    await relay.close();
    await store.close();
    await shopify.close();
    await impact.close();
  });

  const adminApi = (shop: string, method: string, path: string, body?: unknown) =>
    fetch(`${relay.url}/api/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${signSessionToken({ apiKey: API_KEY, apiSecret: API_SECRET, shop })}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const webhook = (shop: string, topic: string, body: string) => {
    const request = shopifyWebhookRequest({ shop, topic, body, apiSecret: API_SECRET });
    return fetch(`${relay.url}/webhooks/shopify`, { method: 'POST', headers: request.headers, body: request.body });
  };
  const conversionOf = (orderId: string) => impact.actions.get(`${ACCOUNT_SID}|${TRACKER}|${orderId}`);
  /** The merchant opens the app (which installs it), connects impact.com and saves a first configuration. */
  const setUp = async (shop: string, config: Record<string, unknown>) => {
    expect((await adminApi(shop, 'GET', '/shop')).status).toBe(200);
    expect((await adminApi(shop, 'PUT', '/connection', { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN })).status).toBe(200);
    expect((await adminApi(shop, 'PUT', '/config', { version: 1, program, ...config })).status).toBe(200);
  };

  it('refuses 5,000 heavy rules at once, while another shop’s webhook is acknowledged and converted and /healthz answers', async () => {
    await setUp(NEIGHBOUR, { promoCodes: [{ match: 'exact', code: 'JANE20', partnerId: '555001' }] });
    await setUp(HOSTILE, { promoCodes: [{ match: 'exact', code: 'OWN10', partnerId: '555009' }] });
    const huge = JSON.stringify({
      version: 1,
      program,
      promoCodes: Array.from({ length: 5_000 }, (_, i) => ({ match: 'regex', code: `^(\\w{1,30}){1,30}-${i}(a{1,100}){1,10}$`, partnerId: '555001' })),
    });
    expect(huge.length).toBeGreaterThan(300_000);
    expect(huge.length).toBeLessThan(512 * 1024);
    const neighbourOrder = await orderBody(5_900_000_003_001, ['JANE20']);

    const [save, acknowledged, health] = await Promise.all([
      adminApi(HOSTILE, 'PUT', '/config', huge),
      webhook(NEIGHBOUR, 'orders/paid', neighbourOrder),
      fetch(`${relay.url}/healthz`),
    ]);

    expect(save.status).toBe(400);
    expect(await save.json()).toEqual({
      error: 'invalid configuration: nothing was changed',
      problems: [
        {
          path: 'promoCodes[100].match',
          message: 'too many regular expressions: this list has 5,000 and may have 100. Use exact codes where you can, or one pattern for a family of codes',
        },
      ],
    });
    expect(acknowledged.status).toBe(200);
    expect(health.status).toBe(200);
    await waitFor(() => conversionOf('3001') !== undefined, 'the neighbour’s conversion');
    expect(conversionOf('3001')!.fields).toMatchObject({ OrderPromoCode: 'JANE20', MediaPartnerId: '555001' });
    // The refused save changed nothing.
    expect(((await (await adminApi(HOSTILE, 'GET', '/shop')).json()) as AdminShop).config!.promoCodes).toEqual([{ match: 'exact', code: 'OWN10', partnerId: '555009' }]);
  });

  it('saves a configuration at the limits and converts with its last rule, beside another shop’s orders', async () => {
    await setUp(NEIGHBOUR, { promoCodes: [{ match: 'exact', code: 'JANE20', partnerId: '555001' }] });
    await setUp(HOSTILE, {});
    const atLimits = {
      version: 1,
      program,
      customerStatus: { rules: Array.from({ length: 100 }, (_, i) => ({ tag: `tag${i}`, status: `S${i}` })) },
      promoCodes: [
        ...Array.from({ length: 4_900 }, (_, i) => ({ match: 'exact', code: `C${i}`, partnerId: '1000' })),
        ...Array.from({ length: 100 }, (_, i) => ({ match: 'regex', code: `^R${i}-[0-9]{2,8}$`, partnerId: String(9_000 + i) })),
      ],
      skus: [
        ...Array.from({ length: 4_900 }, (_, i) => ({ match: 'prefix', sku: `P${i}-`, category: 'p' })),
        ...Array.from({ length: 100 }, (_, i) => ({ match: 'regex', sku: `^X${i}_[A-Z]+$`, category: `x${i}` })),
      ],
    };
    expect(JSON.stringify(atLimits).length).toBeLessThan(512 * 1024);

    const [save, acknowledged, health] = await Promise.all([
      adminApi(HOSTILE, 'PUT', '/config', atLimits),
      webhook(NEIGHBOUR, 'orders/paid', await orderBody(5_900_000_003_002, ['JANE20'])),
      fetch(`${relay.url}/healthz`),
    ]);
    expect([save.status, acknowledged.status, health.status]).toEqual([200, 200, 200]);

    expect((await webhook(HOSTILE, 'orders/paid', await orderBody(5_900_000_003_003, ['R99-1234']))).status).toBe(200);
    await waitFor(() => conversionOf('3002') !== undefined && conversionOf('3003') !== undefined, 'both shops’ conversions');
    expect(conversionOf('3002')!.fields).toMatchObject({ OrderPromoCode: 'JANE20', MediaPartnerId: '555001' });
    expect(conversionOf('3003')!.fields).toMatchObject({ OrderPromoCode: 'R99-1234', MediaPartnerId: '9099' });
  });
});
