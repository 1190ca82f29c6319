/**
 * What the checkout script posts to the app's `/collect/bigcommerce`: the store, the kept click, and the
 * cart (= checkout) id that ties it to the order; the order id too once the order is placed.
 */
export interface CartBeacon {
  readonly store: string;
  readonly clickId: string;
  readonly sharedId: string | null;
  readonly cartId: string;
  readonly orderId?: number;
}

/**
 * Posts the beacon as text/plain, a CORS-simple request (no preflight), as Shopify's pixel does:
 * `navigator.sendBeacon` survives the page being left; where it is missing or refuses (its queue is
 * full), `fetch` with `keepalive`. Nobody reads the answer, and a failure is not the shopper's problem.
 */
export function postBeacon(win: Window, url: string, beacon: CartBeacon): void {
  const body = JSON.stringify(beacon);
  try {
    if (typeof win.navigator.sendBeacon === 'function' && win.navigator.sendBeacon(url, body)) return;
  } catch {
    // A browser that throws on a cross-origin beacon: fetch below.
  }
  win
    .fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body, keepalive: true, credentials: 'omit' })
    .catch(() => {});
}
