import { describe, expect, it } from 'vitest';
import {
  CLICK_STORAGE_KEY,
  type ClickCaptureApi,
  type ConsentState,
  readPixelSettings,
  subscribeClickCapture,
} from '../extensions/cartrelay-pixel/src/capture.js';

const DAY = 24 * 60 * 60 * 1000;
const SHOP = 'cartrelay-demo.myshopify.com';
const COLLECT_URL = 'https://relay.cartrelay.example/collect/shopify';
const SETTINGS = { collectUrl: COLLECT_URL, clickIdParam: 'irclickid', referralWindowDays: '30' };
const ALLOWED: ConsentState = { marketingAllowed: true, saleOfDataAllowed: true };

/** A storefront as the strict sandbox shows it to the pixel: async localStorage, an event bus, a clock. */
function storefront(settings: Record<string, unknown> = SETTINGS, consent: ConsentState = ALLOWED) {
  const storage = new Map<string, string>();
  const subscribers = new Map<string, (event: unknown) => unknown>();
  const posts: Array<{ url: string; init: { method: string; headers: Record<string, string>; body: string; keepalive: boolean } }> = [];
  const errors: unknown[] = [];
  let clock = Date.parse('2026-03-02T09:15:00Z');
  let failStorage = false;
  let failFetch = false;

  const api: ClickCaptureApi = {
    settings,
    analytics: {
      subscribe(name, callback) {
        subscribers.set(name, callback as (event: unknown) => unknown);
        return () => true;
      },
    },
    browser: {
      localStorage: {
        getItem: async (key) => {
          if (failStorage) throw new Error('SecurityError: localStorage is not available');
          return storage.get(key) ?? null;
        },
        setItem: async (key, value) => {
          if (failStorage) throw new Error('SecurityError: localStorage is not available');
          storage.set(key, value);
        },
        removeItem: async (key) => {
          storage.delete(key);
        },
      },
    },
    init: { data: { shop: { myshopifyDomain: SHOP } }, customerPrivacy: consent },
    customerPrivacy: {
      subscribe(name, callback) {
        subscribers.set(name, callback as (event: unknown) => unknown);
        return () => true;
      },
    },
  };

  const handlers = subscribeClickCapture(api, {
    fetch: async (url, init) => {
      if (failFetch) throw new TypeError('Failed to fetch');
      posts.push({ url, init });
      return new Response(null, { status: 204 });
    },
    now: () => clock,
    onError: (error) => errors.push(error),
  });

  /** Publishes an event the way Shopify does, and waits for the pixel's handler to finish. */
  const publish = async (name: string, event: unknown) => {
    const subscriber = subscribers.get(name);
    if (!subscriber) throw new Error(`the pixel did not subscribe to ${name}`);
    await subscriber(event);
  };

  return {
    handlers,
    storage,
    posts,
    errors,
    subscribedTo: () => [...subscribers.keys()].sort(),
    later: (ms: number) => {
      clock += ms;
    },
    failStorage: () => {
      failStorage = true;
    },
    failFetch: () => {
      failFetch = true;
    },
    land: (href: string) => publish('page_viewed', pageViewed(href)),
    checkout: (checkout: { token: string | null; orderId: string | null }) => publish('checkout_completed', checkoutCompleted(checkout)),
    consentChanges: (customerPrivacy: ConsentState) =>
      publish('visitorConsentCollected', { customerPrivacy: { ...customerPrivacy, analyticsProcessingAllowed: true, preferencesProcessingAllowed: true } }),
  };
}

// Shaped like the documented standard events (web-pixels-api/standard-events), trimmed to plausible fields.
function pageViewed(href: string) {
  const url = new URL(href);
  return {
    id: 'sh-88153c5a-8F2D-4CCA-3231-EF5C032A4C3B',
    name: 'page_viewed',
    type: 'standard',
    clientId: 'xxx-xxx-xxx',
    seq: 1,
    timestamp: '2026-03-02T09:15:00.123Z',
    context: {
      document: {
        location: { href, host: url.host, hostname: url.hostname, pathname: url.pathname, search: url.search, protocol: url.protocol },
        referrer: 'https://partner-blog.example/',
        title: 'Demo Store',
      },
    },
    data: {},
  };
}

