import {
  CANCEL_REASONS,
  type CancelReason,
  type CurrencyCode,
  type LineItem,
  type MinorUnits,
  type Order,
  type PayloadError,
  type PaymentState,
  type Refund,
  type Result,
  ZERO,
  multiplyMinorUnits,
  parsePayload,
  scaleMinorUnits,
  sumMinorUnits,
  toMinorUnits,
  withAmountsInRange,
} from '@cartrelay/core';
import { type ShopifyLineItem, type ShopifyOrder, ShopifyOrderSchema, type ShopifyRefund } from './order-payload.ts';

/** Translates a Shopify order webhook body into the core Order. */
export function normalizeShopifyOrder(payload: unknown): Result<Order, PayloadError> {
  const parsed = parsePayload(ShopifyOrderSchema, payload);
  if (!parsed.ok) return parsed;
  const order = parsed.value;
  const customer = order.customer ?? null;
  const refunds = (order.refunds ?? []).map(toRefund);
  const refunded = new Map<string, number>();
  for (const refund of refunds) for (const line of refund.lines) refunded.set(line.lineId, (refunded.get(line.lineId) ?? 0) + line.quantity);
  return withAmountsInRange(() => ({
    id: exactId(order.id, order.admin_graphql_api_id),
    number: order.name.replace(/^#/, ''),
    createdAt: order.created_at,
    updatedAt: order.updated_at ?? null,
    currency: order.currency,
    ...paymentState(order),
    test: order.test === true,
    lineItems: order.line_items.map((line) => lineItem(line, order.currency, order.taxes_included === true, refunded.get(line.id) ?? 0)),
    refunds,
    discountCodes: (order.discount_codes ?? []).map((discount) => discount.code),
    landingUrl: order.landing_site || null,
    attributes: (order.note_attributes ?? [])
      .filter((attribute) => attribute.value !== null)
      .map((attribute) => ({ name: attribute.name, value: String(attribute.value) })),
    capturedClickId: null,
    ...(order.checkout_token ? { checkoutToken: order.checkout_token } : {}),
    customer: {
      id: customer ? exactId(customer.id, customer.admin_graphql_api_id) : null,
      email: order.email || order.contact_email || customer?.email || null,
      tags: [...splitTags(order.tags), ...splitTags(customer?.tags)],
      returning: typeof customer?.orders_count === 'number' && customer.orders_count > 0 ? customer.orders_count > 1 : null,
    },
    client: {
      ip: order.browser_ip || order.client_details?.browser_ip || null,
      userAgent: order.client_details?.user_agent || null,
    },
  }));
}

/** financial_status values: https://shopify.dev/docs/api/admin-rest/latest/resources/order (plus GraphQL's EXPIRED). */
const FINANCIAL_STATES: Readonly<Record<string, PaymentState>> = {
  authorized: 'paid',
  partially_paid: 'paid',
  paid: 'paid',
  partially_refunded: 'paid',
  pending: 'awaiting_payment',
  refunded: 'refunded',
  voided: 'cancelled',
  expired: 'failed',
};

function paymentState(order: ShopifyOrder): { paymentState: PaymentState; platformStatus: string; cancelReason?: CancelReason } {
  const financial = order.financial_status ?? 'none';
  if (order.cancelled_at) {
    const reason = order.cancel_reason?.toLowerCase();
    const cancelReason = (CANCEL_REASONS as readonly string[]).includes(reason ?? '') ? (reason as CancelReason) : 'other';
    return { paymentState: 'cancelled', platformStatus: `cancelled (financial_status=${financial})`, cancelReason };
  }
  return { paymentState: FINANCIAL_STATES[financial] ?? 'awaiting_payment', platformStatus: `financial_status=${financial}` };
}

/**
 * Amounts before discounts and without tax. With `taxes_included`, price and discount allocations
 * include tax and `tax_lines` hold the tax charged after discounts, so tax is taken out of the
 * pre-discount amount in the same proportion it has in the net amount.
 */
/**
 * `refunded`: units of this line the order's refunds give back. `current_quantity` is what is left
 * after refunds and order edits, so what the refunds do not account for was edited away.
 */
function lineItem(line: ShopifyLineItem, currency: CurrencyCode, taxesIncluded: boolean, refunded: number): LineItem {
  const money = (amount: string, set?: { shop_money: { amount: string } } | null) => toMinorUnits(set?.shop_money.amount ?? amount, currency);
  const gross = multiplyMinorUnits(money(line.price, line.price_set), line.quantity);
  const allocated = sumMinorUnits((line.discount_allocations ?? []).map((a) => money(a.amount, a.amount_set)));
  let subtotal = gross;
  let discount = allocated;
  if (taxesIncluded) {
    const tax = sumMinorUnits((line.tax_lines ?? []).map((t) => money(t.price, t.price_set)));
    const netWithTax = (gross - allocated) as MinorUnits;
    if (netWithTax > 0) {
      const net = (netWithTax - tax) as MinorUnits;
      subtotal = scaleMinorUnits(gross, net, netWithTax);
      discount = (subtotal - net) as MinorUnits;
    } else {
      // Fully discounted: no tax was charged, so use the rates to find the price without tax.
      const rate = Math.round((line.tax_lines ?? []).reduce((sum, t) => sum + (t.rate ?? 0), 0) * 1_000_000);
      subtotal = scaleMinorUnits(gross, 1_000_000 as MinorUnits, (1_000_000 + rate) as MinorUnits);
      discount = subtotal;
    }
  }
  return {
    id: exactId(line.id, line.admin_graphql_api_id),
    sku: line.sku ?? null,
    variantId: line.variant_id,
    productId: line.product_id,
    name: line.name || line.title || '',
    quantity: line.quantity,
    subtotal,
    discount: discount < 0 ? ZERO : discount,
    giftCard: line.gift_card === true,
    partOf: null,
    ...removedByEdits(line, refunded),
  };
}

function removedByEdits(line: ShopifyLineItem, refunded: number): { removed?: number } {
  if (line.current_quantity === null || line.current_quantity === undefined) return {};
  const removed = line.quantity - line.current_quantity - refunded;
  return removed > 0 ? { removed } : {};
}

export function toRefund(refund: ShopifyRefund): Refund {
  return {
    id: refund.id,
    lines: (refund.refund_line_items ?? []).map((line) => ({ lineId: line.line_item_id, quantity: line.quantity })),
  };
}

/** The numeric id, taken from the GraphQL id when present: it is a string and so exact beyond 2^53. */
function exactId(id: string, graphqlId: string | null | undefined): string {
  return /\/(\d+)$/.exec(graphqlId ?? '')?.[1] ?? id;
}

/** Shopify tags are one comma-separated string. */
function splitTags(tags: string | null | undefined): string[] {
  return (tags ?? '').split(',').map((tag) => tag.trim()).filter((tag) => tag !== '');
}
