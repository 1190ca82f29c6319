// @vitest-environment jsdom
// The checkout script's logic, in jsdom's window, with checkout-sdk stubbed behind its CheckoutReader:
// which beacons a shopper's checkout and order-confirmation pages post, and when none.
import type { JSDOM } from 'jsdom';
import { afterEach, beforeEach, describe, expect, type Mock, test, vi } from 'vitest';
import { postBeacon } from '../storefront/beacon.ts';
import { CART_STORAGE_KEY, captureCheckout } from '../storefront/checkout-capture.ts';
import { type CheckoutReader, type CheckoutServiceLike, checkoutReader, READER_GLOBAL } from '../storefront/checkout-reader.ts';
import { keepClick } from '../storefront/click-cookie.ts';
import { loadCheckoutReader } from '../storefront/load-checkout-reader.ts';
import { type CheckoutSettings, checkoutSettings } from '../storefront/script-url.ts';

declare const jsdom: JSDOM;

const STORE = 'g5cd38';
const CART = 'd30016e2-81c1-4c4a-9c51-7a7e2a1e5f3b';
const OTHER_CART = '0cfd6c06-57c3-4e29-8d7a-de55cc8a9052';
const COLLECT = 'https://relay.example/collect/bigcommerce';
const ON_CHECKOUT: CheckoutSettings = { store: STORE, page: 'checkout', collectUrl: COLLECT };
const ON_CONFIRMATION: CheckoutSettings = { store: STORE, page: 'order_confirmation', collectUrl: COLLECT };

let sendBeacon: Mock<(url: string, body: string) => boolean>;
let fetchMock: Mock<typeof fetch>;

/** The beacons the page sent, parsed, wherever they went. */
function beacons(): { url: string; body: unknown }[] {
  return sendBeacon.mock.calls.map(([url, body]) => ({ url, body: JSON.parse(body) }));
}

/** A shopper who came through a partner link on `https://shop.example`, now on `path`. */
function shopperWithClick(path: string) {
  jsdom.reconfigure({ url: `https://shop.example${path}` });
  keepClick(document, { clickId: 'Sa3Ro1WvsxyNUNU2BdWqJ3NbUkGw4CXoJS0G3Q0', sharedId: 'partner-42' }, 30, true);
}

/** checkout-sdk behind the reader: what its checkout and order answer. */
function stubReader(answers: Partial<CheckoutReader> = {}) {
  const reader = {
    checkout: vi.fn<CheckoutReader['checkout']>(answers.checkout ?? (async () => ({ cartId: CART, orderId: null }))),
    order: vi.fn<CheckoutReader['order']>(answers.order ?? (async () => ({ cartId: CART, orderId: 250 }))),
  };
  return { reader, load: vi.fn(async () => reader) };
}

