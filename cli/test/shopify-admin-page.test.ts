import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeImpact, startFakeImpact } from '@cartrelay/core/fake-impact';
import { type FakeShopify, signSessionToken, startFakeShopify } from '@cartrelay/shopify/fake-shopify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInChromium, launchChromium } from './support/browser.ts';
import { type ServeProcess, freePort, startServe } from './support/serve-process.ts';

/**
 * The embedded admin page in a real browser (Debian's Chromium through playwright-core), served by a
 * real `cartrelay serve` with the Shopify app turned on, against fake Shopify and impact.com APIs.
 * App Bridge's script comes from Shopify's CDN, which the test cannot reach: a stand-in defines the
 * `shopify` global and issues session tokens signed with the test app's secret.
 */
const API_KEY = 'browser-test-api-key';
const API_SECRET = 'browser-test-api-secret';
const SHOP = 'browser-test.myshopify.com';

/**
 * What the page uses of App Bridge's elements, drawn in the page so the test can use them: the
 * navigation menu's links (a click becomes App Bridge's `shopify:navigate` event on the link), the
 * save bar's buttons while it is shown, toasts and leave confirmations recorded on `__appBridge`.
 */
const APP_BRIDGE_UI_STAND_IN = `
  window.__appBridge = { toasts: [], leaveConfirmations: 0 };
  const showing = () => document.querySelector('ui-save-bar[data-showing]') !== null;
  Object.assign(window.shopify, {
    toast: {
      show: (message, options) => { window.__appBridge.toasts.push({ message, isError: Boolean(options && options.isError) }); return 'toast-' + window.__appBridge.toasts.length; },
      hide: () => {},
    },
    saveBar: {
      show: async (id) => document.getElementById(id)?.show(),
      hide: async (id) => document.getElementById(id)?.hide(),
      toggle: async (id) => document.getElementById(id)?.toggle(),
      leaveConfirmation: async () => { if (showing()) window.__appBridge.leaveConfirmations += 1; },
    },
  });
  customElements.define('ui-save-bar', class extends HTMLElement {
    connectedCallback() { this.hidden = !this.showing; }
    get showing() { return this.hasAttribute('data-showing'); }
    async show() { this.setAttribute('data-showing', ''); this.hidden = false; }
    async hide() { this.removeAttribute('data-showing'); this.hidden = true; }
    async toggle() { return this.showing ? this.hide() : this.show(); }
  });
  customElements.define('ui-nav-menu', class extends HTMLElement {});
  customElements.define('ui-title-bar', class extends HTMLElement {});
  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('ui-nav-menu a') : null;
    if (!link) return;
    event.preventDefault();
    link.dispatchEvent(new CustomEvent('shopify:navigate', { bubbles: true }));
  });
`;

interface AppBridgeRecord {
  toasts: Array<{ message: string; isError: boolean }>;
  leaveConfirmations: number;
}


