import {
  type CurrencyCode,
  type LineItem,
  type Order,
  type PayloadError,
  type PaymentState,
  type Result,
  parsePayload,
  toMinorUnits,
  withAmountsInRange,
} from '@cartrelay/core';
import { decodeHTML } from 'entities';
import { type WooLineItem, type WooOrder, WooOrderSchema } from './order-payload.ts';

/** The CartRelay plugin keeps the landing address that carried a click id (path and query) under this meta key. */
const CARTRELAY_LANDING_KEY = '_cartrelay_landing';
/** Order Attribution (WooCommerce 8.5+) keeps the URL where the visit began under this meta key. */
const SESSION_ENTRY_KEY = '_wc_order_attribution_session_entry';
const ATTRIBUTION_USER_AGENT_KEY = '_wc_order_attribution_user_agent';

/** Translates a WooCommerce order webhook body into the core Order. */
export function normalizeWooOrder(payload: unknown): Result<Order, PayloadError> {
  const parsed = parsePayload(WooOrderSchema, payload);
  if (!parsed.ok) return parsed;
  const order = parsed.value;
  const meta = metaValues(order);
  return withAmountsInRange(() => ({
    id: order.id,
    number: order.number,
    createdAt: order.date_created_gmt,
    updatedAt: order.date_modified_gmt ?? null,
    currency: order.currency,
    paymentState: paymentState(order),
    platformStatus: `status=${order.status}`,
    test: false,
    lineItems: order.line_items.map((line) => lineItem(line, order.currency)),
    refunds: (order.refunds ?? []).map((refund) => ({ id: refund.id, lines: [] })),
    discountCodes: (order.coupon_lines ?? []).map((coupon) => coupon.code),
    // The plugin's capture first: it is the visit that carried the click id, where Order Attribution keeps the session's first page.
    landingUrl: meta.get(CARTRELAY_LANDING_KEY) || meta.get(SESSION_ENTRY_KEY) || null,
    attributes: attributes(meta),
    capturedClickId: null,
    customer: {
      id: order.customer_id,
      email: order.billing?.email || null,
      tags: [],
      returning: null,
    },
    client: {
      ip: order.customer_ip_address || null,
      userAgent: order.customer_user_agent || meta.get(ATTRIBUTION_USER_AGENT_KEY) || null,
    },
  }));
}

const STATUSES: Readonly<Record<string, PaymentState>> = {
  processing: 'paid',
  completed: 'paid',
  pending: 'awaiting_payment',
  'on-hold': 'awaiting_payment',
  refunded: 'refunded',
  cancelled: 'cancelled',
  trash: 'cancelled',
  failed: 'failed',
  'checkout-draft': 'draft',
  draft: 'draft',
  'auto-draft': 'draft',
};

/** Statuses added by extensions ("shipped", "delivered") count as paid once WooCommerce recorded a payment date. */
function paymentState(order: WooOrder): PaymentState {
  const status = order.status.replace(/^wc-/, '');
  return STATUSES[status] ?? (order.date_paid_gmt ? 'paid' : 'awaiting_payment');
}

function lineItem(line: WooLineItem, currency: CurrencyCode): LineItem {
  const total = toMinorUnits(line.total, currency);
  // subtotal − total is the line's coupon discount; a total above the subtotal (a manual edit) is no discount.
  const subtotal = Math.max(toMinorUnits(line.subtotal, currency), total) as typeof total;
  return {
    id: line.id,
    sku: line.sku ?? null,
    variantId: line.variation_id,
    productId: line.product_id,
    // WooCommerce returns product names HTML-escaped ("Color &ndash; Black").
    name: decodeHTML(line.name ?? ''),
    quantity: line.quantity,
    subtotal,
    discount: (subtotal - total) as typeof total,
    giftCard: false,
    partOf: null,
  };
}

/** Scalar meta values by key, first occurrence wins. */
function metaValues(order: WooOrder): Map<string, string> {
  const values = new Map<string, string>();
  for (const { key, value } of order.meta_data ?? []) {
    if ((typeof value === 'string' || typeof value === 'number') && !values.has(key)) values.set(key, String(value));
  }
  return values;
}

/** Meta as order attributes, so `irclickid` is found under that name whether stored as `irclickid` or `_irclickid`. */
function attributes(meta: Map<string, string>): Order['attributes'] {
  const plain = [...meta].filter(([key]) => !key.startsWith('_'));
  const hidden = [...meta].filter(([key]) => key.startsWith('_')).map(([key, value]) => [key.slice(1), value] as const);
  return [...plain, ...hidden].map(([name, value]) => ({ name, value }));
}
