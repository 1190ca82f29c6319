// @ts-check
// The pixel's logic, free of the sandbox: it keeps the impact.com click id of the page a visitor lands
// on, and reports it to CartRelay once the checkout completes. index.js only hands it Shopify's API.
// Types: capture.d.ts.

export const CLICK_STORAGE_KEY = 'cartrelay:click';
export const DEFAULT_CLICK_ID_PARAM = 'irclickid';
export const DEFAULT_REFERRAL_WINDOW_DAYS = 30;

const SHARED_ID_PARAM = 'sharedid';
const DAY_MS = 24 * 60 * 60 * 1000;
// The server accepts exactly this (impact.com click ids); keeping anything else would only earn a 400.
const CLICK_ID = /^[A-Za-z0-9_.~-]{1,255}$/;
const PARAM_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** @type {typeof import('./capture.js').readPixelSettings} */
export const readPixelSettings = (settings) => {
  const collectUrl = endpoint(settings.collectUrl);
  if (!collectUrl) return null;
  const param = typeof settings.clickIdParam === 'string' ? settings.clickIdParam.trim() : '';
  const days = Number(typeof settings.referralWindowDays === 'string' ? settings.referralWindowDays.trim() : settings.referralWindowDays);
  return {
    collectUrl,
    clickIdParam: PARAM_NAME.test(param) ? param : DEFAULT_CLICK_ID_PARAM,
    referralWindowMs: (Number.isInteger(days) && days >= 1 && days <= 365 ? days : DEFAULT_REFERRAL_WINDOW_DAYS) * DAY_MS,
  };
};

/** @type {typeof import('./capture.js').clickFromUrl} */
export const clickFromUrl = (href, clickIdParam, now) => {
  let query;
  try {
    query = new URL(href).searchParams;
  } catch {
    return null;
  }
  const clickId = query.get(clickIdParam);
  if (clickId === null || !CLICK_ID.test(clickId)) return null;
  const sharedId = query.get(SHARED_ID_PARAM);
  return { clickId, sharedId: sharedId !== null && CLICK_ID.test(sharedId) ? sharedId : null, capturedAt: now };
};

/** @type {typeof import('./capture.js').subscribeClickCapture} */
export const subscribeClickCapture = (api, deps) => {
  const settings = readPixelSettings(api.settings);
  if (!settings) return null;
  const storage = api.browser.localStorage;
  const shop = api.init.data.shop.myshopifyDomain;
  const report = deps.onError ?? (() => {});
  let consent = api.init.customerPrivacy;
  const allowed = () => consent.marketingAllowed && consent.saleOfDataAllowed;

  /** @type {(work: () => Promise<void>) => Promise<void>} */
  const guarded = async (work) => {
    try {
      await work();
    } catch (error) {
      report(error);
    }
  };

  const readStoredClick = async () => {
    const stored = parseStoredClick(await storage.getItem(CLICK_STORAGE_KEY));
    if (stored && deps.now() - stored.capturedAt <= settings.referralWindowMs) return stored;
    if (stored) await storage.removeItem(CLICK_STORAGE_KEY);
    return null;
  };

  /** @type {import('./capture.js').ClickCaptureHandlers} */
  const handlers = {
    // Last click wins, as impact.com attributes: a newer click id replaces the kept one.
    pageViewed: (event) =>
      guarded(async () => {
        if (!allowed()) return;
        const click = clickFromUrl(event.context.document.location.href, settings.clickIdParam, deps.now());
        if (click) await storage.setItem(CLICK_STORAGE_KEY, JSON.stringify(click));
      }),
    checkoutCompleted: (event) =>
      guarded(async () => {
        if (!allowed()) return;
        const click = await readStoredClick();
        if (!click) return;
        const { checkout } = event.data;
        const checkoutToken = checkout.token ?? null;
        const orderId = checkout.order?.id ?? null;
        // The checkout's token is what ties the beacon to its order on the server: without it, nothing to send.
        if (checkoutToken === null) return;
        /** @type {import('./capture.js').ClickBeacon} */
        const beacon = { shop, clickId: click.clickId, sharedId: click.sharedId, checkoutToken, orderId };
        // text/plain keeps it a CORS-simple request: no preflight from the sandbox's worker.
        await deps.fetch(settings.collectUrl, {
          method: 'POST',
          headers: { 'Content-Type': 'text/plain' },
          body: JSON.stringify(beacon),
          keepalive: true,
        });
      }),
  };

  api.analytics.subscribe('page_viewed', handlers.pageViewed);
  api.analytics.subscribe('checkout_completed', handlers.checkoutCompleted);
  // Consent can change without a reload; a withdrawn one also forgets the kept click.
  api.customerPrivacy.subscribe('visitorConsentCollected', (event) =>
    guarded(async () => {
      consent = event.customerPrivacy;
      if (!allowed()) await storage.removeItem(CLICK_STORAGE_KEY);
    }),
  );
  return handlers;
};

/** @param {unknown} value @returns {string | null} */
function endpoint(value) {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value.trim());
    const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
    return url.protocol === 'https:' || (local && url.protocol === 'http:') ? url.href : null;
  } catch {
    return null;
  }
}

/** @param {string | null} text @returns {import('./capture.js').StoredClick | null} */
function parseStoredClick(text) {
  if (!text) return null;
  try {
    const value = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return null;
    const { clickId, sharedId, capturedAt } = value;
    if (typeof clickId !== 'string' || !CLICK_ID.test(clickId) || typeof capturedAt !== 'number' || !Number.isFinite(capturedAt)) return null;
    return { clickId, sharedId: typeof sharedId === 'string' && CLICK_ID.test(sharedId) ? sharedId : null, capturedAt };
  } catch {
    return null;
  }
}
