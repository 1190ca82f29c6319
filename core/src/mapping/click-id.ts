import type { Order } from '../order/order.ts';
import { FIELD_LIMITS } from './conversion.ts';

/** The landing URL parameter a partner's shared id comes in. */
export const SHARED_ID_PARAM = 'sharedid';

export interface ClickAttribution {
  readonly clickId: string | null;
  /** The partner's `sharedid` from the landing URL; only sent when a partner is forced. */
  readonly sharedId: string | null;
  readonly explain: readonly string[];
}

/**
 * Finds the impact.com click id, in order: the landing URL's query parameter, an order attribute of
 * the same name, then a click id captured outside the order (storefront script or pixel).
 */
export function findClickAttribution(order: Order, param: string): ClickAttribution {
  const explain: string[] = [];
  const landingQuery = landingQueryOf(order.landingUrl);
  const candidates: Array<{ source: string; value: string | null | undefined }> = [
    { source: `landing URL parameter ${param}`, value: landingQuery?.get(param) },
    { source: `order attribute ${param}`, value: order.attributes.find((a) => a.name === param)?.value },
    { source: `captured click (${order.capturedClickSource ?? 'storefront'})`, value: order.capturedClickId },
  ];
  let clickId: string | null = null;
  for (const { source, value } of candidates) {
    const candidate = value?.trim();
    if (!candidate) continue;
    if (candidate.length > FIELD_LIMITS.ClickId) {
      explain.push(`click id from ${source} dropped: ${candidate.length} characters, impact.com allows ${FIELD_LIMITS.ClickId}`);
      continue;
    }
    clickId = candidate;
    explain.push(`ClickId from ${source}`);
    break;
  }
  if (clickId === null && explain.length === 0) {
    explain.push(
      order.landingUrl === null
        ? `no click id: the order has no landing URL, no ${param} attribute and no captured click`
        : `no click id: the landing URL has no ${param} parameter, and there is no ${param} attribute or captured click`,
    );
  }
  const sharedId = landingQuery?.get(SHARED_ID_PARAM)?.trim() || null;
  return { clickId, sharedId, explain };
}

/** Query of an absolute URL or of a path such as Shopify's `landing_site` ("/?irclickid=…"). */
export function landingQueryOf(landingUrl: string | null): URLSearchParams | null {
  if (!landingUrl) return null;
  try {
    return new URL(landingUrl, 'https://landing.invalid').searchParams;
  } catch {
    const query = landingUrl.indexOf('?');
    return query === -1 ? null : new URLSearchParams(landingUrl.slice(query + 1).split('#')[0]);
  }
}
