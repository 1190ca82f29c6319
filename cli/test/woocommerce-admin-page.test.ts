import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeImpact, startFakeImpact } from '@cartrelay/core/fake-impact';
import { signLink } from '@cartrelay/woocommerce/app';
import { type FakeWooCommerce, startFakeWooCommerce } from '@cartrelay/woocommerce/fake-api';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInChromium, launchChromium } from './support/browser.ts';
import { type ServeProcess, freePort, startServe } from './support/serve-process.ts';

/**
 * The admin page of a WooCommerce store, in a real browser (Debian's Chromium through playwright-core),
 * served by a real `cartrelay serve` with the WooCommerce app turned on, against a fake WooCommerce and
 * impact.com: the store connected through WooCommerce's authorize screen (Approve clicked), the page
 * opened from the plugin's signed link, a promo mapping saved there and carried by the next order's conversion.
 */


describeInChromium('WooCommerce admin page in a browser', () => {
  let impact: FakeImpact;
  let woo: FakeWooCommerce;
  let serve: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    impact = await startFakeImpact({ accounts: { IRbrowser0003: 'browser-auth-token' } });
    woo = await startFakeWooCommerce();
    const port = await freePort();
    serve = await startServe(
      {
        CARTRELAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'cartrelay-woocommerce-browser-')),
        CARTRELAY_IMPACT_BASE_URL: impact.url,
        CARTRELAY_SUBMISSION_CHECK_MS: '500',
        WOOCOMMERCE_APP_URL: `http://127.0.0.1:${port}`,
        LOG_LEVEL: 'warn',
      },
      port,
    );
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.kill('SIGTERM');
    await woo?.close();
    await impact?.close();
  });

  it('connects through WooCommerce’s approval, opens from the plugin’s signed link, saves a promo mapping, and credits its partner on the next order', async () => {
    const page = await browser.newPage();
    // The plugin's Connect button, then WooCommerce's screen: the merchant approves.
    await page.goto(`${serve.url}/woocommerce/connect?site=${encodeURIComponent(`${woo.url}/`)}`);
    await page.getByRole('link', { name: 'Approve' }).click();
    // WooCommerce sends the merchant back: CartRelay opens the admin page, signed in.
    await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).toMatch(/^\/woocommerce\/app/);
    await expect.poll(() => woo.pluginConnection?.linkSecret, { timeout: 10_000 }).toEqual(expect.any(String));

    // Later, from wp-admin: the plugin's "Open CartRelay" link, signed with the secret it was told.
    const link = { site: `${woo.url}/`, user: '1', exp: Math.floor(Date.now() / 1000) + 300 };
    const fresh = await browser.newPage();
    const opened = await fresh.goto(`${serve.url}/woocommerce/open?${new URLSearchParams({ ...link, exp: String(link.exp), sig: signLink(woo.pluginConnection!.linkSecret, 'open', link) })}`);
    expect(opened?.status()).toBe(200);
    // The session left the address bar.
    expect(new URL(fresh.url()).hash).toBe('');
    const nav = fresh.getByRole('navigation');
    const status = () => fresh.getByRole('status').allTextContents();

    // Home opens first; the connection is a page of its own.
    await nav.getByRole('link', { name: 'Connection' }).click();
    await fresh.getByLabel('Account SID').fill('IRbrowser0003');
    await fresh.getByLabel('Auth Token').fill('browser-auth-token');
    await fresh.getByLabel('Program id').fill('12345');
    await fresh.getByLabel('Action tracker id').fill('67890');
    await fresh.getByRole('button', { name: 'Save connection' }).click();
    await expect.poll(async () => (await status()).join(' '), { timeout: 10_000 }).toContain('Connection saved.');

    await nav.getByRole('link', { name: 'Promo codes' }).click();
    await expect.poll(() => new URL(fresh.url()).pathname, { timeout: 10_000 }).toBe('/woocommerce/app/promo-codes');
    await fresh.getByRole('button', { name: 'Add mapping' }).click();
    await fresh.getByRole('textbox', { name: 'Code, mapping 1', exact: true }).fill('JANE20');
    await fresh.getByRole('textbox', { name: 'Partner id, mapping 1', exact: true }).fill('555003');
    await fresh.getByRole('button', { name: 'Save promo codes' }).click();
    await expect.poll(async () => (await status()).join(' '), { timeout: 10_000 }).toContain('Promo codes saved.');

    // A reload keeps the session the page was given.
    await fresh.reload();
    await expect.poll(() => fresh.getByRole('textbox', { name: 'Code, mapping 1', exact: true }).inputValue(), { timeout: 10_000 }).toBe('JANE20');

    // The store's webhooks are in place: the next order with that code credits the mapped partner.
    await expect.poll(() => woo.webhooks.filter((webhook) => webhook.status === 'active').length, { timeout: 10_000 }).toBe(4);
    const order = await woo.createOrder({ status: 'processing', lineItems: [{ sku: 'SOCK-MERINO-M', name: 'Merino socks - M', quantity: 2, price: '25.00' }], coupons: [{ code: 'jane20', discount: '5.00' }] });
    await woo.settled();
    await expect.poll(() => impact.requests.find((r) => r.path.endsWith('/Conversions') && r.fields.OrderId === String(order.number))?.fields, { timeout: 15_000 }).toMatchObject({
      OrderPromoCode: 'jane20',
      MediaPartnerId: '555003',
      CampaignId: '12345',
      ActionTrackerId: '67890',
    });
  }, 60_000);
});
