import { z } from 'zod';
import { type CurrencyCode, toCurrencyCode } from '../money/currency.ts';
import type { MinorUnits } from '../money/minor-units.ts';

/**
 * The platform-neutral order every plugin translates its platform's payload into.
 * Money is in integer minor units of `currency`; ids are strings, exact beyond 2^53.
 */

/**
 * Where the order stands with its payment, in the platform's own terms translated to one vocabulary.
 * `paid` covers authorized and partly refunded orders too: the sale happened.
 */
export const PAYMENT_STATES = [
  'paid',
  'awaiting_payment',
  'refunded',
  'cancelled',
  'declined',
  'failed',
  'draft',
] as const;
export type PaymentState = (typeof PAYMENT_STATES)[number];

/** Why an order was cancelled, where the platform says (Shopify's cancel_reason). */
export const CANCEL_REASONS = ['customer', 'declined', 'fraud', 'inventory', 'staff', 'other'] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

const minorUnits = z.number().int().refine(Number.isSafeInteger).transform((n) => n as MinorUnits);
const nonNegativeMinorUnits = z.number().int().min(0).refine(Number.isSafeInteger).transform((n) => n as MinorUnits);
const id = z.string().min(1);

export const LineItemSchema = z.object({
  id,
  /** The line's SKU as the platform gave it; empty or null when the product has none. */
  sku: z.string().nullable(),
  variantId: id.nullable(),
  productId: id.nullable(),
  name: z.string(),
  quantity: z.number().int().min(0),
  /** quantity × unit price, before discounts, tax excluded. */
  subtotal: minorUnits,
  /** Discounts allocated to this line, tax excluded, never shipping discounts. */
  discount: nonNegativeMinorUnits,
  giftCard: z.boolean(),
  /** Set when the line is a component of another line (a bundle's pick) whose price already includes it. */
  partOf: id.nullable(),
  /** Units an order edit took away after the sale; `quantity` stays as ordered. Absent when none. */
  removed: z.number().int().min(0).optional(),
});

/** Items given back: a refund's lines, by the platform's line id. Amount-only refunds have no lines. */
export const RefundSchema = z.object({
  id,
  lines: z.array(z.object({ lineId: id, quantity: z.number().int().min(0) })),
});

export const OrderSchema = z.object({
  /** The platform's order id. */
  id,
  /** The number the merchant sees (Shopify "#1001" → "1001"); becomes impact.com's OrderId. */
  number: id,
  /** Creation instant, ISO-8601 with an offset or Z. */
  createdAt: z.iso.datetime({ offset: true }),
  /** Last change on the platform, to tell a stale delivery from a newer one; null when unknown. */
  updatedAt: z.iso.datetime({ offset: true }).nullable(),
  currency: z
    .string()
    .refine((code) => toCurrencyCode(code) === code, 'an upper-case ISO 4217 currency code')
    .transform((code) => code as CurrencyCode),
  paymentState: z.enum(PAYMENT_STATES),
  /** The platform's own status words, for explanations ("financial_status=pending"). */
  platformStatus: z.string(),
  /** Why a cancelled order was cancelled; absent when the platform does not say. */
  cancelReason: z.enum(CANCEL_REASONS).nullable().optional(),
  test: z.boolean(),
  lineItems: z.array(LineItemSchema),
  /** Refunds so far, each once; line quantities given back add up across refunds. */
  refunds: z.array(RefundSchema),
  /** Every code entered on the order, as the customer typed it, in the platform's order. */
  discountCodes: z.array(z.string()),
  /** URL (absolute, or a path with query string) of the page where the visit began. */
  landingUrl: z.string().nullable(),
  /** Order-level name/value pairs: cart attributes, order meta. */
  attributes: z.array(z.object({ name: z.string(), value: z.string() })),
  /** A click id captured outside the order payload (storefront script, pixel beacon). */
  capturedClickId: z.string().nullable(),
  /** Where `capturedClickId` came from ("pixel", "customer journey"), for explanations. */
  capturedClickSource: z.string().nullable().optional(),
  /** The checkout's token, which a pixel's beacon may name instead of the order id. */
  checkoutToken: z.string().nullable().optional(),
  customer: z.object({
    /** Platform customer id of a registered customer; null for guests. */
    id: id.nullable(),
    /** Plain email. Only the mapping's hashing step may read it; it is never output. */
    email: z.string().nullable(),
    /**
     * In place of `email` in an order as the ledger keeps it (core/src/ledger/kept-order.ts): the email's
     * SHA-1 and SHA-256, of it trimmed and lower-cased, so that a conversion planned later still sends
     * CustomerEmail and the customer is still recognised. Absent from the orders plugins produce.
     */
    emailDigests: z.object({ sha1: z.string(), sha256: z.string() }).nullable().optional(),
    /** Tags of the customer and the order, as given. */
    tags: z.array(z.string()),
    /** true/false when the platform's data says whether the customer ordered before; null when it does not. */
    returning: z.boolean().nullable(),
  }),
  client: z.object({
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
  }),
});

export type LineItem = z.output<typeof LineItemSchema>;
export type Order = z.output<typeof OrderSchema>;
export type Refund = z.output<typeof RefundSchema>;

/**
 * `capturedClickSource` of a click id found in the landing pages the platform recorded for the order
 * (its customer journey, WebhookReceiver.fetchOrderInsights); a storefront beacon's source is the
 * plugin's own word ("pixel", "checkout script").
 */
export const CUSTOMER_JOURNEY_CLICK_SOURCE = 'customer journey';
