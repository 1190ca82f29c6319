// The built scripts themselves (storefront/dist), as a shopper's browser gets them: jsdom loads a
// storefront page that includes them the way BigCommerce renders Scripts API scripts, from the app's
// router on loopback, and the checkout script loads the real checkout-sdk chunk, which talks to a
// stand-in of the storefront checkout API on the page's own origin. And their sizes, within budget.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import express from 'express';
import { CookieJar, JSDOM, VirtualConsole } from 'jsdom';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { loadStorefrontManifest, type StorefrontManifest, serveStorefrontScripts, storefrontScripts } from '../src/app/storefront-scripts.ts';

const STORE = 'g5cd38';
const CART = 'd30016e2-81c1-4c4a-9c51-7a7e2a1e5f3b';
const CLICK = 'Sa3Ro1WvsxyNUNU2BdWqJ3NbUkGw4CXoJS0G3Q0';

let manifest: StorefrontManifest;
/** The app's origin (scripts, beacons) and the storefront's: two origins on one loopback server. */
let appUrl: string;
let shopUrl: string;
let close: () => Promise<void>;
/** Requests the server saw, as `METHOD path`. */
const requests: string[] = [];
/** The storefront's checkout, as its API answers it: the order id once placed; `gone` once converted. */
let checkoutState: { orderId: number | null; gone: boolean };

