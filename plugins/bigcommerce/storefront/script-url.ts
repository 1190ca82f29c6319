import {
  type CheckoutPage,
  COLLECT_PATH,
  DEFAULT_CLICK_ID_PARAM,
  DEFAULT_REFERRAL_DAYS,
  MAX_REFERRAL_DAYS,
  PARAM_NAME,
  QUERY,
  SCRIPTS_PATH,
  STORE_HASH,
} from './script-query.ts';

/**
 * The URL this script was loaded from, with the store's settings in its query. Read it while the
 * script first runs: `document.currentScript` is null in any later callback. Where a storefront inserts
 * scripts so that it is unset, the last of the page's scripts named `<name>.<hash>.js` in the app's
 * scripts folder is taken.
 */
export function ownScriptUrl(doc: Document, name: string): URL | null {
  const current = doc.currentScript;
  let src = current && 'src' in current ? current.src : '';
  if (!src) {
    const ours = doc.querySelectorAll<HTMLScriptElement>(`script[src*="${SCRIPTS_PATH}/${name}."]`);
    src = ours[ours.length - 1]?.src ?? '';
  }
  try {
    return src ? new URL(src) : null;
  } catch {
    return null;
  }
}

export interface LandingSettings {
  /** The landing-URL parameter holding the click id. */
  readonly clickIdParam: string;
  /** How many days a click is kept. */
  readonly referralDays: number;
}

/** The landing script's settings; anything missing or malformed takes its default. */
export function landingSettings(url: URL | null): LandingSettings {
  const query = url?.searchParams;
  const param = query?.get(QUERY.clickIdParam) ?? '';
  const days = Number(query?.get(QUERY.referralDays) ?? '');
  return {
    clickIdParam: PARAM_NAME.test(param) ? param : DEFAULT_CLICK_ID_PARAM,
    referralDays: Number.isInteger(days) && days >= 1 && days <= MAX_REFERRAL_DAYS ? days : DEFAULT_REFERRAL_DAYS,
  };
}

export interface CheckoutSettings {
  /** The store hash the beacons speak for. */
  readonly store: string;
  readonly page: CheckoutPage;
  /** The app's `/collect/bigcommerce`. */
  readonly collectUrl: string;
}

/** The checkout script's settings, or null without a valid store hash (a beacon for no store is useless). */
export function checkoutSettings(url: URL): CheckoutSettings | null {
  const store = url.searchParams.get(QUERY.store) ?? '';
  if (!STORE_HASH.test(store)) return null;
  return {
    store,
    page: url.searchParams.get(QUERY.page) === 'order_confirmation' ? 'order_confirmation' : 'checkout',
    // Relative to <app>/bigcommerce/s/<file>: the app's own origin, under whatever path prefix its URL has.
    collectUrl: new URL(`../..${COLLECT_PATH}`, url).href,
  };
}
