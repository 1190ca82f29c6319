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
 * The click id of a BigCommerce shopper, end to end with no merchant code: a real `cartrelay serve`
 * with the BigCommerce app installs a store on the fake BigCommerce, whose storefront (another origin)
 * renders the scripts the app registered through the Scripts API, served by the relay with their SRI
 * hashes. A shopper lands in Chromium with `?irclickid=…`, checks out (the checkout script runs
 * @bigcommerce/checkout-sdk against the storefront's checkout API), and the order's hooks bring a
 * conversion with that click id to the fake impact.com; its refund, a modification.
 */
const CLIENT_ID = 'storefront-test-client-id';
const CLIENT_SECRET = 'storefront-test-client-secret';
const HASH = 'shopr77';
const CLICK_ID = 'IRclick-4242_e2e';

describeInChromium('a BigCommerce shopper’s click id, from landing page to impact.com', () => {
  let impact: FakeImpact;
  let bc: FakeBigCommerce;
  let serve: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    impact = await startFakeImpact({ accounts: { IRstorefront: 'storefront-auth-token' } });
    const port = await freePort();
    const appUrl = `http://127.0.0.1:${port}`;
    bc = await startFakeBigCommerce({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${appUrl}/bigcommerce/auth`, stores: { [HASH]: {} } });
    serve = await startServe(
      {
        CARTRELAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'cartrelay-bigcommerce-storefront-')),
        CARTRELAY_IMPACT_BASE_URL: impact.url,
        CARTRELAY_SUBMISSION_CHECK_MS: '300',
        CARTRELAY_CLICK_WAIT_MS: '10000',
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

  it('credits the partner whose link the shopper came through, and turns the refund into a modification', async () => {
    // Installed through the single-click callback, then connected and configured as in the admin page.
    const auth = bc.issueAuthCode(HASH, { scope: 'store_v2_orders_read_only store_v2_content store_content_checkout', user: { id: 1, email: 'merchant@example.com' } });
    const page = await (await fetch(`${serve.url}/bigcommerce/auth?${auth.query}`)).text();
    const session = /name="cartrelay-session" content="([^"]+)"/.exec(page)![1]!;
    const admin = (method: string, path: string, body: unknown) =>
      fetch(`${serve.url}/bigcommerce/api/admin${path}`, { method, headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await admin('PUT', '/connection', { accountSid: 'IRstorefront', authToken: 'storefront-auth-token' })).status).toBe(200);
    expect((await admin('PUT', '/config', { version: 1, program: { campaignId: '2468', actionTrackerId: '1357' } })).status).toBe(200);
    await expect.poll(() => bc.scriptsOf(HASH).length, { timeout: 10_000 }).toBe(3);

    const shopper = await browser.newPage();
    const errors: string[] = [];
    shopper.on('pageerror', (error) => errors.push(error.message));
    const beacons: string[] = [];
    shopper.on('request', (request) => {
      if (request.url().endsWith('/collect/bigcommerce')) beacons.push(request.postData() ?? '');
    });
    // Lands from the partner's link; the landing script keeps the click id.
    await shopper.goto(`${bc.storefrontUrl(HASH)}/?irclickid=${CLICK_ID}`);
    await expect.poll(async () => (await shopper.context().cookies()).map((cookie) => cookie.value).join(' '), { timeout: 10_000 }).toContain(CLICK_ID);
    await shopper.click('#add-to-cart-86');
    await shopper.waitForURL('**/cart.php');
    await shopper.goto(bc.storefrontUrl(HASH));
    await shopper.click('#add-to-cart-77');
    await shopper.waitForURL('**/cart.php');
    await shopper.click('#checkout');
    await shopper.waitForURL('**/checkout');
    // The checkout script reads the cart through checkout-sdk and reports it with the click id.
    await expect.poll(() => beacons.length, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(JSON.parse(beacons[0]!)).toMatchObject({ store: HASH, clickId: CLICK_ID, cartId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    await shopper.click('#place-order');
    await shopper.waitForURL('**/checkout/order-confirmation');
    expect(errors).toEqual([]);

    const order = bc.calls.find((call) => call.operation === 'storefront.place-order' && call.status === 200);
    expect(order).toBeDefined();
    const conversion = () => impact.requests.find((request) => request.path.endsWith('/Conversions'))?.fields;
    await expect.poll(conversion, { timeout: 15_000 }).toMatchObject({ ClickId: CLICK_ID, CampaignId: '2468', ActionTrackerId: '1357' });
    const orderId = conversion()!.OrderId!;
    expect(impact.requests.filter((request) => request.path.endsWith('/Conversions'))).toHaveLength(1);

    const refund = bc.refund(HASH, orderId, [{ sku: 'SOCK-MERINO-M', quantity: 1 }]);
    for (const event of refund.events) await bc.deliver(HASH, event.scope, event.data);
    await expect.poll(() => impact.requests.find((request) => request.method === 'PUT')?.fields, { timeout: 15_000 }).toMatchObject({ OrderId: orderId, Sku: 'SOCK-MERINO-M', Quantity: '0' });
  }, 90_000);
});
