import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeBigCommerce, startFakeBigCommerce } from '../src/testing/fake-bigcommerce.ts';

/**
 * The fake storefront in a real browser (Debian's Chromium through playwright-core), as the app's
 * end-to-end test will use it: scripts registered through the Scripts API load from another origin
 * with their SRI hashes, a shopper lands with a click id, adds to cart, checks out and places the
 * order, and the app's hooks receive the order and the cart conversion. Skipped without Chromium.
 */
const CHROMIUM = '/usr/bin/chromium';

/** Stand-ins for an app's storefront scripts: keep the click id, then report it with the cart id from checkout. */
const SCRIPTS: Record<string, string> = {
  '/landing.js': `{ const id = new URLSearchParams(location.search).get('irclickid'); if (id) document.cookie = 'click=' + id + '; path=/; SameSite=Lax'; }`,
  '/checkout.js': `(async () => {
    const click = document.cookie.split('; ').find((pair) => pair.startsWith('click='))?.slice(6);
    const [cart] = await (await fetch('/api/storefront/carts', { credentials: 'same-origin' })).json();
    await fetch('COLLECT', { method: 'POST', mode: 'no-cors', body: JSON.stringify({ click, cartId: cart.id }) });
  })();`,
  '/tampered.js': 'window.__tampered = true;',
};

describe.skipIf(!existsSync(CHROMIUM))('the fake storefront in Chromium', () => {
  let fake: FakeBigCommerce;
  let browser: Browser;
  let app: { url: string; close: () => void };
  const collected: unknown[] = [];
  const webhooks: Array<{ scope: string; data: Record<string, unknown> }> = [];

  beforeAll(async () => {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (request.method === 'POST' && request.url === '/collect') collected.push(JSON.parse(body));
        if (request.method === 'POST' && request.url === '/webhooks') webhooks.push(JSON.parse(body));
        const script = SCRIPTS[request.url ?? ''];
        // SRI needs CORS: BigCommerce writes crossorigin="anonymous" on scripts with hashes.
        response.writeHead(script ? 200 : 204, { 'access-control-allow-origin': '*', ...(script ? { 'content-type': 'text/javascript' } : {}) });
        response.end(script?.replace('COLLECT', `${url}/collect`));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    app = { url, close: () => server.close() };

    fake = await startFakeBigCommerce({ stores: { abc123: {} } });
    const token = fake.issueToken('abc123');
    const post = (path: string, body: unknown) =>
      fetch(`${fake.url}/stores/abc123/v3${path}`, { method: 'POST', headers: { 'x-auth-token': token, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const sri = (path: string) => `sha384-${createHash('sha384').update(SCRIPTS[path]!.replace('COLLECT', `${url}/collect`)).digest('base64')}`;
    const scripts = [
      { name: 'landing', src: `${url}/landing.js`, visibility: 'storefront' },
      { name: 'checkout', src: `${url}/checkout.js`, visibility: 'checkout', integrity_hashes: [sri('/checkout.js')] },
      { name: 'tampered', src: `${url}/tampered.js`, visibility: 'all_pages', integrity_hashes: [sri('/landing.js')] },
    ];
    for (const script of scripts) expect((await post('/content/scripts', { kind: 'src', load_method: 'defer', location: 'footer', consent_category: 'analytics', ...script })).status).toBe(200);
    for (const scope of ['store/order/created', 'store/cart/converted']) expect((await post('/hooks', { scope, destination: `${url}/webhooks` })).status).toBe(200);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await fake?.close();
    app?.close();
  });

  it('lands with a click id, checks out, and the order carries the cart id the checkout script saw', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${fake.storefrontUrl('abc123')}/?irclickid=CLICK-123`);
    await page.click('#add-to-cart-77');
    await page.waitForURL('**/cart.php');
    await page.click('#checkout');
    await page.waitForURL('**/checkout');
    await expect.poll(() => collected.length, { timeout: 10_000 }).toBe(1);
    expect(await page.evaluate(() => (globalThis as { __tampered?: boolean }).__tampered)).toBeUndefined();

    await page.click('#place-order');
    await page.waitForURL('**/checkout/order-confirmation');
    const orderId = Number(await page.getAttribute('#checkout-app', 'data-order-id'));
    const { click, cartId } = collected[0] as { click: string; cartId: string };
    expect(click).toBe('CLICK-123');
    expect(webhooks.map((webhook) => [webhook.scope, webhook.data])).toEqual([
      ['store/order/created', { type: 'order', id: orderId }],
      ['store/cart/converted', { type: 'cart', id: cartId, orderId }],
    ]);
    expect(fake.orderOf('abc123', orderId)?.order.cart_id).toBe(cartId);
    expect(errors).toEqual([]);
  });
});
