import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeImpact, startFakeImpact } from '@cartrelay/core/fake-impact';
import { type FakeShopify, signSessionToken, startFakeShopify } from '@cartrelay/shopify/fake-shopify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServeProcess, freePort, startServe } from './support/serve-process.ts';

/**
 * A platform API that stops answering, as the review saw Shopify's GraphQL do for one shop: the other
 * shops' orders go on, and `serve` still shuts down in bounded time while the call hangs.
 */
const API_KEY = 'slow-platform-key';
const API_SECRET = 'slow-platform-secret';
const SLOW = 'hanging.myshopify.com';
const FAST = 'answering.myshopify.com';
const TRACKER = '67890';
const CONFIG = { version: 1, program: { campaignId: '12345', actionTrackerId: TRACKER }, trigger: 'paid' };

describe('a platform API that never answers for one shop', () => {
  let impact: FakeImpact;
  let shopify: FakeShopify;
  let serve: ServeProcess;
  let hangs = 0;

  beforeAll(async () => {
    impact = await startFakeImpact({ accounts: { IRslow: 'slow-token', IRfast: 'fast-token' } });
    shopify = await startFakeShopify({ apiKey: API_KEY, apiSecret: API_SECRET });
    // Shopify stops answering the hanging shop's order reads; it answers everything else.
    shopify.hooks.beforeGraphql = (shop, query) => {
      if (shop !== SLOW || !query.includes('CartRelayOrderInsights')) return undefined;
      hangs++;
      return new Promise(() => undefined);
    };
    const port = await freePort();
    serve = await startServe(
      {
        CARTRELAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'cartrelay-slow-platform-')),
        CARTRELAY_IMPACT_BASE_URL: impact.url,
        CARTRELAY_CLICK_WAIT_MS: '0',
        SHOPIFY_API_KEY: API_KEY,
        SHOPIFY_API_SECRET: API_SECRET,
        SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
        SHOPIFY_ADMIN_API_URL: shopify.url,
        LOG_LEVEL: 'error',
      },
      port,
    );
    for (const [shop, accountSid, authToken] of [
      [SLOW, 'IRslow', 'slow-token'],
      [FAST, 'IRfast', 'fast-token'],
    ] as const) {
      const admin = (method: string, path: string, body?: unknown) =>
        fetch(`${serve.url}/api/admin${path}`, {
          method,
          headers: { authorization: `Bearer ${signSessionToken({ apiKey: API_KEY, apiSecret: API_SECRET, shop })}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      expect((await admin('GET', '/shop')).status).toBe(200);
      expect((await admin('PUT', '/connection', { accountSid, authToken })).status).toBe(200);
      expect((await admin('PUT', '/config', CONFIG)).status).toBe(200);
    }
  }, 60_000);

  afterAll(async () => {
    await serve?.kill('SIGKILL');
    await shopify?.close();
    await impact?.close();
  });

  /** A paid order of a registered customer with no click id: CartRelay asks Shopify for its customer journey. */
  const order = (shop: string, id: number) => {
    const body = JSON.stringify({
      id,
      admin_graphql_api_id: `gid://shopify/Order/${id}`,
      name: `#${id}`,
      created_at: '2026-11-20T10:00:00-05:00',
      updated_at: '2026-11-20T10:00:05-05:00',
      currency: 'USD',
      financial_status: 'paid',
      test: false,
      taxes_included: false,
      landing_site: '/products/socks',
      email: 'buyer@example.com',
      customer: { id: 207119551, email: 'buyer@example.com' },
      line_items: [{ id: 1, sku: 'SOCK', title: 'Socks', name: 'Socks', quantity: 1, current_quantity: 1, price: '25.00', gift_card: false, discount_allocations: [] }],
    });
    return fetch(`${serve.url}/webhooks/shopify`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/paid',
        'x-shopify-shop-domain': shop,
        'x-shopify-event-id': `event-${shop}-${id}`,
        'x-shopify-hmac-sha256': createHmac('sha256', API_SECRET).update(body).digest('base64'),
      },
      body,
    });
  };
  const converted = (accountSid: string, id: number) => impact.actions.has(`${accountSid}|${TRACKER}|${id}`);

  it('sends the other shop’s orders while the hanging shop’s wait, and sends those too once their budget is spent', async () => {
    expect((await order(SLOW, 7001)).status).toBe(200);
    expect((await order(FAST, 8001)).status).toBe(200);
    await expect.poll(() => converted('IRfast', 8001), { timeout: 10_000 }).toBe(true);
    // The hanging shop's order was not sent yet when the other shop's was…
    expect(converted('IRslow', 7001)).toBe(false);
    // …and goes out without the journey once its platform budget is spent.
    await expect.poll(() => converted('IRslow', 7001), { timeout: 20_000 }).toBe(true);
  }, 40_000);

  it('shuts down on SIGTERM while a call to the platform hangs', async () => {
    const before = hangs;
    expect((await order(SLOW, 7002)).status).toBe(200);
    await expect.poll(() => hangs, { timeout: 5_000 }).toBeGreaterThan(before);
    const exited = new Promise<number | null>((resolve) => serve.child.once('exit', (code) => resolve(code)));
    serve.child.kill('SIGTERM');
    // Bounded by the shutdown deadline and the platform budget, not by the call that never ends.
    const code = await Promise.race([exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 25_000))]);
    expect(code).toBe(0);
  }, 40_000);
});
