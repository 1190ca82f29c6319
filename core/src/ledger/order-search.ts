import { findClickAttribution } from '../mapping/click-id.ts';
import type { Order } from '../order/order.ts';

/**
 * What the admin page's search finds an order by, kept beside its ledger row: the number the merchant
 * knows it by, the click id the mapping finds on it, and every code entered on it (an excluded code
 * too: "why was STAFF50's order not sent?"). None of it names the customer.
 */
export interface OrderSearchKeys {
  readonly orderNumber: string | null;
  readonly clickId: string | null;
  /** Lower-cased, each between newlines ("\nsummer10\njane20\n"), so that one LIKE finds a whole code; null without codes. */
  readonly promoCodes: string | null;
}

export function orderSearchKeys(order: Order | null, clickIdParam: string): OrderSearchKeys {
  if (!order) return { orderNumber: null, clickId: null, promoCodes: null };
  const codes = order.discountCodes.map((code) => code.trim().toLowerCase()).filter(Boolean);
  return {
    orderNumber: order.number,
    clickId: findClickAttribution(order, clickIdParam).clickId,
    promoCodes: codes.length > 0 ? `\n${codes.join('\n')}\n` : null,
  };
}
