/**
 * The contract between the app and its storefront scripts: one hashed file serves every store (SRI
 * covers a script's bytes, not its URL), so each store's settings ride in the query string of the
 * `src` that the app registers through the Scripts API. The app writes these parameters
 * (src/app/storefront-scripts.ts) and the scripts read them (script-url.ts); both import them from here.
 */

/** Where the app serves the built scripts: `<app URL>/bigcommerce/s/<name>.<content hash>.js`. */
export const SCRIPTS_PATH = '/bigcommerce/s';
/** Where the checkout script posts its beacons, beside the scripts' folder on the app's origin. */
export const COLLECT_PATH = '/collect/bigcommerce';

/** The query parameters of a script's `src`. */
export const QUERY = {
  /** The store hash (`stores/{hash}`): which store a beacon speaks for. */
  store: 'store',
  /** The landing-URL parameter holding the click id (the store's `clickIdParam`). */
  clickIdParam: 'clickIdParam',
  /** How many days a click is kept (the referral window). */
  referralDays: 'referralDays',
  /** Which page the checkout script was registered for: `checkout` or `order_confirmation`. */
  page: 'page',
} as const;

export const DEFAULT_CLICK_ID_PARAM = 'irclickid';
export const DEFAULT_REFERRAL_DAYS = 30;
export const MAX_REFERRAL_DAYS = 365;
/** impact.com's partner-level id, kept beside the click id when the landing URL has it. */
export const SHARED_ID_PARAM = 'sharedid';

export type CheckoutPage = 'checkout' | 'order_confirmation';

/** A BigCommerce store hash, as in `stores/{hash}`. */
export const STORE_HASH = /^[a-z0-9]{1,64}$/;
/** A query parameter name, as core's tracking config accepts for `clickIdParam`. */
export const PARAM_NAME = /^[A-Za-z0-9_.~-]{1,64}$/;
/** An impact.com click id (or shared id): what /collect/bigcommerce accepts, so keeping anything else would only earn a 400. */
export const CLICK_ID = /^[A-Za-z0-9_.~-]{1,255}$/;
/** A BigCommerce cart id, which is also its checkout id. */
export const CART_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
