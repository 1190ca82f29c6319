import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeImpact, startFakeImpact } from '@cartrelay/core/fake-impact';
import { type FakeShopify, signSessionToken, startFakeShopify } from '@cartrelay/shopify/fake-shopify';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServeProcess, freePort, startServe } from './support/serve-process.ts';

/**
 * The embedded admin page in a real browser (Debian's Chromium through playwright-core), served by a
 * real `cartrelay serve` with the Shopify app turned on, against fake Shopify and impact.com APIs.
 * App Bridge's script comes from Shopify's CDN, which the test cannot reach: a stand-in defines the
 * `shopify` global and issues session tokens signed with the test app's secret.
 */
const CHROMIUM = '/usr/bin/chromium';
const API_KEY = 'browser-test-api-key';
const API_SECRET = 'browser-test-api-secret';
const SHOP = 'browser-test.myshopify.com';

// CI installs Chromium (.ci/run), so there a missing browser is a failure, not a skip.
if (process.env.CI && !existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);

describe.skipIf(!existsSync(CHROMIUM))('Shopify admin page in a browser', () => {
  let impact: FakeImpact;
  let shopify: FakeShopify;
  let serve: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    impact = await startFakeImpact({ accounts: { IRbrowser0001: 'browser-auth-token' } });
    shopify = await startFakeShopify({ apiKey: API_KEY, apiSecret: API_SECRET });
    const port = await freePort();
    serve = await startServe(
      {
        CARTRELAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'cartrelay-browser-')),
        CARTRELAY_IMPACT_BASE_URL: impact.url,
        CARTRELAY_SUBMISSION_CHECK_MS: '500',
        CARTRELAY_CLICK_WAIT_MS: '0',
        SHOPIFY_API_KEY: API_KEY,
        SHOPIFY_API_SECRET: API_SECRET,
        SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
        SHOPIFY_ADMIN_API_URL: shopify.url,
        LOG_LEVEL: 'warn',
      },
      port,
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.kill('SIGTERM');
    await shopify?.close();
    await impact?.close();
  });

  it('installs the shop, saves a promo-code mapping made in the page, and credits its partner on the next paid order', async () => {
    const page = await browser.newPage();
    // App Bridge stand-in: what the page uses of the `shopify` global, with tokens as Shopify signs them.
    await page.route('https://cdn.shopify.com/**', (route) =>
      route.fulfill({
        contentType: 'application/javascript',
        body: `window.shopify = {
          config: { apiKey: ${JSON.stringify(API_KEY)}, shop: ${JSON.stringify(SHOP)} },
          idToken: async () => (await fetch('/__test/session-token')).text(),
        };`,
      }),
    );
    // Fresh tokens on demand (they expire after a minute), served from the test, never from the app.
    await page.route('**/__test/session-token', (route) => route.fulfill({ contentType: 'text/plain', body: signSessionToken({ apiKey: API_KEY, apiSecret: API_SECRET, shop: SHOP }) }));

    const idToken = signSessionToken({ apiKey: API_KEY, apiSecret: API_SECRET, shop: SHOP });
    const host = Buffer.from(`admin.shopify.com/store/${SHOP.split('.')[0]}`).toString('base64url');
    const response = await page.goto(`${serve.url}/shopify/app?embedded=1&shop=${SHOP}&host=${host}&id_token=${idToken}`);
    expect(response?.status()).toBe(200);
    // Shopify-managed install: the page load exchanged the session token for an offline token.
    expect(shopify.calls.some((call) => call.path === '/admin/oauth/access_token')).toBe(true);

    // Connection: credentials and program.
    const messages = page.getByRole('status', { name: 'Messages' });
    await page.getByRole('tab', { name: 'Connection' }).click();
    await page.getByLabel('Account SID').fill('IRbrowser0001');
    await page.getByLabel('Auth Token').fill('browser-auth-token');
    await page.getByLabel('Program id').fill('12345');
    await page.getByLabel('Action tracker id').fill('67890');
    await page.getByRole('button', { name: 'Save connection' }).click();
    await expect.poll(() => messages.textContent()).toContain('Connection saved.');

    // Promo codes: JANE20 credits partner 555001.
    await page.getByRole('tab', { name: 'Promo codes' }).click();
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await page.getByRole('textbox', { name: 'Code, mapping 1', exact: true }).fill('JANE20');
    await page.getByRole('textbox', { name: 'Partner id, mapping 1', exact: true }).fill('555001');
    await page.getByRole('textbox', { name: 'Promo code to check' }).fill('jane20');
    await expect.poll(() => page.getByRole('status', { name: 'Preview result' }).textContent()).toContain('555001');
    await page.getByRole('button', { name: 'Save promo codes' }).click();
    await expect.poll(() => messages.textContent()).toContain('Promo codes saved.');

    // A paid order with that code and no click id: its conversion credits the mapped partner.
    const body = JSON.stringify({
      id: 5512409042,
      admin_graphql_api_id: 'gid://shopify/Order/5512409042',
      name: '#4242',
      created_at: '2026-11-20T10:00:00-05:00',
      updated_at: '2026-11-20T10:00:05-05:00',
      currency: 'USD',
      financial_status: 'paid',
      test: false,
      taxes_included: false,
      landing_site: '/products/socks',
      discount_codes: [{ code: 'jane20', amount: '5.00', type: 'fixed_amount' }],
      email: 'buyer@example.com',
      line_items: [
        {
          id: 466157049,
          sku: 'SOCK-MERINO-M',
          title: 'Merino socks',
          name: 'Merino socks - M',
          quantity: 2,
          current_quantity: 2,
          price: '25.00',
          gift_card: false,
          discount_allocations: [{ amount: '5.00', discount_application_index: 0 }],
        },
      ],
    });
    const webhook = await fetch(`${serve.url}/webhooks/shopify`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/paid',
        'x-shopify-shop-domain': SHOP,
        'x-shopify-event-id': 'browser-event-1',
        'x-shopify-webhook-id': 'browser-webhook-1',
        'x-shopify-hmac-sha256': createHmac('sha256', API_SECRET).update(body).digest('base64'),
      },
      body,
    });
    expect(webhook.status).toBe(200);
    await expect.poll(() => impact.requests.find((r) => r.path.endsWith('/Conversions') && r.fields.OrderId === '4242')?.fields, { timeout: 15_000 }).toMatchObject({
      OrderPromoCode: 'jane20',
      MediaPartnerId: '555001',
      CampaignId: '12345',
      ActionTrackerId: '67890',
    });

    // The recent actions page lists it.
    await page.getByRole('tab', { name: 'Recent actions' }).click();
    await expect.poll(() => page.getByRole('tabpanel', { name: 'Recent actions' }).textContent(), { timeout: 10_000 }).toContain('4242');
  }, 90_000);
});
