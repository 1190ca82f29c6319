import { currencyCode, decimalAmount, optionalPlatformId, platformId } from '@cartrelay/core';
import { z } from 'zod';

/**
 * The parts of a WooCommerce order webhook body that mapping reads. The body is the REST v3 order
 * (WC_Webhook::build_payload calls /wc/v3/orders/{id}); unknown fields are ignored.
 * Shape: https://woocommerce.github.io/woocommerce-rest-api-docs/#order-properties
 */

const text = z.string().nullish();

export const WooLineItemSchema = z.object({
  id: platformId,
  name: text,
  product_id: optionalPlatformId,
  variation_id: optionalPlatformId,
  quantity: z.number().int().nonnegative(),
  /** Line total before discounts; WooCommerce keeps line totals without tax even when prices include it. */
  subtotal: decimalAmount,
  /** Line total after discounts, without tax. */
  total: decimalAmount,
  sku: text,
});

/** `date_created_gmt` is UTC written without a zone ("2017-03-22T19:28:02"); a zone, if present, is kept. */
const gmtDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/, 'expected a UTC date-time such as 2017-03-22T19:28:02')
  .transform((value) => (/(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`));

export const WooOrderSchema = z.object({
  id: platformId,
  /** The order number shown to the merchant; plugins may make it differ from the id. */
  number: z.union([z.string(), z.number()]).transform((value) => String(value).trim()).pipe(z.string().min(1)),
  status: z.string(),
  currency: currencyCode,
  date_created_gmt: gmtDateTime,
  date_modified_gmt: gmtDateTime.nullish(),
  date_paid_gmt: text,
  customer_id: optionalPlatformId,
  billing: z.object({ email: text }).nullish(),
  customer_ip_address: text,
  customer_user_agent: text,
  line_items: z.array(WooLineItemSchema),
  /** Refund totals only; the lines refunded are at /orders/{id}/refunds. */
  refunds: z.array(z.object({ id: platformId })).nullish(),
  coupon_lines: z.array(z.object({ code: z.string() })).nullish(),
  meta_data: z.array(z.object({ key: z.string(), value: z.unknown() })).nullish(),
});

export type WooOrder = z.output<typeof WooOrderSchema>;
export type WooLineItem = z.output<typeof WooLineItemSchema>;

/** order.deleted (an order moved to the trash): the payload is only `{"id": N}`. */
export const WooDeletedOrderSchema = z.object({ id: platformId });
