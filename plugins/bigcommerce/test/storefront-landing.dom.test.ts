// @vitest-environment jsdom
// The landing script's logic, in jsdom's window: what a shopper's first page keeps in the click cookie.
import type { JSDOM } from 'jsdom';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { CLICK_COOKIE, readClick } from '../storefront/click-cookie.ts';
import { captureLandingClick } from '../storefront/landing-click.ts';
import { type LandingSettings, landingSettings, ownScriptUrl } from '../storefront/script-url.ts';

declare const jsdom: JSDOM;

const DAY_MS = 86_400_000;
const LANDED_AT = new Date('2026-11-02T10:00:00Z');
const DEFAULTS: LandingSettings = { clickIdParam: 'irclickid', referralDays: 30 };

/** The shopper opens `url` and the landing script runs on it. */
function land(url: string, settings: LandingSettings = DEFAULTS): boolean {
  jsdom.reconfigure({ url });
  return captureLandingClick(window, settings);
}

/** The click cookie as the browser holds it, attributes included. */
function storedCookie(url = location.href) {
  return jsdom.cookieJar.getCookiesSync(url).find((cookie) => cookie.key === CLICK_COOKIE);
}

beforeEach(() => {
  jsdom.cookieJar.removeAllCookiesSync();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(LANDED_AT);
});
afterEach(() => {
  vi.useRealTimers();
  document.head.replaceChildren();
});

describe('the landing script keeps the click of the landing URL', () => {
  test('the click id and shared id, in a first-party cookie for the referral window: Secure on https, SameSite=Lax, the whole site', () => {
    expect(land('https://shop.example/products/sunglasses?irclickid=Sa3Ro1Wv-x_y.z~0&sharedid=partner-42&utm_source=impact')).toBe(true);

    expect(readClick(document)).toEqual({ clickId: 'Sa3Ro1Wv-x_y.z~0', sharedId: 'partner-42' });
    const cookie = storedCookie();
    expect(cookie).toMatchObject({ maxAge: 30 * 86_400, secure: true, sameSite: 'lax', path: '/', hostOnly: true, domain: 'shop.example' });
    // Every page of the store reads it: the checkout is elsewhere on the same host.
    jsdom.reconfigure({ url: 'https://shop.example/checkout' });
    expect(readClick(document)?.clickId).toBe('Sa3Ro1Wv-x_y.z~0');
  });

  test('the cookie is there until the window ends, and gone after it', () => {
    land('https://shop.example/?irclickid=abc123', { clickIdParam: 'irclickid', referralDays: 7 });
    vi.setSystemTime(LANDED_AT.getTime() + 7 * DAY_MS - 60_000);
    expect(readClick(document)).toEqual({ clickId: 'abc123', sharedId: null });

    jsdom.cookieJar.removeAllCookiesSync();
    vi.setSystemTime(LANDED_AT);
    land('https://shop.example/?irclickid=abc123', { clickIdParam: 'irclickid', referralDays: 7 });
    vi.setSystemTime(LANDED_AT.getTime() + 7 * DAY_MS + 60_000);
    expect(readClick(document)).toBeNull();
  });

  test('on an http storefront the cookie is not Secure, or the browser would drop it', () => {
    land('http://shop.example/?irclickid=abc123');
    expect(storedCookie()).toMatchObject({ secure: false, sameSite: 'lax' });
    expect(readClick(document)?.clickId).toBe('abc123');
  });

  test("the store's own clickIdParam, and irclickid is then nobody's click", () => {
    const settings = { clickIdParam: 'clid', referralDays: 30 };
    expect(land('https://shop.example/?irclickid=not-this-one', settings)).toBe(false);
    expect(readClick(document)).toBeNull();
    expect(land('https://shop.example/?clid=this-one&sharedid=s1', settings)).toBe(true);
    expect(readClick(document)).toEqual({ clickId: 'this-one', sharedId: 's1' });
  });

  test.each([
    ['empty', ''],
    ['a space', 'abc def'],
    ['markup', '<script>alert(1)</script>'],
    ['the cookie separator', 'abc|def'],
    ['a cookie delimiter', 'abc;evil=1'],
    ['256 characters', 'a'.repeat(256)],
  ])('an invalid click id (%s) is ignored, and leaves the kept click as it was', (_label, clickId) => {
    expect(land(`https://shop.example/?irclickid=${encodeURIComponent(clickId)}`)).toBe(false);
    expect(storedCookie()).toBeUndefined();

    land('https://shop.example/?irclickid=kept-click');
    expect(land(`https://shop.example/?irclickid=${encodeURIComponent(clickId)}`)).toBe(false);
    expect(readClick(document)).toEqual({ clickId: 'kept-click', sharedId: null });
  });

  test('255 characters is still a click id; an invalid shared id is dropped, the click id kept', () => {
    const longest = 'a'.repeat(255);
    land(`https://shop.example/?irclickid=${longest}&sharedid=${encodeURIComponent('no spaces')}`);
    expect(readClick(document)).toEqual({ clickId: longest, sharedId: null });
  });

  test('the last click wins: a new click replaces the kept one whole, and its window starts again', () => {
    land('https://shop.example/?irclickid=first-click&sharedid=first-partner');
    vi.setSystemTime(LANDED_AT.getTime() + 20 * DAY_MS);
    land('https://shop.example/landing?irclickid=second-click');

    // Past the first click's window, inside the second's.
    vi.setSystemTime(LANDED_AT.getTime() + 45 * DAY_MS);
    expect(readClick(document)).toEqual({ clickId: 'second-click', sharedId: null });
  });

  test('no cookie without a click, and a later page without one keeps the click', () => {
    expect(land('https://shop.example/products/sunglasses?utm_source=newsletter')).toBe(false);
    expect(document.cookie).toBe('');
    expect(jsdom.cookieJar.getCookiesSync('https://shop.example/')).toEqual([]);

    land('https://shop.example/?irclickid=abc123');
    expect(land('https://shop.example/cart.php')).toBe(false);
    expect(readClick(document)?.clickId).toBe('abc123');
  });

  test('a cookie of another name, or a malformed one of ours, is no click', () => {
    jsdom.reconfigure({ url: 'https://shop.example/' });
    jsdom.cookieJar.setCookieSync('SHOP_SESSION_TOKEN=xyz; Path=/', location.href);
    expect(readClick(document)).toBeNull();
    jsdom.cookieJar.setCookieSync(`${CLICK_COOKIE}=${encodeURIComponent('a b')}; Path=/`, location.href);
    expect(readClick(document)).toBeNull();
    jsdom.cookieJar.setCookieSync(`${CLICK_COOKIE}=; Path=/`, location.href);
    expect(readClick(document)).toBeNull();
  });
});

