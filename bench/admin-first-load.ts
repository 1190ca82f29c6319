/**
 * npm run bench:admin: what the Shopify admin page costs a merchant to open (not a test; nothing
 * asserts). The relay serves the built page (`npm run build -w @cartrelay/shopify` first) with the
 * Shopify app on, against a fake Shopify; Debian's Chromium opens it as the Shopify admin would, with
 * a stand-in for App Bridge's CDN script (which is Shopify's to serve, and not counted). Printed for a
 * cold and a warm cache, on loopback and on an emulated 10 Mbit/s link with 40 ms round trips:
 * bytes over the wire (what the relay sent, compressed), bytes decoded, requests, and the time from
 * navigation to the first page's form being on screen.
 */
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ShopDirectory, createImpactClient, createSecretBox, openStore, parseSecretKey, startRelay, storeAppRouters } from '@cartrelay/core';
import { createShopifyAdapter } from '@cartrelay/shopify';
import { createShopifyApi, createShopifyApp } from '@cartrelay/shopify/app';
import { signSessionToken, startFakeShopify } from '@cartrelay/shopify/fake-shopify';
import pino from 'pino';
import { type Page, chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const API_KEY = 'first-load-key';
const API_SECRET = 'first-load-secret';
const SHOP = 'first-load.myshopify.com';
const DIST = fileURLToPath(new URL('../plugins/shopify/admin/dist', import.meta.url));

if (!existsSync(`${DIST}/index.html`)) throw new Error(`${DIST} is not built: npm run build -w @cartrelay/shopify`);
if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);

const shopify = await startFakeShopify({ apiKey: API_KEY, apiSecret: API_SECRET });
const box = createSecretBox(parseSecretKey('12'.repeat(32))!);
const store = await openStore({ dataDir: await mkdtemp(join(tmpdir(), 'cartrelay-first-load-')), box });
const shops = new ShopDirectory(store, box);
const logger = pino({ level: 'warn' });
const impact = createImpactClient({ baseUrl: 'http://127.0.0.1:9' });
const relayPort = 0;
const context = { store, shops, box, impact, logger, now: Date.now };
const app = createShopifyApp({
  shopify: createShopifyApi({ apiKey: API_KEY, apiSecretKey: API_SECRET, hostName: 'http://127.0.0.1', adminApiUrl: shopify.url }),
  appUrl: 'http://127.0.0.1',
  context,
  adminDistDir: DIST,
});
const relay = await startRelay({
  store,
  shops,
  adapters: new Map([['shopify', createShopifyAdapter(app.webhooks)]]),
  impact,
  logger,
  appSecrets: { shopify: API_SECRET },
  port: relayPort,
  host: '127.0.0.1',
  routers: storeAppRouters(context, new Map([['shopify', app]])),
  workers: false,
});
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});

interface Load {
  readonly wireBytes: number;
  readonly decodedBytes: number;
  readonly requests: number;
  readonly ms: number;
}

/** Opens the page in `page` and waits for the first page's form; counts only what the relay served. */
async function open(page: Page): Promise<Load> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const urls = new Map<string, string>();
  let wireBytes = 0;
  let decodedBytes = 0;
  let requests = 0;
  cdp.on('Network.requestWillBeSent', (event) => urls.set(event.requestId, event.request.url));
  cdp.on('Network.dataReceived', (event) => {
    if (urls.get(event.requestId)?.startsWith(relay.url)) decodedBytes += event.dataLength;
  });
  cdp.on('Network.loadingFinished', (event) => {
    if (!urls.get(event.requestId)?.startsWith(relay.url)) return;
    wireBytes += event.encodedDataLength;
    requests++;
  });
  if (emulation) await cdp.send('Network.emulateNetworkConditions', { offline: false, ...emulation });
  // App Bridge's stand-in, through CDP: Playwright's own routing would turn the HTTP cache off.
  await cdp.send('Fetch.enable', { patterns: [{ urlPattern: 'https://cdn.shopify.com/*' }] });
  cdp.on('Fetch.requestPaused', (event) => {
    void cdp.send('Fetch.fulfillRequest', {
      requestId: event.requestId,
      responseCode: 200,
      responseHeaders: [{ name: 'Content-Type', value: 'application/javascript' }],
      body: Buffer.from(APP_BRIDGE_STAND_IN).toString('base64'),
    });
  });
  const idToken = signSessionToken({ apiKey: API_KEY, apiSecret: API_SECRET, shop: SHOP });
  const started = Date.now();
  await page.goto(`${relay.url}/shopify/app?embedded=1&shop=${SHOP}&host=${Buffer.from(`admin.shopify.com/store/${SHOP}`).toString('base64url')}&id_token=${idToken}`);
  // The first page a merchant sees: Home, with its figures loaded.
  await page.getByRole('heading', { name: 'Home' }).waitFor({ state: 'visible', timeout: 30_000 });
  const ms = Date.now() - started;
  await page.waitForLoadState('networkidle');
  await cdp.detach();
  return { wireBytes, decodedBytes, requests, ms };
}

const APP_BRIDGE_STAND_IN = `window.shopify = {
  config: { apiKey: ${JSON.stringify(API_KEY)}, shop: ${JSON.stringify(SHOP)} },
  idToken: async () => ${JSON.stringify(signSessionToken({ apiKey: API_KEY, apiSecret: API_SECRET, shop: SHOP, exp: Math.floor(Date.now() / 1000) + 3600 }))},
  toast: { show() {} },
  saveBar: { show() {}, hide() {}, leaveConfirmation: async () => {} },
};`;

let emulation: { latency: number; downloadThroughput: number; uploadThroughput: number } | null = null;
const rows: string[] = [];
for (const [label, conditions] of [
  ['loopback', null],
  ['10 Mbit/s, 40 ms RTT', { latency: 40, downloadThroughput: (10 * 1024 * 1024) / 8, uploadThroughput: (5 * 1024 * 1024) / 8 }],
] as const) {
  emulation = conditions;
  const context = await browser.newContext();
  const page = await context.newPage();
  const cold = await open(page);
  const warm = await open(page);
  await context.close();
  for (const [cache, load] of [
    ['cold', cold],
    ['warm', warm],
  ] as const) {
    rows.push(
      `${`${label}, ${cache} cache`.padEnd(34)} ${String(load.requests).padStart(2)} requests  ${kb(load.wireBytes).padStart(8)} over the wire  ${kb(load.decodedBytes).padStart(8)} decoded  Home on screen after ${load.ms} ms`,
    );
  }
}
console.log(rows.join('\n'));

await browser.close();
await relay.close();
await store.close();
await shopify.close();

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
