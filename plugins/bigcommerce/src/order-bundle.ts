import { decimalAmount, optionalPlatformId, platformId } from '@cartrelay/core';
import { z } from 'zod';

/**
 * BigCommerce webhooks carry only ids, so the adapter fetches the order and posts this bundle to
 * the mapping: the V2 order, its products and coupons, and what the storefront script captured.
 * Shapes: bigcommerce/docs reference/orders.v2.oas2.yml.
 */

const text = z.string().nullish();

const MONTHS: Readonly<Record<string, number>> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};
const RFC_2822 = /^(?:[A-Z][a-z]{2}, )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

/** "Tue, 05 Mar 2019 21:40:11 +0000" → "2019-03-05T21:40:11Z"; null when it is not such a date. */
export function rfc2822ToIso(value: string): string | null {
  const match = RFC_2822.exec(value.trim());
  const month = match ? MONTHS[match[2]!] : undefined;
  if (!match || month === undefined) return null;
  const [, day, , year, hours, minutes, seconds, sign, offsetHours, offsetMinutes] = match;
  const offset = (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes));
  const utc = Date.UTC(Number(year), month, Number(day), Number(hours), Number(minutes), Number(seconds)) - offset * 60_000;
  return new Date(utc).toISOString().replace('.000Z', 'Z');
}

const rfc2822DateTime = z.string().transform((value, ctx) => {
  const iso = rfc2822ToIso(value);
  if (iso === null) {
    ctx.addIssue({ code: 'custom', message: `expected an RFC-2822 date such as "Tue, 05 Mar 2019 21:40:11 +0000", got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return iso;
});

export const BigCommerceProductSchema = z.object({
  id: platformId,
  product_id: optionalPlatformId,
  variant_id: optionalPlatformId,
  sku: text,
  name: text,
  quantity: z.number().int().nonnegative(),
  /** price_ex_tax × quantity, before discounts. */
  total_ex_tax: decimalAmount,
  total_inc_tax: decimalAmount,
  /** Units refunded so far. */
  quantity_refunded: z.number().int().nonnegative().nullish(),
  /** physical | digital | giftcertificate */
  type: text,
  /** Set on the products a bundle line (pick-list option) adds; their price is in the parent line. */
  parent_order_product_id: optionalPlatformId,
  applied_discounts: z.array(z.object({ amount: decimalAmount, code: text, target: text })).nullish(),
});

export const BigCommerceOrderSchema = z.object({
  id: platformId,
  customer_id: optionalPlatformId,
  date_created: rfc2822DateTime,
  date_modified: z.union([rfc2822DateTime, z.literal('')]).nullish(),
  status_id: z.number().int(),
  status: text,
  /** The transactional currency the shopper paid in, which the amounts are in. */
  default_currency_code: text,
  /** The display currency; used when the transactional one is missing. */
  currency_code: text,
  is_tax_inclusive_pricing: z.boolean().nullish(),
  billing_address: z.object({ email: text }).nullish(),
  /** The storefront cart (= checkout) the order was placed from: what the checkout script's capture names. */
  cart_id: text,
  ip_address: text,
  ip_address_v6: text,
});

export const BigCommerceBundleSchema = z.object({
  order: BigCommerceOrderSchema,
  products: z.array(BigCommerceProductSchema),
  coupons: z.array(z.object({ code: z.string() })).nullish(),
  /** Filled by the storefront click-capture script, joined on the order's cart id. */
  attribution: z.object({ clickId: text, landingUrl: text }).nullish(),
});

export type BigCommerceBundle = z.output<typeof BigCommerceBundleSchema>;
export type BigCommerceProduct = z.output<typeof BigCommerceProductSchema>;