describe("the landing script's settings come from its own src", () => {
  const scriptUrl = (query: string) => new URL(`https://relay.example/bigcommerce/s/landing.0123456789ab.js?${query}`);

  test('clickIdParam and referralDays from the query', () => {
    expect(landingSettings(scriptUrl('store=abc123&clickIdParam=clid&referralDays=7'))).toEqual({ clickIdParam: 'clid', referralDays: 7 });
  });

  test.each([
    ['nothing', ''],
    ['a parameter name with a space', 'clickIdParam=a%20b&referralDays=30'],
    ['0 days', 'referralDays=0'],
    ['366 days', 'referralDays=366'],
    ['half a day', 'referralDays=1.5'],
    ['words', 'referralDays=thirty'],
  ])('the defaults for %s', (_label, query) => {
    expect(landingSettings(scriptUrl(query))).toEqual(DEFAULTS);
  });

  test('the defaults when the script cannot find its own URL', () => {
    expect(landingSettings(null)).toEqual(DEFAULTS);
  });

  test('without document.currentScript (a storefront that inserts scripts its own way), the last script of that name on the page', () => {
    for (const src of [
      'https://cdn.example/other.js',
      'https://relay.example/bigcommerce/s/landing.0123456789ab.js?clickIdParam=first',
      'https://relay.example/bigcommerce/s/checkout.0123456789ab.js?store=abc123',
      'https://relay.example/bigcommerce/s/landing.0123456789ab.js?clickIdParam=last',
    ]) {
      const script = document.createElement('script');
      script.src = src;
      document.head.append(script);
    }
    expect(document.currentScript).toBeNull();
    expect(ownScriptUrl(document, 'landing')?.searchParams.get('clickIdParam')).toBe('last');
    expect(ownScriptUrl(document, 'checkout')?.searchParams.get('store')).toBe('abc123');
    expect(ownScriptUrl(document, 'checkout-sdk')).toBeNull();
  });
});
