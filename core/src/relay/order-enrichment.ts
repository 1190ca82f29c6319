import type { TrackingConfig } from '../config/tracking-config.ts';
import { findClickAttribution } from '../mapping/click-id.ts';
import { CUSTOMER_JOURNEY_CLICK_SOURCE, type Order } from '../order/order.ts';
import { CLICK_WAIT_PREFIX, clickWaitOutcome } from '../webhooks/click-wait-outcome.ts';
import type { Shop } from '../shops/shop-directory.ts';
import { type ClickCaptures, findOrderClickCapture } from '../captures/click-captures.ts';
import type { RelayQueries } from '../store/relay-queries.ts';
import type { WebhookReceiver } from '../webhooks/webhook-receiver.ts';

export type Enrichment =
  | { readonly kind: 'ready'; readonly order: Order }
  /** Not yet: a click id may still come (a beacon, the platform's journey); look again at `until`. */
  | { readonly kind: 'wait'; readonly until: number; readonly reason: string };

export interface EnrichmentContext {
  readonly store: ClickCaptures & Pick<RelayQueries, 'orderStatus'>;
  readonly receiver: WebhookReceiver;
  readonly shop: Shop & { readonly config: TrackingConfig };
  readonly now: number;
  /** How long after an order was placed its conversion may wait for a click id (0: never waits). */
  readonly clickWaitMs: number;
  /** How often a waiting order is looked at again. */
  readonly recheckMs?: number;
}

/**
 * Completes an order the ledger has not converted yet with what its payload lacks, in the issue's
 * order of sources: the click id from the order itself (landing URL, attributes) wins; else a beacon
 * the storefront pixel sent; else the platform's customer journey. The customer's place in their
 * order history comes from the platform when the order does not say. An order still without a click
 * id waits, up to `clickWaitMs` after it was placed, for a beacon or for the journey to be ready.
 */
export async function enrichOrder(order: Order, context: EnrichmentContext): Promise<Enrichment> {
  const { store, receiver, shop, now } = context;
  const param = shop.config.clickIdParam;
  const hasClickId = (candidate: Order) => findClickAttribution(candidate, param).clickId !== null;
  // The plugin holds the shop's API access (and refreshes it); asking a shop it holds none for fails fast.
  const canAskPlatform = Boolean(receiver.fetchOrderInsights);
  const knownCustomer = Boolean(order.customer.id || order.customer.email);
  // Most orders need nothing: they carry their click id, and there is no one to ask about the customer.
  if (hasClickId(order) && !(canAskPlatform && knownCustomer && order.customer.returning === null)) return { kind: 'ready', order };

  const status = await store.orderStatus(shop.id, order.id);
  // Once converted, the conversion's click id and customer status are fixed at impact.com.
  if (status !== null && status !== 'none') return { kind: 'ready', order };

  let enriched = order;
  // The capture the order trusts: its own checkout's, never a beacon that merely named it.
  if (!hasClickId(enriched)) {
    const capture = await findOrderClickCapture(store, shop.id, order);
    if (capture) enriched = { ...enriched, capturedClickId: capture.clickId, capturedClickSource: capture.source };
  }

  let journeyPending = false;
  const wantsJourney = !hasClickId(enriched) || (knownCustomer && enriched.customer.returning === null);
  if (wantsJourney && receiver.fetchOrderInsights) {
    const insights = await receiver.fetchOrderInsights({ shopKey: shop.shopKey, credentials: shop.credentials }, order.id);
    if (insights.ok) {
      journeyPending = !insights.value.ready;
      if (!hasClickId(enriched)) {
        const fromJourney = insights.value.landingUrls.map((url) => clickIdIn(url, param)).find((clickId) => clickId !== null);
        if (fromJourney) enriched = { ...enriched, capturedClickId: fromJourney, capturedClickSource: CUSTOMER_JOURNEY_CLICK_SOURCE };
      }
      const index = insights.value.customerOrderIndex;
      if (enriched.customer.returning === null && index !== null && knownCustomer) {
        enriched = { ...enriched, customer: { ...enriched.customer, returning: index > 1 } };
      }
    } else {
      // The platform could not be asked: as good as not ready, within the wait.
      journeyPending = true;
    }
  }

  const waitEnds = Date.parse(order.createdAt) + context.clickWaitMs;
  if (!hasClickId(enriched) && (receiver.capturesClicks || journeyPending) && now < waitEnds) {
    return {
      kind: 'wait',
      until: Math.min(waitEnds, now + (context.recheckMs ?? 15_000)),
      // Names the order and the wait's end: the admin page lists it as waiting from the inbox (click-wait-outcome.ts).
      reason: clickWaitOutcome({
        reason: journeyPending ? `${CLICK_WAIT_PREFIX}: the customer journey is not ready yet` : `${CLICK_WAIT_PREFIX} from the storefront pixel`,
        platformOrderId: order.id,
        orderNumber: order.number,
        until: waitEnds,
      }),
    };
  }
  return { kind: 'ready', order: enriched };
}

function clickIdIn(url: string, param: string): string | null {
  try {
    return new URL(url, 'https://landing.invalid').searchParams.get(param)?.trim() || null;
  } catch {
    return null;
  }
}
