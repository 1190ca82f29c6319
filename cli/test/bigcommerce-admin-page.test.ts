import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeBigCommerce, startFakeBigCommerce } from '@cartrelay/bigcommerce/fake-api';
import { type FakeImpact, startFakeImpact } from '@cartrelay/core/fake-impact';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInChromium, launchChromium } from './support/browser.ts';
import { type ServeProcess, freePort, startServe } from './support/serve-process.ts';

/**
 * The admin page inside BigCommerce's control panel, in a real browser (Debian's Chromium through
 * playwright-core), served by a real `cartrelay serve` with the BigCommerce app turned on, against fake
 * BigCommerce and impact.com APIs: installed through the single-click callback, opened through /load
 * with a signed payload, a promo mapping saved in the page, carried by the next order's conversion.
 */
const CLIENT_ID = 'browser-test-client-id';
const CLIENT_SECRET = 'browser-test-client-secret';
const HASH = 'browsr42';
const SCOPES = 'store_v2_orders_read_only store_v2_content store_content_checkout';


describeInChromium('BigCommerce admin page in a browser', () => {
  let impact: FakeImpact;
  let bc: FakeBigCommerce;
  let serve: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    impact = await startFakeImpact({ accounts: { IRbrowser0002: 'browser-auth-token' } });
    const port = await freePort();
    const appUrl = `http://127.0.0.1:${port}`;
    bc = await startFakeBigCommerce({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${appUrl}/bigcommerce/auth`, stores: { [HASH]: {} } });
    serve = await startServe(
      {
        CARTRELAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'cartrelay-bigcommerce-browser-')),
        CARTRELAY_IMPACT_BASE_URL: impact.url,
        CARTRELAY_SUBMISSION_CHECK_MS: '500',
        CARTRELAY_CLICK_WAIT_MS: '0',
        BIGCOMMERCE_CLIENT_ID: CLIENT_ID,
        BIGCOMMERCE_CLIENT_SECRET: CLIENT_SECRET,
        BIGCOMMERCE_APP_URL: appUrl,
        BIGCOMMERCE_API_URL: bc.url,
        BIGCOMMERCE_LOGIN_URL: bc.url,
        LOG_LEVEL: 'warn',
      },
      port,
    );
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.kill('SIGTERM');
    await bc?.close();
    await impact?.close();
  });

  it('installs the store, opens the page through /load, saves a promo mapping made there, and credits its partner on the next order', async () => {
    // The single-click install: BigCommerce sends the merchant's browser to /auth with a one-time code.
    const installed = await fetch(`${serve.url}/bigcommerce/auth?${bc.issueAuthCode(HASH, { scope: SCOPES, user: { id: 24654, email: 'merchant@example.com' } }).query}`);
    expect(installed.status).toBe(200);

    const page = await browser.newPage();
    const jwt = bc.signPayloadJwt({ storeHash: HASH, user: { id: 24654, email: 'merchant@example.com' } });
    const opened = await page.goto(`${serve.url}/bigcommerce/load?signed_payload_jwt=${jwt}`);
    expect(opened?.status()).toBe(200);
    const nav = page.getByRole('navigation');
    const status = () => page.getByRole('status').allTextContents();

    // Home opens first; the connection is a page of its own.
    await nav.getByRole('link', { name: 'Connection' }).click();
    await page.getByLabel('Account SID').fill('IRbrowser0002');
    await page.getByLabel('Auth Token').fill('browser-auth-token');
    await page.getByLabel('Program id').fill('12345');
    await page.getByLabel('Action tracker id').fill('67890');
    await page.getByRole('button', { name: 'Save connection' }).click();
    await expect.poll(async () => (await status()).join(' '), { timeout: 10_000 }).toContain('Connection saved.');

    await nav.getByRole('link', { name: 'Promo codes' }).click();
    await expect.poll(() => new URL(page.url()).pathname, { timeout: 10_000 }).toBe('/bigcommerce/app/promo-codes');
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await page.getByRole('textbox', { name: 'Code, mapping 1', exact: true }).fill('JANE20');
    await page.getByRole('textbox', { name: 'Partner id, mapping 1', exact: true }).fill('555002');
    await page.getByRole('button', { name: 'Save promo codes' }).click();
    await expect.poll(async () => (await status()).join(' '), { timeout: 10_000 }).toContain('Promo codes saved.');

    // A reload inside the control panel keeps the session the page was given.
    await page.reload();
    await expect.poll(() => page.getByRole('textbox', { name: 'Code, mapping 1', exact: true }).inputValue(), { timeout: 10_000 }).toBe('JANE20');

    // An order with that code and no click id: its conversion credits the mapped partner.
    const order = bc.addOrder(HASH, { products: [{ sku: 'SOCK-MERINO-M', name: 'Merino socks - M', quantity: 2, price_inc_tax: '25.0000' }], coupons: [{ code: 'jane20', amount: '5.0000' }] });
    const delivered = await bc.deliver(HASH, 'store/order/created', { type: 'order', id: order.id });
    expect(delivered.map((delivery) => delivery.status)).toEqual([200]);
    await expect.poll(() => impact.requests.find((r) => r.path.endsWith('/Conversions') && r.fields.OrderId === String(order.id))?.fields, { timeout: 15_000 }).toMatchObject({
      OrderPromoCode: 'jane20',
      MediaPartnerId: '555002',
      CampaignId: '12345',
      ActionTrackerId: '67890',
    });

    await nav.getByRole('link', { name: 'Recent actions' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Recent actions', exact: true }).textContent(), { timeout: 10_000 }).toContain(String(order.id));
  }, 60_000);
});
