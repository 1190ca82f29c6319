import { currencyCode, decimalAmount, isoInstant, optionalPlatformId, platformId } from '@cartrelay/core';
import { z } from 'zod';

/**
 * The parts of Shopify's REST-shaped order webhook body (orders/create, orders/paid, …) that mapping
 * reads. Unknown fields are ignored; a missing or mistyped field that mapping needs is an error.
 * Shape: https://shopify.dev/docs/api/webhooks (orders/create sample).
 */

/** `price_set`, `amount_set`: the amount in the shop's currency and in the customer's. */
const moneySet = z.object({ shop_money: z.object({ amount: decimalAmount }) }).nullish();

const text = z.string().nullish();

export const ShopifyLineItemSchema = z.object({
  id: platformId,
  admin_graphql_api_id: text,
  sku: text,
  variant_id: optionalPlatformId,
  product_id: optionalPlatformId,
  name: text,
  title: text,
  quantity: z.number().int().nonnegative(),
  /** What is left of the line after order edits and refunds removed units (REST 2024-01 and later). */
  current_quantity: z.number().int().nonnegative().nullish(),
  /** Unit price before discounts, in the shop currency; tax included when the order's taxes_included is true. */
  price: decimalAmount,
  price_set: moneySet,
  gift_card: z.boolean().nullish(),
  /** Tax charged on the line after its discounts. */
  tax_lines: z.array(z.object({ price: decimalAmount, price_set: moneySet, rate: z.number().nullish() })).nullish(),
  discount_allocations: z.array(z.object({ amount: decimalAmount, amount_set: moneySet })).nullish(),
});

/** A refund as in the order's `refunds` and the refunds/create body: the lines given back. */
export const ShopifyRefundSchema = z.object({
  id: platformId,
  order_id: platformId.optional(),
  refund_line_items: z.array(z.object({ line_item_id: platformId, quantity: z.number().int().nonnegative() })).nullish(),
});

export const ShopifyOrderSchema = z.object({
  id: platformId,
  admin_graphql_api_id: text,
  name: z.string().trim().min(1),
  created_at: isoInstant,
  updated_at: isoInstant.nullish(),
  /** The shop's currency; line prices are in it. */
  currency: currencyCode,
  financial_status: text,
  cancelled_at: text,
  /** customer, declined, fraud, inventory, staff or other; read leniently, as Shopify may add reasons. */
  cancel_reason: text,
  test: z.boolean().nullish(),
  taxes_included: z.boolean().nullish(),
  line_items: z.array(ShopifyLineItemSchema),
  refunds: z.array(ShopifyRefundSchema).nullish(),
  discount_codes: z.array(z.object({ code: z.string() })).nullish(),
  landing_site: text,
  checkout_token: text,
  note_attributes: z
    .array(z.object({ name: z.string(), value: z.union([z.string(), z.number(), z.boolean(), z.null()]) }))
    .nullish(),
  tags: text,
  email: text,
  contact_email: text,
  customer: z
    .object({
      id: platformId,
      admin_graphql_api_id: text,
      email: text,
      tags: text,
      /** Removed from the REST order payload in 2022-04; still read when an older API version sends it. */
      orders_count: z.number().int().nonnegative().nullish(),
    })
    .nullish(),
  browser_ip: text,
  client_details: z.object({ browser_ip: text, user_agent: text }).nullish(),
});

export type ShopifyOrder = z.output<typeof ShopifyOrderSchema>;
export type ShopifyLineItem = z.output<typeof ShopifyLineItemSchema>;
export type ShopifyRefund = z.output<typeof ShopifyRefundSchema>;
