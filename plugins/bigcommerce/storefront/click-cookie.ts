import { CLICK_ID } from './script-query.ts';

/** The first-party cookie that keeps the shopper's latest click, on the storefront's own host. */
export const CLICK_COOKIE = 'cartrelay_click';
/** Between the click id and the shared id in the cookie's value: outside both ids' alphabet. */
const SEPARATOR = '|';

export interface Click {
  readonly clickId: string;
  readonly sharedId: string | null;
}

export const isClickId = (value: string | null | undefined): value is string => typeof value === 'string' && CLICK_ID.test(value);

/**
 * Keeps `click` for `days` from now, replacing whatever was kept: the last click wins, as impact.com
 * attributes, and the window runs from it. `Secure` on https; `SameSite=Lax` (the cookie is read by
 * script on the same site only).
 */
export function keepClick(doc: Document, click: Click, days: number, secure: boolean): void {
  const value = click.sharedId === null ? click.clickId : click.clickId + SEPARATOR + click.sharedId;
  doc.cookie = `${CLICK_COOKIE}=${value}; Max-Age=${days * 86_400}; Path=/; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** The kept click, or null when there is none (never clicked, expired, or not ours to read). */
export function readClick(doc: Document): Click | null {
  for (const pair of doc.cookie.split(';')) {
    const [name, value = ''] = pair.trim().split('=');
    if (name !== CLICK_COOKIE) continue;
    const [clickId, sharedId = null] = value.split(SEPARATOR);
    if (!isClickId(clickId)) return null;
    return { clickId, sharedId: isClickId(sharedId) ? sharedId : null };
  }
  return null;
}
