import { CUSTOMER_JOURNEY_CLICK_SOURCE, type Order } from '../order/order.ts';
import { FIELD_LIMITS } from './conversion.ts';
import { type ExplainLine, explainLine } from './explain-line.ts';

/** The landing URL parameter a partner's shared id comes in. */
export const SHARED_ID_PARAM = 'sharedid';

export type ClickOrigin = 'landing_url' | 'order_attribute' | 'captured';

export interface ClickAttribution {
  readonly clickId: string | null;
  /** The partner's `sharedid` from the landing URL; only sent when a partner is forced. */
  readonly sharedId: string | null;
  /** Where the click id was found: the landing URL, an order attribute, or a capture outside the order; null without one. */
  readonly origin: ClickOrigin | null;
  readonly explain: readonly ExplainLine[];
}

/**
 * Finds the impact.com click id, in order: the landing URL's query parameter, an order attribute of
 * the same name, then a click id captured outside the order (storefront script or pixel).
 */
export function findClickAttribution(order: Pick<Order, 'landingUrl' | 'attributes' | 'capturedClickId' | 'capturedClickSource'>, param: string): ClickAttribution {
  const explain: ExplainLine[] = [];
  const landingQuery = landingQueryOf(order.landingUrl);
  const captured = capturedBy(order.capturedClickSource);
  const candidates: Array<{ origin: ClickOrigin; source: string; merchant: string; value: string | null | undefined }> = [
    { origin: 'landing_url', source: `landing URL parameter ${param}`, merchant: "the landing page's address", value: landingQuery?.get(param) },
    { origin: 'order_attribute', source: `order attribute ${param}`, merchant: `the order's ${param} attribute`, value: order.attributes.find((a) => a.name === param)?.value },
    { origin: 'captured', source: `captured click (${order.capturedClickSource ?? 'storefront'})`, merchant: captured, value: order.capturedClickId },
  ];
  let clickId: string | null = null;
  let origin: ClickOrigin | null = null;
  for (const candidate of candidates) {
    const value = candidate.value?.trim();
    if (!value) continue;
    if (value.length > FIELD_LIMITS.ClickId) {
      explain.push(
        explainLine(
          `click id from ${candidate.source} dropped: ${value.length} characters, impact.com allows ${FIELD_LIMITS.ClickId}`,
          `A click id from ${candidate.merchant} was too long for impact.com (${value.length} characters, at most ${FIELD_LIMITS.ClickId}): not used.`,
        ),
      );
      continue;
    }
    clickId = value;
    origin = candidate.origin;
    explain.push(explainLine(`ClickId from ${candidate.source}`, `The click id came from ${candidate.merchant}.`));
    break;
  }
  if (clickId === null && explain.length === 0) {
    explain.push(
      explainLine(
        order.landingUrl === null
          ? `no click id: the order has no landing URL, no ${param} attribute and no captured click`
          : `no click id: the landing URL has no ${param} parameter, and there is no ${param} attribute or captured click`,
        `No click id: the landing page's address had no ${param}, and the storefront reported no click.`,
      ),
    );
  }
  const sharedId = landingQuery?.get(SHARED_ID_PARAM)?.trim() || null;
  return { clickId, sharedId, origin, explain };
}

/** How the admin page names a capture outside the order: the platform's storefront capture or the customer journey it recorded. */
function capturedBy(source: string | null | undefined): string {
  if (source === CUSTOMER_JOURNEY_CLICK_SOURCE) return 'the customer journey the store platform recorded';
  return `the storefront's click capture${source ? ` (${source})` : ''}`;
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
