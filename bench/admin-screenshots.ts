/**
 * npm run screenshots: PNGs of every admin page, in the Shopify shell and in the neutral one
 * (BigCommerce's mount), at 1280 and 390 px wide, for a person to look at (not a test; nothing
 * asserts). It builds nothing: it serves the pages as built (`npm run build -w @cartrelay/shopify`
 * and `-w @cartrelay/bigcommerce` first) with the admin tests' fake API seeded with a month of
 * orders, and a stand-in for App Bridge's CDN script. Saved under .cartrelay/screenshots/ (ignored by
 * git); their paths are printed.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { FakeAdminServer, savedConfig } from '../admin/test/fake-platform.ts';
import { busyHome, sampleAction, sampleDelivery } from '../admin/test/sample-data.ts';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, '.cartrelay', 'screenshots');
const WIDTHS = [1280, 390] as const;
/** Each page's path under the base path, as the admin page routes them. */
const PAGES = ['', 'connection', 'promo-codes', 'sku-rules', 'customer-status', 'test-action', 'recent-actions', 'privacy-requests'];

const PLATFORMS = [
  { name: 'shopify', dist: 'plugins/shopify/admin/dist', basePath: '/shopify/app', api: '/api/admin', build: '@cartrelay/shopify' },
  { name: 'bigcommerce', dist: 'plugins/bigcommerce/admin/dist', basePath: '/bigcommerce/app', api: '/bigcommerce/api/admin', build: '@cartrelay/bigcommerce' },
] as const;

const missing = PLATFORMS.filter((platform) => !existsSync(join(ROOT, platform.dist, 'index.html')));
if (missing.length > 0) throw new Error(`not built: ${missing.map((p) => `npm run build -w ${p.build}`).join(' && ')}`);
if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);

/** A shop a month into using CartRelay: both banners up, the test action still to do, 60 orders of every kind. */
function seededApi(): FakeAdminServer {
  const api = new FakeAdminServer({
    config: savedConfig({
      promoCodes: [
        { match: 'exact', code: 'JANE20', partnerId: '555001' },
        { match: 'regex', code: '^PODCAST-', partnerId: '555002' },
      ],
      skus: [{ match: 'prefix', sku: 'SOCK-', category: 'socks' }],
    }),
  });
  api.home = busyHome({
    checklist: { connected: true, programSet: true, attributionReady: true, testActionSeen: false },
    alerts: [
      { kind: 'impact_rejected', message: 'impact.com answered 401 Unauthorized to the last 3 conversions.', since: new Date(Date.now() - 3 * 3_600_000).toISOString() },
      { kind: 'click_share_drop', message: 'Orders with a click id fell over the last 3 days.', recentShare: 0.12, usualShare: 0.48 },
    ],
  });
  const now = Date.now();
  api.actions = Array.from({ length: 60 }, (_, index) => {
    const number = String(1060 - index);
    const placedAt = new Date(now - index * 2 * 3_600_000).toISOString();
    const kind = index % 5;
    if (index === 0) {
      return sampleAction({
        platformOrderId: `55124090${number}`,
        orderNumber: number,
        placedAt,
        status: 'none',
        impactOrderId: null,
        statusText: 'Waiting for its click id',
        waitingUntil: new Date(now + 3 * 3_600_000).toISOString(),
        amount: { value: '64.00', currency: 'USD' },
        explain: ['No click id on the order yet: it waits for the Shopify pixel to report one.'],
      });
    }
    return sampleAction({
      platformOrderId: `55124090${number}`,
      orderNumber: number,
      placedAt,
      impactOrderId: number,
      amount: { value: `${(20 + index * 3.25).toFixed(2)}`, currency: 'USD' },
      attribution:
        kind === 0 || kind === 1
          ? { by: 'click_id', clickId: `Sa3Ro1WvsxyNUNU2BdWqJ3NbU${index}kGw4CXoJS0G3Q0`, source: kind === 0 ? 'landing_url' : 'storefront' }
          : kind === 2
            ? { by: 'code', code: 'JANE20' }
            : { by: 'none' },
      partner: kind === 2 ? { id: '555001', name: 'Jane’s Deals' } : null,
      status: kind === 3 ? 'none' : 'converted',
      statusText: kind === 3 ? 'Not sent: no partner' : kind === 4 ? 'Rejected by impact.com' : 'Accepted by impact.com',
      deliveries:
        kind === 3
          ? []
          : [
              kind === 4
                ? sampleDelivery({ status: 'done', submissionStatus: 'error', submissionErrors: [{ Message: 'Invalid ActionTrackerId' }] })
                : sampleDelivery({}),
            ],
      explain:
        kind === 2
          ? ['Code JANE20 matches promo mapping 1: partner 555001.']
          : kind === 3
            ? ['No click id and no code a promo mapping names: nothing to send.']
            : ['Click id from the landing page address.'],
    });
  });
  return api;
}

