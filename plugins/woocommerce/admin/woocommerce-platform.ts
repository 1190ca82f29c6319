import type { AdminPlatform } from '@cartrelay/admin';

/** Where the server serves the admin page for WooCommerce stores; each page has its path under it. */
export const WOOCOMMERCE_ADMIN_BASE_PATH = '/woocommerce/app';
/** This app's admin API (core's, behind the WooCommerce session). */
export const WOOCOMMERCE_ADMIN_API = '/woocommerce/api/admin';
/** Where the page keeps its session for reloads in the same tab. */
const SESSION_KEY = 'cartrelay.woocommerce.session';

/**
 * The session the page runs with: the one the plugin's signed link (or the connect flow) led to, in
 * the URL's fragment (`#session=…`, which no server and no Referer sees), then kept in the tab's
 * session storage and taken out of the address bar; none when the page was opened some other way.
 */
export function pageSession(location: Pick<Location, 'hash'>, storage: Pick<Storage, 'getItem' | 'setItem'> | null, forget: () => void = () => undefined): string | null {
  const given = new URLSearchParams(location.hash.replace(/^#/, '')).get('session') ?? '';
  if (given) {
    try {
      storage?.setItem(SESSION_KEY, given);
    } catch {
      // Storage refused: the page works until it is reloaded.
    }
    forget();
    return given;
  }
  try {
    return storage?.getItem(SESSION_KEY) ?? null;
  } catch {
    return null;
  }
}

/** The admin page's platform for a WooCommerce store: every call carries the page's session. */
export function woocommercePlatform(session: string, fetchImpl: typeof fetch = (...args) => fetch(...args)): AdminPlatform {
  return {
    platformLabel: 'WooCommerce',
    basePath: WOOCOMMERCE_ADMIN_BASE_PATH,
    async fetch(path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set('Authorization', `Bearer ${session}`);
      return fetchImpl(`${WOOCOMMERCE_ADMIN_API}${path}`, { ...init, headers });
    },
  };
}
