import { isClickId, keepClick } from './click-cookie.ts';
import { SHARED_ID_PARAM } from './script-query.ts';
import type { LandingSettings } from './script-url.ts';

/**
 * Keeps the click id (and shared id) of the page the shopper is on, when its URL has a valid one, in the
 * click cookie for the referral window. Nothing is written without a click, and an invalid id leaves
 * the kept click as it was. Returns whether a click was kept.
 */
export function captureLandingClick(win: Window, settings: LandingSettings): boolean {
  const query = new URL(win.location.href).searchParams;
  const clickId = query.get(settings.clickIdParam);
  if (!isClickId(clickId)) return false;
  const sharedId = query.get(SHARED_ID_PARAM);
  keepClick(win.document, { clickId, sharedId: isClickId(sharedId) ? sharedId : null }, settings.referralDays, win.location.protocol === 'https:');
  return true;
}
