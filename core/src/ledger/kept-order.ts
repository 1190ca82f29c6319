import { SHARED_ID_PARAM, landingQueryOf } from '../mapping/click-id.ts';
import type { Order } from '../order/order.ts';
import { emailDigests } from './customer-keys.ts';
import type { LedgerEntry } from './order-lifecycle.ts';

/**
 * What the ledger keeps of an order, written once. An entry lives as long as the order (refunds may
 * come months later), while the raw webhook payloads that hold who bought are purged after the
 * retention period: the ledger keeps what planning the order's later events needs, and nothing that
 * names the customer in plain.
 *
 * Kept: what was sold and for how much (line items with SKUs, names, quantities, amounts; currency,
 * refunds, codes), the order's ids, dates and states, and its attribution (captured click id,
 * checkout token). Of the customer: the platform's customer id (it attributes an order and is sent as
 * CustomerId), tags (CustomerStatus rules) and whether they ordered before; the email only as its
 * SHA-1 and SHA-256, which is what the mapping sends and how the ledger recognises the customer. Of the
 * landing URL and the order's attributes, only the click id and shared id parameters the mapping
 * reads: the rest is free text (notes, WooCommerce order meta with the buyer's user agent, tracking
 * parameters that may carry an email).
 *
 * Dropped: the plain email, the IP address and the user agent. A conversion planned from the kept
 * order later (a refund arriving once the order could convert) goes without IpAddress and UserAgent.
 */
export function keptOrder(order: Order, clickIdParam: string): Order {
  const email = order.customer.email?.trim() || null;
  return {
    id: order.id,
    number: order.number,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    currency: order.currency,
    paymentState: order.paymentState,
    platformStatus: order.platformStatus,
    cancelReason: order.cancelReason,
    test: order.test,
    lineItems: order.lineItems,
    refunds: order.refunds,
    discountCodes: order.discountCodes,
    landingUrl: keptLandingUrl(order.landingUrl, clickIdParam),
    attributes: order.attributes.filter((attribute) => attribute.name === clickIdParam),
    capturedClickId: order.capturedClickId,
    capturedClickSource: order.capturedClickSource,
    checkoutToken: order.checkoutToken,
    customer: {
      id: order.customer.id,
      email: null,
      emailDigests: email ? emailDigests(email) : (order.customer.emailDigests ?? null),
      tags: order.customer.tags,
      returning: order.customer.returning,
    },
    client: { ip: null, userAgent: null },
  };
}

/** The ledger entry as saved: its order as kept (keptOrder). */
export function keptEntry(entry: LedgerEntry, clickIdParam: string): LedgerEntry {
  return entry.order ? { ...entry, order: keptOrder(entry.order, clickIdParam) } : entry;
}

/**
 * The landing URL with only the parameters the mapping reads (the click id, the shared id), as a path:
 * "/?irclickid=…". An order that had a landing URL keeps one, so that its explanations stay the same.
 */
function keptLandingUrl(landingUrl: string | null, clickIdParam: string): string | null {
  if (!landingUrl) return landingUrl;
  const query = landingQueryOf(landingUrl);
  const kept = new URLSearchParams();
  for (const name of new Set([clickIdParam, SHARED_ID_PARAM])) {
    const value = query?.get(name);
    if (value !== null && value !== undefined) kept.set(name, value);
  }
  const search = kept.toString();
  return search ? `/?${search}` : '/';
}
