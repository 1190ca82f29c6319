import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShopDirectory, applyOrderEvents, createSecretBox, generateSecretKey, openStore, parseSecretKey, parseTrackingConfig } from '@cartrelay/core';
import { type FakeImpact, startFakeImpact } from '@cartrelay/core/fake-impact';
import { anOrder } from '@cartrelay/core/testing';
import { signLink } from '@cartrelay/woocommerce/app';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInChromium, launchChromium } from './support/browser.ts';
import { type ServeProcess, freePort, startServe } from './support/serve-process.ts';

/**
 * Home, in a real browser (Debian's Chromium through playwright-core), for a WooCommerce store with a
 * week of orders behind it: attributed by click id, by a partner's code, and not at all. The store's
 * impact.com token is wrong, so the conversions the relay sends are refused with 401: Home says so.
 */
const SITE = 'https://shop.example';
const LINK_SECRET = 'sbCYc2VCJozYqrudqWwTDwMdgOqS43aa0rH8ivCQqQA';
const DAY_MS = 86_400_000;


describeInChromium('Home in a browser', () => {
  let impact: FakeImpact;
  let serve: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    impact = await startFakeImpact({ accounts: { IRhome0001: 'the-right-token' } });
    const dataDir = mkdtempSync(join(tmpdir(), 'cartrelay-home-browser-'));
    const secretKey = generateSecretKey();
    // A week of orders, seeded into the store the relay will open: three a day, one of each kind.
    const box = createSecretBox(parseSecretKey(secretKey)!);
    const store = await openStore({ dataDir, box });
    try {
      const shops = new ShopDirectory(store, box, { cacheMs: 0 });
      const config = parseTrackingConfig({ version: 1, program: { campaignId: '1234', actionTrackerId: '5678' }, promoCodes: [{ match: 'exact', code: 'PODCAST', partnerId: '9001' }] });
      if (!config.ok) throw new Error('invalid test config');
      const shop = await shops.add({
        platform: 'woocommerce',
        shopKey: SITE,
        config: config.value,
        impact: { accountSid: 'IRhome0001', authToken: 'a-wrong-token' },
        credentials: { webhookSecret: 'home-webhook-secret', linkSecret: LINK_SECRET },
      });
      const now = Date.now();
      for (let day = 6; day >= 0; day--) {
        const at = now - day * DAY_MS;
        const placed = new Date(at).toISOString();
        const orders = [
          anOrder({ id: `${day}1`, number: `${day}1`, createdAt: placed, landingUrl: `/socks?irclickid=Click${day}` }),
          anOrder({ id: `${day}2`, number: `${day}2`, createdAt: placed, landingUrl: null, discountCodes: ['PODCAST'] }),
          anOrder({ id: `${day}3`, number: `${day}3`, createdAt: placed, landingUrl: null }),
        ];
        await applyOrderEvents(
          store,
          orders.map((order) => ({ webhookId: null, shopId: shop.id, platformOrderId: order.id, event: { kind: 'order', order }, config: config.value, now: at })),
        );
      }
    } finally {
      await store.close();
    }
    const port = await freePort();
    serve = await startServe(
      {
        CARTRELAY_DATA_DIR: dataDir,
        CARTRELAY_SECRET_KEY: secretKey,
        CARTRELAY_IMPACT_BASE_URL: impact.url,
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
    await impact?.close();
  });

  it('shows the checklist, the week’s attribution in the chart, and a banner once impact.com refuses the credentials', async () => {
    // The relay sends the week's conversions; impact.com refuses the token.
    await expect.poll(() => impact.requests.filter((request) => request.status === 401).length, { timeout: 15_000 }).toBeGreaterThan(0);

    const link = { site: `${SITE}/`, user: '1', exp: Math.floor(Date.now() / 1000) + 300 };
    const page = await browser.newPage();
    await page.goto(`${serve.url}/woocommerce/open?${new URLSearchParams({ ...link, exp: String(link.exp), sig: signLink(LINK_SECRET, 'open', link) })}`);
    await expect.poll(() => page.getByRole('heading', { name: 'Home' }).count(), { timeout: 10_000 }).toBe(1);

    // The checklist: connected and configured, but no test action seen by impact.com yet.
    await expect.poll(() => page.getByText(/of 4 done/).textContent(), { timeout: 10_000 }).toBe('3 of 4 done');
    // The one step left links to its page (the menu's own "Test action" link is another).
    expect(await page.getByRole('link', { name: 'Open Test action' }).count()).toBe(1);

    // The banner names the problem and leads to the connection.
    const banner = page.getByRole('alert').filter({ hasText: /impact\.com/ });
    await expect.poll(() => banner.count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => banner.getByRole('link', { name: /connection/i }).count(), { timeout: 10_000 }).toBe(1);

    // The chart: 30 days, the last seven with one order of each kind.
    const chart = page.getByRole('figure', { name: /attribut/i });
    expect(await chart.count()).toBe(1);
    const rows = chart.locator('table tbody tr');
    expect(await rows.count()).toBe(30);
    // Today: three orders, one by click id, one by code, one unattributed; a month ago: none.
    expect(await rows.nth(29).locator('td').allTextContents()).toEqual(['3', '1 (33%)', '1 (33%)', '1 (33%)']);
    expect(await rows.nth(0).locator('td').allTextContents()).toEqual(['0', '0', '0', '0']);
  }, 60_000);
});