function checkoutCompleted({ token, orderId }: { token: string | null; orderId: string | null }) {
  return {
    id: 'sh-2a0f1e2b-2D4C-4B5E-8A1B-0C9D8E7F6A5B',
    name: 'checkout_completed',
    type: 'standard',
    clientId: 'xxx-xxx-xxx',
    seq: 9,
    timestamp: '2026-03-02T09:41:07.456Z',
    context: { document: { location: { href: `https://${SHOP}/checkouts/cn/${token}/thank-you` } } },
    data: {
      checkout: {
        token,
        currencyCode: 'USD',
        totalPrice: { amount: 59.0, currencyCode: 'USD' },
        order: orderId === null ? null : { id: orderId, customer: { id: '7390219829426', isFirstOrder: true } },
      },
    },
  };
}

const LANDING = 'https://demo-store.example/products/linen-shirt?irclickid=Wc-3U7RqexyNR8yTdmzl2TjXUkAUk9R8j0N2w00&sharedid=spring-newsletter&utm_source=impact';
const TOKEN = 'c1f3a8e94b2d4f7e9a0b6c5d4e3f2a1b';

describe('the CartRelay web pixel', () => {
  it('reports the landing page click id with the completed checkout', async () => {
    const shop = storefront();
    await shop.land(LANDING);
    await shop.land('https://demo-store.example/cart');
    await shop.checkout({ token: TOKEN, orderId: '5678901234' });

    expect(shop.posts).toHaveLength(1);
    const [post] = shop.posts;
    expect(post?.url).toBe(COLLECT_URL);
    expect(post?.init).toMatchObject({ method: 'POST', keepalive: true, headers: { 'Content-Type': 'text/plain' } });
    expect(JSON.parse(post?.init.body ?? '')).toEqual({
      shop: SHOP,
      clickId: 'Wc-3U7RqexyNR8yTdmzl2TjXUkAUk9R8j0N2w00',
      sharedId: 'spring-newsletter',
      checkoutToken: TOKEN,
      orderId: '5678901234',
    });
  });

  it('posts nothing when the visitor never arrived through a click', async () => {
    const shop = storefront();
    await shop.land('https://demo-store.example/');
    await shop.checkout({ token: TOKEN, orderId: '5678901234' });
    expect(shop.posts).toEqual([]);
  });

  it('posts nothing once the referral window has passed, and forgets the click', async () => {
    const shop = storefront();
    await shop.land(LANDING);
    shop.later(30 * DAY + 1);
    await shop.checkout({ token: TOKEN, orderId: '5678901234' });
    expect(shop.posts).toEqual([]);
    expect(shop.storage.has(CLICK_STORAGE_KEY)).toBe(false);
  });

  it('follows the configured referral window', async () => {
    const shop = storefront({ ...SETTINGS, referralWindowDays: '7' });
    await shop.land(LANDING);
    shop.later(6 * DAY);
    await shop.checkout({ token: TOKEN, orderId: '5678901234' });
    shop.later(2 * DAY);
    await shop.checkout({ token: 'second0checkout0token', orderId: '5678909999' });
    expect(shop.posts.map((post) => JSON.parse(post.init.body).orderId)).toEqual(['5678901234']);
  });

  it('lets a later click replace an earlier one (last click wins)', async () => {
    const shop = storefront();
    await shop.land(LANDING);
    shop.later(3 * DAY);
    await shop.land('https://demo-store.example/?irclickid=QzX0other-click.id_2');
    shop.later(28 * DAY); // past the first click's window, inside the second's
    await shop.checkout({ token: TOKEN, orderId: '5678901234' });
    expect(shop.posts).toHaveLength(1);
    expect(JSON.parse(shop.posts[0]?.init.body ?? '')).toMatchObject({ clickId: 'QzX0other-click.id_2', sharedId: null });
  });

  it('ignores other parameters and click ids outside the impact.com alphabet', async () => {
    const shop = storefront();
    await shop.land('https://demo-store.example/?clickid=abc&gclid=Cj0KCQ&utm_campaign=spring&IRCLICKID=upper');
    await shop.land('https://demo-store.example/?irclickid=%3Cscript%3E');
    await shop.land('https://demo-store.example/?irclickid=');
    await shop.checkout({ token: TOKEN, orderId: '5678901234' });
    expect(shop.storage.size).toBe(0);
    expect(shop.posts).toEqual([]);
  });

  it('reads the configured parameter instead of irclickid', async () => {
    const shop = storefront({ ...SETTINGS, clickIdParam: 'im_ref' });
    await shop.land('https://demo-store.example/?irclickid=not-this-one&im_ref=this-one');
    await shop.checkout({ token: TOKEN, orderId: 'gid://shopify/Order/5678901234' });
    expect(JSON.parse(shop.posts[0]?.init.body ?? '')).toMatchObject({ clickId: 'this-one', checkoutToken: TOKEN, orderId: 'gid://shopify/Order/5678901234' });
  });

  it('posts nothing for a checkout without a token, even with an order id: the server believes nothing else', async () => {
    const shop = storefront();
    await shop.land(LANDING);
    await shop.checkout({ token: null, orderId: 'gid://shopify/Order/5678901234' });
    expect(shop.posts).toEqual([]);
  });

  it('keeps nothing without marketing consent, and forgets the click when consent is withdrawn', async () => {
    const refused = storefront(SETTINGS, { marketingAllowed: false, saleOfDataAllowed: true });
    await refused.land(LANDING);
    expect(refused.storage.size).toBe(0);

    const shop = storefront();
    await shop.land(LANDING);
    await shop.consentChanges({ marketingAllowed: true, saleOfDataAllowed: false });
    expect(shop.storage.size).toBe(0);
    await shop.checkout({ token: TOKEN, orderId: '5678901234' });
    expect(shop.posts).toEqual([]);
  });

  it('never throws out of a handler', async () => {
    const broken = storefront();
    broken.failStorage();
    await expect(broken.land(LANDING)).resolves.toBeUndefined();
    await expect(broken.checkout({ token: TOKEN, orderId: '5678901234' })).resolves.toBeUndefined();

    const offline = storefront();
    await offline.land(LANDING);
    offline.failFetch();
    await expect(offline.checkout({ token: TOKEN, orderId: '5678901234' })).resolves.toBeUndefined();
    expect([...broken.errors, ...offline.errors]).toHaveLength(3);
  });

  it('stays idle without a usable collect URL', () => {
    for (const collectUrl of [undefined, '', 'not a url', 'http://relay.cartrelay.example/collect/shopify', 'javascript:alert(1)']) {
      const shop = storefront({ ...SETTINGS, collectUrl });
      expect(shop.handlers).toBeNull();
      expect(shop.subscribedTo()).toEqual([]);
    }
    expect(storefront().subscribedTo()).toEqual(['checkout_completed', 'page_viewed', 'visitorConsentCollected']);
  });

  it('falls back to the defaults for empty or unusable settings', () => {
    expect(readPixelSettings({ collectUrl: COLLECT_URL, clickIdParam: '', referralWindowDays: '' })).toEqual({
      collectUrl: COLLECT_URL,
      clickIdParam: 'irclickid',
      referralWindowMs: 30 * DAY,
    });
    expect(readPixelSettings({ collectUrl: COLLECT_URL, clickIdParam: 'a b', referralWindowDays: '1.5' })?.referralWindowMs).toBe(30 * DAY);
    expect(readPixelSettings({ collectUrl: 'http://localhost:8080/collect/shopify', referralWindowDays: ' 90 ' })?.referralWindowMs).toBe(90 * DAY);
  });
});
