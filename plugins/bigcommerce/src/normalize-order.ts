import {
  type CurrencyCode,
  type LineItem,
  type Order,
  type PayloadError,
  type PaymentState,
  type Refund,
  type Result,
  ZERO,
  invalidPayload,
  parsePayload,
  scaleMinorUnits,
  sumMinorUnits,
  toCurrencyCode,
  toMinorUnits,
  withAmountsInRange,
} from '@cartrelay/core';
import { type BigCommerceBundle, BigCommerceBundleSchema, type BigCommerceProduct } from './order-bundle.ts';

/** Translates a BigCommerce order bundle (order, products, coupons, attribution) into the core Order. */
export function normalizeBigCommerceOrder(payload: unknown): Result<Order, PayloadError> {
  const parsed = parsePayload(BigCommerceBundleSchema, payload);
  if (!parsed.ok) return parsed;
  const { order, products, coupons, attribution } = parsed.value;
  const currency = toCurrencyCode(order.default_currency_code || order.currency_code || '');
  if (!currency) return invalidPayload('order.default_currency_code', 'expected an ISO 4217 currency code');
  const taxInclusive = order.is_tax_inclusive_pricing === true;
  return withAmountsInRange(() => ({
    id: order.id,
    number: order.id,
    createdAt: order.date_created,
    updatedAt: order.date_modified || null,
    currency,
    paymentState: STATUSES[order.status_id] ?? 'awaiting_payment',
    platformStatus: `status_id=${order.status_id}${order.status ? ` (${order.status})` : ''}`,
    test: false,
    lineItems: products.map((product) => lineItem(product, currency, taxInclusive)),
    refunds: refundedQuantities(products),
    discountCodes: (coupons ?? []).map((coupon) => coupon.code),
    landingUrl: attribution?.landingUrl || null,
    attributes: [],
    capturedClickId: attribution?.clickId || null,
    // The cart id only the shopper's browser held: the checkout script's capture names it (ADR 8's join).
    checkoutToken: order.cart_id?.toLowerCase() || null,
    customer: {
      id: order.customer_id,
      email: order.billing_address?.email || null,
      tags: [],
      returning: null,
    },
    client: { ip: order.ip_address || order.ip_address_v6 || null, userAgent: null },
  }));
}

/** Order status ids: https://developer.bigcommerce.com/docs/rest-management/orders/order-status */
const STATUSES: Readonly<Record<number, PaymentState>> = {
  0: 'draft', // Incomplete: the shopper never finished checkout
  1: 'awaiting_payment', // Pending
  2: 'paid', // Shipped
  3: 'paid', // Partially Shipped
  4: 'refunded',
  5: 'cancelled',
  6: 'declined',
  7: 'awaiting_payment', // Awaiting Payment
  8: 'paid', // Awaiting Pickup
  9: 'paid', // Awaiting Shipment
  10: 'paid', // Completed
  11: 'paid', // Awaiting Fulfillment
  12: 'awaiting_payment', // Manual Verification Required
  13: 'awaiting_payment', // Disputed
  14: 'paid', // Partially Refunded
};

/** BigCommerce keeps a running `quantity_refunded` per product: one cumulative refund, replaced each time. */
function refundedQuantities(products: readonly BigCommerceProduct[]): Refund[] {
  const lines = products
    .filter((product) => (product.quantity_refunded ?? 0) > 0)
    .map((product) => ({ lineId: product.id, quantity: product.quantity_refunded ?? 0 }));
  return lines.length > 0 ? [{ id: 'quantity_refunded', lines }] : [];
}

/**
 * `applied_discounts` amounts follow the store's pricing: with tax-inclusive pricing they include
 * tax, which is taken out in the proportion the line's own ex/inc totals give.
 */
function lineItem(product: BigCommerceProduct, currency: CurrencyCode, taxInclusive: boolean): LineItem {
  const subtotal = toMinorUnits(product.total_ex_tax, currency);
  const withTax = toMinorUnits(product.total_inc_tax, currency);
  let discount = sumMinorUnits((product.applied_discounts ?? []).map((d) => toMinorUnits(d.amount, currency)));
  if (taxInclusive && withTax > 0) discount = scaleMinorUnits(discount, subtotal, withTax);
  return {
    id: product.id,
    sku: product.sku ?? null,
    variantId: product.variant_id,
    productId: product.product_id,
    name: product.name ?? '',
    quantity: product.quantity,
    subtotal,
    discount: discount < 0 ? ZERO : discount,
    giftCard: product.type === 'giftcertificate',
    partOf: product.parent_order_product_id,
  };
}

export type { BigCommerceBundle };
