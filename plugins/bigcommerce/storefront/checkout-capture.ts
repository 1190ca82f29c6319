import { postBeacon } from './beacon.ts';
import type { CheckoutReader } from './checkout-reader.ts';
import { type Click, readClick } from './click-cookie.ts';
import { CART_ID } from './script-query.ts';
import type { CheckoutSettings } from './script-url.ts';

/** The cart id the checkout page reported, for the order-confirmation page of the same tab. */
export const CART_STORAGE_KEY = 'cartrelay:cart';
const ORDER_IN_PATH = /\/order-confirmation\/(\d+)/;

/**
 * The checkout script's work, for a shopper with a kept click (without one it loads nothing and posts
 * nothing):
 * - on the checkout page, the cart id through checkout-sdk (`loadCheckout()`), or the storefront cart
 *   API when the SDK fails; posts `{store, clickId, sharedId, cartId}` and remembers the cart id;
 * - on the order-confirmation page, the order id of the remembered cart (`loadCheckout(cartId)`, or
 *   `loadOrder` of the id in the URL when it is that cart's order); posts the beacon again with it.
 * Never rejects.
 */
export async function captureCheckout(win: Window, settings: CheckoutSettings, loadReader: () => Promise<CheckoutReader>): Promise<void> {
  try {
    const click = readClick(win.document);
    if (!click) return;
    if (settings.page === 'order_confirmation') await reportOrder(win, settings, click, loadReader);
    else await reportCart(win, settings, click, loadReader);
  } catch {
    // A storefront script stays silent: nothing it could do would help the shopper.
  }
}

async function reportCart(win: Window, settings: CheckoutSettings, click: Click, loadReader: () => Promise<CheckoutReader>): Promise<void> {
  let cartId: string | null = null;
  try {
    cartId = (await (await loadReader()).checkout()).cartId;
  } catch {
    // The SDK did not load or could not read the checkout: the cart API below.
  }
  if (!isCartId(cartId)) cartId = await cartFromStorefrontApi(win);
  if (!isCartId(cartId)) return;
  storage(win)?.setItem(CART_STORAGE_KEY, cartId);
  postBeacon(win, settings.collectUrl, { store: settings.store, clickId: click.clickId, sharedId: click.sharedId, cartId });
}

async function reportOrder(win: Window, settings: CheckoutSettings, click: Click, loadReader: () => Promise<CheckoutReader>): Promise<void> {
  const cartId = storage(win)?.getItem(CART_STORAGE_KEY) ?? null;
  if (!isCartId(cartId)) return;
  const reader = await loadReader();
  let orderId: number | null = null;
  try {
    orderId = (await reader.checkout(cartId)).orderId;
  } catch {
    // The converted cart may be gone: the order named in the URL, below.
  }
  const inPath = ORDER_IN_PATH.exec(win.location.pathname);
  if (!isOrderId(orderId) && inPath) {
    const order = await reader.order(Number(inPath[1]));
    // Only the order of the cart this tab reported: another order says nothing about this click.
    if (order.cartId === cartId) orderId = order.orderId;
  }
  if (!isOrderId(orderId)) return;
  storage(win)?.removeItem(CART_STORAGE_KEY);
  postBeacon(win, settings.collectUrl, { store: settings.store, clickId: click.clickId, sharedId: click.sharedId, cartId, orderId });
}

/** The storefront's current cart, through the Storefront Cart API on the store's own origin. */
async function cartFromStorefrontApi(win: Window): Promise<string | null> {
  try {
    const response = await win.fetch('/api/storefront/carts', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (!response.ok) return null;
    const carts: unknown = await response.json();
    const cart: unknown = Array.isArray(carts) ? carts[0] : null;
    const id: unknown = typeof cart === 'object' && cart !== null ? (cart as { id?: unknown }).id : null;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

const isCartId = (value: string | null): value is string => value !== null && CART_ID.test(value);
const isOrderId = (value: number | null): value is number => value !== null && Number.isSafeInteger(value) && value > 0;

/** sessionStorage, or null where the browser refuses it (storage blocked, some private modes). */
function storage(win: Window): Storage | null {
  try {
    return win.sessionStorage;
  } catch {
    return null;
  }
}