describeInChromium('Shopify admin page in a browser', () => {
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
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.kill('SIGTERM');
    await shopify?.close();
    await impact?.close();
  });

  it('installs the shop, saves a promo-code mapping made in the page, and credits its partner on the next paid order', async () => {
    const page = await browser.newPage();
    // App Bridge stand-in: what the page uses of the `shopify` global, with tokens as Shopify signs them,
    // and its elements drawn in the page (App Bridge draws them in the admin, outside the app's frame).
    await page.route('https://cdn.shopify.com/**', (route) =>
      route.fulfill({
        contentType: 'application/javascript',
        body: `window.shopify = {
          config: { apiKey: ${JSON.stringify(API_KEY)}, shop: ${JSON.stringify(SHOP)} },
          idToken: async () => (await fetch('/__test/session-token')).text(),
        };
        // On the bounce page, App Bridge fetches a fresh session token and reloads the page it names with it.
        const reload = new URLSearchParams(location.search).get('shopify-reload');
        if (reload) {
          window.shopify.idToken().then((token) => {
            const target = new URL(reload);
            target.searchParams.set('id_token', token);
            location.replace(target.href);
          });
        }
        ${APP_BRIDGE_UI_STAND_IN}`,
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

    // The page at a phone's width: App Bridge's menu and save bar are the admin's, the pages must fit.
    await page.setViewportSize({ width: 390, height: 844 });
    const fitsWidth = () => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');
    const appBridge = () => page.evaluate<AppBridgeRecord>('window.__appBridge');
    const toasts = async () => (await appBridge()).toasts;
    const address = () => new URL(page.url());
    const menu = page.locator('ui-nav-menu');
    const saveBar = page.locator('ui-save-bar:not([hidden])');
    // The title bar names the page (Home opens first); no heading repeats it.
    await expect.poll(() => page.locator('ui-title-bar').getAttribute('title'), { timeout: 10_000 }).toBe('Home');
    expect(await page.locator('h1').count()).toBe(0);

    // Connection: credentials and program.
    await menu.getByRole('link', { name: 'Connection' }).click();
    await page.getByLabel('Account SID').fill('IRbrowser0001');
    await page.getByLabel('Auth Token').fill('browser-auth-token');
    await page.getByLabel('Program id').fill('12345');
    await page.getByLabel('Action tracker id').fill('67890');
    await page.getByRole('button', { name: 'Save connection' }).click();
    await expect.poll(toasts).toContainEqual({ message: 'Connection saved.', isError: false });
    expect(await fitsWidth()).toBe(true);

    // Promo codes, from the menu: its own address, with the query Shopify put on the page's.
    await menu.getByRole('link', { name: 'Promo codes' }).click();
    await expect.poll(() => address().pathname).toBe('/shopify/app/promo-codes');
    expect(address().searchParams.get('shop')).toBe(SHOP);
    expect(address().searchParams.get('host')).toBe(host);
    await expect.poll(() => page.locator('ui-title-bar').getAttribute('title')).toBe('Promo codes');
    // A mapping typed by mistake: the save bar's Discard puts the saved (empty) table back.
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await page.getByRole('textbox', { name: 'Code, mapping 1', exact: true }).fill('TYPO');
    await saveBar.getByRole('button', { name: 'Discard', exact: true }).click();
    await expect.poll(() => page.getByText('No promo-code mappings yet').count()).toBe(1);
    expect(await saveBar.count()).toBe(0);
    // JANE20 credits partner 555001, saved from the save bar.
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await page.getByRole('textbox', { name: 'Code, mapping 1', exact: true }).fill('JANE20');
    await page.getByRole('textbox', { name: 'Partner id, mapping 1', exact: true }).fill('555001');
    await page.getByRole('textbox', { name: 'Promo code to check' }).fill('jane20');
    await expect.poll(() => page.getByRole('status', { name: 'Preview result' }).textContent()).toContain('555001');
    expect(await fitsWidth()).toBe(true);
    await saveBar.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(toasts).toContainEqual({ message: 'Promo codes saved.', isError: false });
    await expect.poll(() => saveBar.count()).toBe(0);

    // SKU rules: edits left unsaved are asked about (the stand-in's merchant agrees), then dropped.
    await menu.getByRole('link', { name: 'SKU rules' }).click();
    await page.getByRole('textbox', { name: 'Default category' }).fill('apparel');
    await expect.poll(() => saveBar.count()).toBe(1);
    await menu.getByRole('link', { name: 'Customer status' }).click();
    await expect.poll(() => address().pathname).toBe('/shopify/app/customer-status');
    expect((await appBridge()).leaveConfirmations).toBe(1);
    expect(await page.getByRole('checkbox', { name: 'Send the shopper’s IP address' }).isChecked()).toBe(false);
    expect(await fitsWidth()).toBe(true);
    // Back to SKU rules with the browser: what was saved, nothing pending.
    await page.goBack();
    await expect.poll(() => address().pathname).toBe('/shopify/app/sku-rules');
    expect(await page.getByRole('textbox', { name: 'Default category' }).inputValue()).toBe('general');
    expect(await saveBar.count()).toBe(0);

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
    await menu.getByRole('link', { name: 'Recent actions' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Recent actions', exact: true }).textContent(), { timeout: 10_000 }).toContain('4242');
    expect(await fitsWidth()).toBe(true);
    // Back and forward move between the pages the menu opened.
    await page.goBack();
    await expect.poll(() => page.locator('ui-title-bar').getAttribute('title')).toBe('SKU rules');
    await page.goForward();
    await expect.poll(() => page.locator('ui-title-bar').getAttribute('title')).toBe('Recent actions');
    expect(address().searchParams.get('shop')).toBe(SHOP);

    // A reload inside the admin without a session token: App Bridge's bounce page fetches one and comes
    // back to the same page. The stored token is still good, so nothing is exchanged again.
    const exchanges = shopify.calls.filter((call) => call.operation === 'token_exchange').length;
    await page.goto(`${serve.url}/shopify/app/promo-codes?embedded=1&shop=${SHOP}&host=${host}`);
    await expect.poll(() => address().pathname).toBe('/shopify/app/promo-codes');
    await expect.poll(() => address().searchParams.has('id_token')).toBe(true);
    await expect.poll(() => page.locator('ui-title-bar').getAttribute('title')).toBe('Promo codes');
    await expect.poll(() => page.getByRole('textbox', { name: 'Code, mapping 1', exact: true }).inputValue()).toBe('JANE20');
    expect(shopify.calls.filter((call) => call.operation === 'token_exchange')).toHaveLength(exchanges);
  }, 90_000);
});