const CONTENT_TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

/** Serves each platform's built page under its base path (every page path answered with index.html) and the fake API under its API path. */
async function serve(api: FakeAdminServer): Promise<{ url: string; close: () => void }> {
  const server = createServer((request, response) => void answer(api, request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

async function answer(api: FakeAdminServer, request: IncomingMessage, response: ServerResponse) {
  const url = new URL(request.url ?? '/', 'http://localhost');
  for (const platform of PLATFORMS) {
    if (url.pathname.startsWith(`${platform.api}/`)) {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = chunks.length > 0 ? Buffer.concat(chunks).toString() : undefined;
      const answer = await api.platform.fetch(`${url.pathname.slice(platform.api.length)}${url.search}`, { method: request.method ?? 'GET', ...(body && { body }) });
      response.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(await answer.text());
      return;
    }
    if (url.pathname === platform.basePath || url.pathname.startsWith(`${platform.basePath}/`)) {
      const dist = join(ROOT, platform.dist);
      const asset = normalize(join(dist, url.pathname.slice(platform.basePath.length)));
      const file = asset.startsWith(`${dist}/`) && extname(asset) !== '' && existsSync(asset) ? asset : join(dist, 'index.html');
      let content = await readFile(file);
      // BigCommerce's page gets its session from the server; any value does for the fake API.
      if (file.endsWith('index.html')) content = Buffer.from(content.toString().replace('%CARTRELAY_SESSION%', 'screenshot-session'));
      response.writeHead(200, { 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' }).end(content);
      return;
    }
  }
  response.writeHead(404).end();
}

/** App Bridge draws its title bar, menu and save bar outside the app's frame: the stand-in hides them, as the admin's frame would. */
const APP_BRIDGE_STAND_IN = `window.shopify = {
  config: { apiKey: 'screenshots', shop: 'demo-store.myshopify.com' },
  idToken: async () => 'screenshot-token',
  toast: { show() {}, hide() {} },
  saveBar: { show: async () => {}, hide: async () => {}, toggle: async () => {}, leaveConfirmation: async () => {} },
};
customElements.define('ui-save-bar', class extends HTMLElement {
  async show() {}
  async hide() {}
  async toggle() {}
});
const style = document.createElement('style');
style.textContent = 'ui-title-bar, ui-nav-menu, ui-save-bar { display: none; }';
document.head.append(style);`;

const api = seededApi();
const server = await serve(api);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
await mkdir(OUT, { recursive: true });
try {
  for (const platform of PLATFORMS) {
    for (const width of WIDTHS) {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      await context.route('https://cdn.shopify.com/**', (route) => route.fulfill({ contentType: 'text/javascript', body: APP_BRIDGE_STAND_IN }));
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`${platform.name} page error: ${error.message}`));
      for (const path of PAGES) {
        await page.goto(`${server.url}${platform.basePath}${path ? `/${path}` : ''}?embedded=1&shop=demo-store.myshopify.com`);
        await page.locator('.panel:not([hidden]) h2').waitFor({ state: 'visible', timeout: 30_000 });
        await page.waitForLoadState('networkidle');
        // Whatever the page loads after its heading (Home's figures, the actions table) is in by now.
        await page.locator('.panel:not([hidden]) .loading').waitFor({ state: 'detached', timeout: 30_000 });
        const file = join(OUT, `${platform.name}-${path || 'home'}-${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.log(file);
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}