beforeAll(async () => {
  manifest = loadStorefrontManifest();
  const app = express();
  app.use((req, _res, next) => {
    requests.push(`${req.method} ${req.originalUrl}`);
    next();
  });
  app.use(serveStorefrontScripts());
  // The storefront: pages render the store's scripts as BigCommerce does (footer, defer, SRI where set).
  app.get(['/', '/products/sunglasses', '/checkout', '/checkout/order-confirmation{/:id}'], (req, res) => {
    const visibility = req.path === '/checkout' ? 'checkout' : req.path.startsWith('/checkout/') ? 'order_confirmation' : 'storefront';
    const tags = storefrontScripts({ appUrl, storeHash: STORE, clickIdParam: 'clid', referralDays: 7, consentCategory: 'analytics', manifest })
      .filter((script) => script.visibility === visibility)
      .map((script) => {
        const integrity = script.integrity_hashes ? ` integrity="${script.integrity_hashes.join(' ')}" crossorigin="anonymous"` : '';
        return `<script src="${script.src.replaceAll('&', '&amp;')}"${integrity} defer></script>`;
      });
    res.type('html').send(`<!doctype html><html><head><title>Shop</title></head><body><main>page</main>${tags.join('')}</body></html>`);
  });
  // The storefront checkout API, as much of it as checkout-sdk's loadCheckout and loadOrder read.
  app.get('/api/storefront/checkout-settings', (_req, res) => {
    res.json({
      context: { checkoutId: CART, flashMessages: [], payment: {} },
      storeConfig: {
        paymentSettings: { bigpayBaseUrl: 'https://127.0.0.1' },
        checkoutSettings: { capabilities: {}, features: {} },
        links: {},
        storeProfile: {},
        currency: { code: 'USD' },
        shopperCurrency: { code: 'USD' },
      },
      customization: { languageData: [] },
    });
  });
  app.get('/api/storefront/form-fields', (_req, res) => {
    res.json({ customerAccount: [], shippingAddress: [], billingAddress: [] });
  });
  app.get(['/api/storefront/checkout/:id', '/api/storefront/checkouts/:id'], (req, res) => {
    if (req.params.id !== CART || checkoutState.gone) {
      res.status(404).json({ status: 404, title: 'Not found' });
      return;
    }
    const lineItems = { physicalItems: [], digitalItems: [], giftCertificates: [], customItems: [] };
    res.json({
      id: CART,
      cart: { id: CART, lineItems, currency: { code: 'USD' } },
      orderId: checkoutState.orderId,
      customer: { id: 0, addresses: [], isGuest: true, storeCredit: 0 },
      billingAddress: { id: 'b1' },
      consignments: [],
      coupons: [],
      giftCertificates: [],
      payments: [],
      promotions: [],
    });
  });
  app.get('/api/storefront/orders/:id', (req, res) => {
    const lineItems = { physicalItems: [], digitalItems: [], giftCertificates: [], customItems: [] };
    res.json({
      orderId: Number(req.params.id),
      cartId: CART,
      customerId: 0,
      billingAddress: { id: 'b1' },
      status: 'AWAITING_FULFILLMENT',
      orderAmount: 10,
      lineItems,
      payments: [],
      currency: { code: 'USD' },
      coupons: [],
    });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  appUrl = `http://127.0.0.1:${port}`;
  shopUrl = `http://localhost:${port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});
afterAll(() => close());

let open: JSDOM[] = [];
afterEach(() => {
  for (const dom of open) dom.window.close();
  open = [];
  requests.length = 0;
});

interface Visit {
  readonly dom: JSDOM;
  readonly beacons: { url: string; body: unknown }[];
  /** Errors thrown by the page's scripts. */
  readonly errors: unknown[];
  /** Resolves once the page and its deferred scripts have run. */
  readonly loaded: Promise<void>;
}

/** A shopper's browser opens `path` on the storefront, with `jar`'s cookies and `session` in sessionStorage. */
async function visit(path: string, jar: CookieJar, session: Record<string, string> = {}): Promise<Visit> {
  const beacons: Visit['beacons'] = [];
  const errors: unknown[] = [];
  const virtualConsole = new VirtualConsole();
  virtualConsole.on('jsdomError', (error) => errors.push(error));
  let loaded!: Promise<void>;
  const dom = await JSDOM.fromURL(shopUrl + path, {
    runScripts: 'dangerously',
    resources: 'usable',
    cookieJar: jar,
    virtualConsole,
    beforeParse(window) {
      loaded = new Promise((resolve) => window.addEventListener('load', () => resolve()));
      for (const [key, value] of Object.entries(session)) window.sessionStorage.setItem(key, value);
      // jsdom has no sendBeacon: record what the page would send.
      Object.defineProperty(window.navigator, 'sendBeacon', {
        value: (url: string, body: string) => {
          beacons.push({ url, body: JSON.parse(body) });
          return true;
        },
      });
    },
  });
  open.push(dom);
  return { dom, beacons, errors, loaded };
}

/** A shopper who landed through a partner link earlier: the click cookie as the landing script left it. */
function jarWithClick(): CookieJar {
  const jar = new CookieJar();
  jar.setCookieSync(`cartrelay_click=${CLICK}|partner-42; Max-Age=604800; Path=/; SameSite=Lax`, shopUrl);
  return jar;
}

const scriptRequests = () => requests.filter((line) => line.startsWith('GET /bigcommerce/s/')).map((line) => line.slice('GET /bigcommerce/s/'.length).split('?')[0]);
const storefrontApiRequests = () => requests.filter((line) => line.includes('/api/storefront/'));

describe('the landing script, built', () => {
  test("keeps the store's click parameter and the shared id for the store's window, reading its settings from its own src", async () => {
    const jar = new CookieJar();
    const page = await visit('/products/sunglasses?clid=Zz-9_x&sharedid=partner-42&irclickid=not-this', jar);
    await page.loaded;

    expect(page.errors).toEqual([]);
    expect(scriptRequests()).toEqual([manifest.scripts.landing.file]);
    const cookies = jar.getCookiesSync(shopUrl);
    expect(cookies.map((cookie) => [cookie.key, cookie.value, cookie.maxAge, cookie.sameSite, cookie.secure])).toEqual([
      ['cartrelay_click', 'Zz-9_x|partner-42', 7 * 86_400, 'lax', false],
    ]);
  });

  test('a page without a click writes no cookie', async () => {
    const jar = new CookieJar();
    const page = await visit('/?utm_source=newsletter', jar);
    await page.loaded;
    expect(page.errors).toEqual([]);
    expect(scriptRequests()).toEqual([manifest.scripts.landing.file]);
    expect(jar.getCookiesSync(shopUrl)).toEqual([]);
  });
});

describe('the checkout script, built, with the real checkout-sdk chunk', () => {
  test('with a kept click: loads the SDK chunk pinned by its integrity, reads the cart id through the storefront checkout API, posts the beacon to the app', async () => {
    checkoutState = { orderId: null, gone: false };
    const page = await visit('/checkout', jarWithClick());

    await expect.poll(() => page.beacons, { timeout: 20_000 }).toHaveLength(1);
    expect(page.beacons).toEqual([{ url: `${appUrl}/collect/bigcommerce`, body: { store: STORE, clickId: CLICK, sharedId: 'partner-42', cartId: CART } }]);
    expect(scriptRequests()).toEqual([manifest.scripts.checkout.file, manifest.scripts.checkoutSdk.file]);
    const sdk = page.dom.window.document.querySelector(`script[src$="/${manifest.scripts.checkoutSdk.file}"]`);
    expect(sdk?.getAttribute('integrity')).toBe(manifest.scripts.checkoutSdk.integrity);
    expect(sdk?.getAttribute('crossorigin')).toBe('anonymous');
    expect(storefrontApiRequests().some((line) => line.startsWith(`GET /api/storefront/checkout/${CART}?`))).toBe(true);
    expect(page.dom.window.sessionStorage.getItem('cartrelay:cart')).toBe(CART);
    expect(page.errors).toEqual([]);
  });

  test('without a kept click: only the small script is downloaded, the checkout API is not asked, nothing is posted', async () => {
    checkoutState = { orderId: null, gone: false };
    const page = await visit('/checkout', new CookieJar());
    await page.loaded;

    expect(scriptRequests()).toEqual([manifest.scripts.checkout.file]);
    expect(storefrontApiRequests()).toEqual([]);
    expect(page.beacons).toEqual([]);
    expect(page.errors).toEqual([]);
  });

  test('on the order-confirmation page: the order id of the cart the checkout page reported, posted with it', async () => {
    checkoutState = { orderId: 250, gone: false };
    const page = await visit('/checkout/order-confirmation', jarWithClick(), { 'cartrelay:cart': CART });

    await expect.poll(() => page.beacons, { timeout: 20_000 }).toHaveLength(1);
    expect(page.beacons).toEqual([
      { url: `${appUrl}/collect/bigcommerce`, body: { store: STORE, clickId: CLICK, sharedId: 'partner-42', cartId: CART, orderId: 250 } },
    ]);
    expect(page.dom.window.sessionStorage.getItem('cartrelay:cart')).toBeNull();
  });

  test('on the order-confirmation page of a converted cart the checkout API no longer has: the order in the URL, through loadOrder', async () => {
    checkoutState = { orderId: null, gone: true };
    const page = await visit('/checkout/order-confirmation/251', jarWithClick(), { 'cartrelay:cart': CART });

    await expect.poll(() => page.beacons, { timeout: 20_000 }).toHaveLength(1);
    expect(page.beacons[0]?.body).toEqual({ store: STORE, clickId: CLICK, sharedId: 'partner-42', cartId: CART, orderId: 251 });
    expect(storefrontApiRequests().some((line) => line.startsWith('GET /api/storefront/orders/251'))).toBe(true);
  });
});

describe('what a shopper downloads', () => {
  const KB = 1024;

  test.each([
    ['landing', 3 * KB],
    ['checkout', 2 * KB],
    ['checkoutSdk', 200 * KB],
  ] as const)('the %s script, gzipped, is within %i bytes, and the manifest records its sizes', (name, budget) => {
    const script = manifest.scripts[name];
    const bytes = readBuilt(script.file);
    expect(bytes.length).toBe(script.sizes.raw);
    expect(gzipSync(bytes, { level: 9 }).length).toBe(script.sizes.gzip);
    expect(script.sizes.gzip).toBeLessThanOrEqual(budget);
    expect(script.sizes.brotli).toBeLessThanOrEqual(script.sizes.gzip);
  });
});

function readBuilt(file: string): Buffer {
  return readFileSync(new URL(`../storefront/dist/s/${file}`, import.meta.url));
}
