import { findClickAttribution } from '../mapping/click-id.ts';
import { CUSTOMER_JOURNEY_CLICK_SOURCE, type Order } from '../order/order.ts';
import type { AdminClickSource } from './contract.ts';

/**
 * Where the click id an order was sent with came from, as Home and Recent actions show it: the
 * mapping's own search (findClickAttribution), so the page and the conversion never disagree. An
 * order the ledger no longer holds, or whose click id the mapping finds elsewhere now, counts as
 * found in its landing page's address.
 */
export function adminClickSource(
  clickId: string,
  order: Pick<Order, 'landingUrl' | 'attributes' | 'capturedClickId' | 'capturedClickSource'> | null,
  clickIdParam: string,
): AdminClickSource {
  if (!order) return 'landing_url';
  const found = findClickAttribution(order, clickIdParam);
  if (found.clickId !== clickId || found.origin !== 'captured') return 'landing_url';
  return order.capturedClickSource === CUSTOMER_JOURNEY_CLICK_SOURCE ? 'customer_journey' : 'storefront';
}
