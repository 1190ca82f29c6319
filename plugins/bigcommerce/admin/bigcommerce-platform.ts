import type { AdminPlatform } from '@cartrelay/admin';

/** Where the server serves the admin page inside BigCommerce's control panel; each page has its path under it. */
export const BIGCOMMERCE_ADMIN_BASE_PATH = '/bigcommerce/app';
/** This app's admin API (core's, behind the BigCommerce session). */
export const BIGCOMMERCE_ADMIN_API = '/bigcommerce/api/admin';
/** Where the page keeps its session for reloads within the control panel's tab. */
const SESSION_KEY = 'cartrelay.bigcommerce.session';

/**
 * The session the page runs with: the one `/bigcommerce/load` wrote into the page (after verifying
 * BigCommerce's signed payload), kept in the tab's session storage so that a reload inside the
 * control panel keeps it; none when the page was opened some other way.
 */
export function pageSession(document: Document, storage: Pick<Storage, 'getItem' | 'setItem'> | null): string | null {
  const given = document.querySelector<HTMLMetaElement>('meta[name="cartrelay-session"]')?.content ?? '';
  // The server fills the placeholder; an unfilled one (the page served as built) is no session.
  if (given && !given.startsWith('%')) {
    try {
      storage?.setItem(SESSION_KEY, given);
    } catch {
      // Storage refused (a browser that blocks it in frames): the page works until it is reloaded.
    }
    return given;
  }
  try {
    return storage?.getItem(SESSION_KEY) ?? null;
  } catch {
    return null;
  }
}

/** The admin page's platform inside BigCommerce's control panel: every call carries the page's session. */
export function bigcommercePlatform(session: string, fetchImpl: typeof fetch = (...args) => fetch(...args)): AdminPlatform {
  return {
    platformLabel: 'BigCommerce',
    basePath: BIGCOMMERCE_ADMIN_BASE_PATH,
    async fetch(path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set('Authorization', `Bearer ${session}`);
      return fetchImpl(`${BIGCOMMERCE_ADMIN_API}${path}`, { ...init, headers });
    },
  };
}