function cartApiAnswers(status: number, body: unknown) {
  fetchMock.mockImplementation(async () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
}

beforeEach(() => {
  jsdom.cookieJar.removeAllCookiesSync();
  sessionStorage.clear();
  sendBeacon = vi.fn(() => true);
  Object.defineProperty(navigator, 'sendBeacon', { value: sendBeacon, configurable: true, writable: true });
  fetchMock = vi.fn<typeof fetch>(async () => new Response(null, { status: 404 }));
  vi.stubGlobal('fetch', fetchMock);
});
afterEach(() => {
  vi.unstubAllGlobals();
  Reflect.deleteProperty(navigator, 'sendBeacon');
  Reflect.deleteProperty(window, READER_GLOBAL);
  document.head.replaceChildren();
  vi.useRealTimers();
});

describe('on the checkout page', () => {
  test('with a kept click: exactly one beacon, {store, clickId, sharedId, cartId}, to /collect/bigcommerce; the cart id kept for the confirmation page', async () => {
    shopperWithClick('/checkout');
    const sdk = stubReader();

    await captureCheckout(window, ON_CHECKOUT, sdk.load);

    expect(sdk.reader.checkout).toHaveBeenCalledExactlyOnceWith();
    expect(beacons()).toEqual([
      { url: COLLECT, body: { store: STORE, clickId: 'Sa3Ro1WvsxyNUNU2BdWqJ3NbUkGw4CXoJS0G3Q0', sharedId: 'partner-42', cartId: CART } },
    ]);
    expect(sessionStorage.getItem(CART_STORAGE_KEY)).toBe(CART);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  test('a click without a shared id posts sharedId null', async () => {
    jsdom.reconfigure({ url: 'https://shop.example/checkout' });
    keepClick(document, { clickId: 'abc123', sharedId: null }, 30, true);

    await captureCheckout(window, ON_CHECKOUT, stubReader().load);

    expect(beacons().map((beacon) => beacon.body)).toEqual([{ store: STORE, clickId: 'abc123', sharedId: null, cartId: CART }]);
  });

  test('without a kept click: the SDK is not loaded, the cart API not asked, and nothing is posted', async () => {
    jsdom.reconfigure({ url: 'https://shop.example/checkout' });
    const sdk = stubReader();

    await captureCheckout(window, ON_CHECKOUT, sdk.load);

    expect(sdk.load).not.toHaveBeenCalled();
    expect(fetchMock).not.toHaveBeenCalled();
    expect(sendBeacon).not.toHaveBeenCalled();
    expect(sessionStorage.getItem(CART_STORAGE_KEY)).toBeNull();
  });

  test.each([
    ['the SDK chunk fails to load', { load: async () => Promise.reject(new Error('blocked')) }],
    ['the SDK cannot read the checkout', { checkout: async () => Promise.reject(new Error('Unable to load checkout')) }],
    ['the SDK finds no checkout', { checkout: async () => ({ cartId: null, orderId: null }) }],
  ])('when %s: the cart id from the storefront cart API, same-origin, and the beacon with it', async (_label, failure) => {
    shopperWithClick('/checkout');
    const sdk = stubReader('checkout' in failure ? { checkout: failure.checkout } : {});
    cartApiAnswers(200, [{ id: CART, customerId: 0, lineItems: { physicalItems: [] } }]);

    await captureCheckout(window, ON_CHECKOUT, 'load' in failure ? failure.load : sdk.load);

    expect(fetchMock).toHaveBeenCalledExactlyOnceWith('/api/storefront/carts', expect.objectContaining({ credentials: 'same-origin' }));
    expect(beacons()).toEqual([{ url: COLLECT, body: { store: STORE, clickId: 'Sa3Ro1WvsxyNUNU2BdWqJ3NbUkGw4CXoJS0G3Q0', sharedId: 'partner-42', cartId: CART } }]);
    expect(sessionStorage.getItem(CART_STORAGE_KEY)).toBe(CART);
  });

  test.each([
    ['no cart', 200, []],
    ['an error', 500, { title: 'Internal Server Error' }],
    ['a cart id that is no cart id', 200, [{ id: '../../admin' }]],
  ])('when the SDK fails and the cart API answers %s: nothing is posted', async (_label, status, body) => {
    shopperWithClick('/checkout');
    cartApiAnswers(status, body);

    await captureCheckout(window, ON_CHECKOUT, async () => Promise.reject(new Error('blocked')));

    expect(sendBeacon).not.toHaveBeenCalled();
    expect(sessionStorage.getItem(CART_STORAGE_KEY)).toBeNull();
  });

  test('a malformed id from the SDK is not posted: the cart API is asked instead', async () => {
    shopperWithClick('/checkout');
    cartApiAnswers(200, [{ id: OTHER_CART }]);

    await captureCheckout(window, ON_CHECKOUT, stubReader({ checkout: async () => ({ cartId: 'not-a-cart', orderId: null }) }).load);

    expect(beacons().map((beacon) => (beacon.body as { cartId: string }).cartId)).toEqual([OTHER_CART]);
  });
});

describe('on the order-confirmation page', () => {
  test("the order id of the cart the checkout page reported (loadCheckout(cartId)), posted with it; the kept cart id is then forgotten", async () => {
    shopperWithClick('/checkout/order-confirmation');
    sessionStorage.setItem(CART_STORAGE_KEY, CART);
    const sdk = stubReader({ checkout: async () => ({ cartId: CART, orderId: 250 }) });

    await captureCheckout(window, ON_CONFIRMATION, sdk.load);

    expect(sdk.reader.checkout).toHaveBeenCalledExactlyOnceWith(CART);
    expect(beacons()).toEqual([
      { url: COLLECT, body: { store: STORE, clickId: 'Sa3Ro1WvsxyNUNU2BdWqJ3NbUkGw4CXoJS0G3Q0', sharedId: 'partner-42', cartId: CART, orderId: 250 } },
    ]);
    expect(sessionStorage.getItem(CART_STORAGE_KEY)).toBeNull();
  });

  test('when the converted checkout no longer answers: the order in the URL (loadOrder), when it is that cart’s order', async () => {
    shopperWithClick('/checkout/order-confirmation/251');
    sessionStorage.setItem(CART_STORAGE_KEY, CART);
    const sdk = stubReader({ checkout: async () => Promise.reject(new Error('Not found')), order: async () => ({ cartId: CART, orderId: 251 }) });

    await captureCheckout(window, ON_CONFIRMATION, sdk.load);

    expect(sdk.reader.order).toHaveBeenCalledExactlyOnceWith(251);
    expect(beacons().map((beacon) => beacon.body)).toEqual([
      { store: STORE, clickId: 'Sa3Ro1WvsxyNUNU2BdWqJ3NbUkGw4CXoJS0G3Q0', sharedId: 'partner-42', cartId: CART, orderId: 251 },
    ]);
  });

  test("an order of another cart says nothing about this click: nothing is posted", async () => {
    shopperWithClick('/checkout/order-confirmation/251');
    sessionStorage.setItem(CART_STORAGE_KEY, CART);
    const sdk = stubReader({ checkout: async () => ({ cartId: CART, orderId: null }), order: async () => ({ cartId: OTHER_CART, orderId: 251 }) });

    await captureCheckout(window, ON_CONFIRMATION, sdk.load);

    expect(sendBeacon).not.toHaveBeenCalled();
    expect(sessionStorage.getItem(CART_STORAGE_KEY)).toBe(CART);
  });

  test('without a cart id from the checkout page, or without a kept click, or when the SDK fails: nothing is loaded or posted', async () => {
    shopperWithClick('/checkout/order-confirmation/251');
    const noCart = stubReader();
    await captureCheckout(window, ON_CONFIRMATION, noCart.load);
    expect(noCart.load).not.toHaveBeenCalled();

    jsdom.cookieJar.removeAllCookiesSync();
    sessionStorage.setItem(CART_STORAGE_KEY, CART);
    const noClick = stubReader();
    await captureCheckout(window, ON_CONFIRMATION, noClick.load);
    expect(noClick.load).not.toHaveBeenCalled();

    shopperWithClick('/checkout/order-confirmation/251');
    await captureCheckout(window, ON_CONFIRMATION, async () => Promise.reject(new Error('blocked')));

    expect(sendBeacon).not.toHaveBeenCalled();
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe('the beacon', () => {
  const beacon = { store: STORE, clickId: 'abc123', sharedId: null, cartId: CART };

  test('navigator.sendBeacon with the JSON as a string: text/plain, a CORS-simple request', () => {
    postBeacon(window, COLLECT, beacon);
    expect(sendBeacon).toHaveBeenCalledExactlyOnceWith(COLLECT, JSON.stringify(beacon));
    expect(fetchMock).not.toHaveBeenCalled();
  });

  test.each([
    ['has no sendBeacon', () => Reflect.deleteProperty(navigator, 'sendBeacon')],
    ['refuses the beacon (its queue is full)', () => sendBeacon.mockReturnValue(false)],
    ['throws', () => sendBeacon.mockImplementation(() => { throw new TypeError('Illegal invocation') })],
  ])('when the browser %s: fetch with keepalive, text/plain, no credentials', (_label, arrange) => {
    arrange();
    postBeacon(window, COLLECT, beacon);
    expect(fetchMock).toHaveBeenCalledExactlyOnceWith(COLLECT, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify(beacon),
      keepalive: true,
      credentials: 'omit',
    });
  });
});

describe('loading the SDK chunk', () => {
  const SRC = 'https://relay.example/bigcommerce/s/checkout-sdk.0123456789ab.js';
  const INTEGRITY = 'sha384-nGZS3XqiqzFJfIclXzuWAmopkSnuEIRajDdlne+zode1b7Lr5oWJhgUBsxHteUwk';
  const injected = () => document.head.querySelector('script')!;

  test('one script with its integrity pinned and crossorigin=anonymous; resolves to the reader the chunk leaves', async () => {
    const reader = stubReader().reader;
    const loading = loadCheckoutReader(window, SRC, INTEGRITY);

    expect(document.head.querySelectorAll('script')).toHaveLength(1);
    expect(injected().src).toBe(SRC);
    expect(injected().getAttribute('integrity')).toBe(INTEGRITY);
    expect(injected().getAttribute('crossorigin')).toBe('anonymous');
    window[READER_GLOBAL] = reader;
    injected().dispatchEvent(new Event('load'));
    await expect(loading).resolves.toBe(reader);
  });

  test('rejects when the chunk fails to load or fails its integrity check (both are an error event)', async () => {
    const loading = loadCheckoutReader(window, SRC, INTEGRITY);
    injected().dispatchEvent(new Event('error'));
    await expect(loading).rejects.toThrow(/failed to load/);
  });

  test('rejects when the chunk ran but left no reader', async () => {
    const loading = loadCheckoutReader(window, SRC, INTEGRITY);
    injected().dispatchEvent(new Event('load'));
    await expect(loading).rejects.toThrow(/no checkout reader/);
  });

  test('rejects when the chunk never arrives, so that the cart API fallback still runs', async () => {
    vi.useFakeTimers();
    const loading = loadCheckoutReader(window, SRC, INTEGRITY);
    const settled = expect(loading).rejects.toThrow(/did not load in time/);
    await vi.runAllTimersAsync();
    await settled;
  });
});

describe('the reader over checkout-sdk', () => {
  function fakeService(checkout: unknown, order: unknown) {
    const service = {
      loadCheckout: vi.fn(async (_id?: string) => ({ data: { getCheckout: () => checkout } })),
      loadOrder: vi.fn(async (_orderId: number) => ({ data: { getOrder: () => order } })),
    };
    return { service, create: vi.fn(() => service as CheckoutServiceLike) };
  }

  test("the checkout's cart id and order id; the order's cart id; one service, made at the first call", async () => {
    const { service, create } = fakeService({ id: CART, cart: { id: CART }, orderId: 250 }, { orderId: 250, cartId: CART });
    const reader = checkoutReader(create);
    expect(create).not.toHaveBeenCalled();

    await expect(reader.checkout()).resolves.toEqual({ cartId: CART, orderId: 250 });
    await expect(reader.order(250)).resolves.toEqual({ cartId: CART, orderId: 250 });
    expect(service.loadCheckout).toHaveBeenCalledWith(undefined);
    expect(service.loadOrder).toHaveBeenCalledWith(250);
    expect(create).toHaveBeenCalledTimes(1);
  });

  test('before the order: no order id; no checkout at all: nothing', async () => {
    await expect(checkoutReader(fakeService({ id: CART, cart: { id: CART } }, undefined).create).checkout(CART)).resolves.toEqual({ cartId: CART, orderId: null });
    const empty = checkoutReader(fakeService(undefined, undefined).create);
    await expect(empty.checkout()).resolves.toEqual({ cartId: null, orderId: null });
    await expect(empty.order(1)).resolves.toEqual({ cartId: null, orderId: null });
  });
});

describe("the checkout script's settings come from its own src", () => {
  test('store, page, and the app’s /collect/bigcommerce beside the scripts folder, under any path prefix', () => {
    expect(checkoutSettings(new URL('https://relay.example/bigcommerce/s/checkout.0123456789ab.js?store=g5cd38&page=checkout'))).toEqual(ON_CHECKOUT);
    expect(checkoutSettings(new URL('https://relay.example/bigcommerce/s/checkout.0123456789ab.js?store=g5cd38&page=order_confirmation'))).toEqual(ON_CONFIRMATION);
    expect(checkoutSettings(new URL('https://apps.example/cartrelay/bigcommerce/s/checkout.0123456789ab.js?store=g5cd38'))).toEqual({
      store: STORE,
      page: 'checkout',
      collectUrl: 'https://apps.example/cartrelay/collect/bigcommerce',
    });
  });

  test.each(['', 'store=', 'store=G5CD38', 'store=g5cd38%2F..', `store=${'a'.repeat(65)}`])('no settings without a valid store hash (%s): the script does nothing', (query) => {
    expect(checkoutSettings(new URL(`https://relay.example/bigcommerce/s/checkout.0123456789ab.js?${query}`))).toBeNull();
  });
});
