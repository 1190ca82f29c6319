import { type Order, type PayloadError, type Result, currencyCode, decimalAmount, invalidPayload, isoInstant, parsePayload } from '@cartrelay/core';
import { z } from 'zod';
import { normalizeShopifyOrder } from '../normalize-order.ts';
import { numericId } from './gid.ts';

/**
 * A Shopify order as the GraphQL Admin API gives it (the selection below), into the same core
 * Order the REST webhook normalizer makes of the same order. It is done by rewriting the node into
 * the REST webhook shape and running `normalizeShopifyOrder`, so every rule (taxes included,
 * refunded and edited units, gift cards, e-mail fallbacks) is one rule, not two copies that could drift.
 * Fields: https://shopify.dev/docs/api/admin-graphql/2026-07/objects/Order
 */

/** Line items and refund lines read per order. Past these the node is refused rather than read short. */
export const LINE_ITEMS_PER_ORDER = 40;
export const REFUNDS_PER_ORDER = 10;
export const REFUND_LINES_PER_REFUND = 20;

/**
 * The order selection reconciliation reads. Its requested cost is about
 * 2 + 40 × 11 (line items) + 10 × (3 + 20 × 2) (refunds) + 12 ≈ 890 points, under the 1,000 a
 * single query may request (https://shopify.dev/docs/api/usage/limits#graphql-admin-api-rate-limits).
 */
export const ORDER_NODE_FIELDS = `id
name
createdAt
updatedAt
currencyCode
displayFinancialStatus
cancelledAt
cancelReason
test
taxesIncluded
email
tags
clientIp
checkoutToken
discountCodes
customAttributes { key value }
customerJourneySummary { lastVisit { landingPage } }
lineItems(first: ${LINE_ITEMS_PER_ORDER}) {
  nodes {
    id sku name title quantity currentQuantity isGiftCard
    variant { id }
    product { id }
    originalUnitPriceSet { shopMoney { amount } }
    discountAllocations { allocatedAmountSet { shopMoney { amount } } }
    taxLines { rate priceSet { shopMoney { amount } } }
  }
  pageInfo { hasNextPage }
}
refunds(first: ${REFUNDS_PER_ORDER}) {
  id
  refundLineItems(first: ${REFUND_LINES_PER_REFUND}) { nodes { quantity lineItem { id } } pageInfo { hasNextPage } }
}`;

const gid = z.string().regex(/^gid:\/\/shopify\/\w+\/\d+/, 'expected a Shopify GraphQL id (gid://shopify/Type/123)');
const text = z.string().nullish();
const shopMoney = z.object({ shopMoney: z.object({ amount: decimalAmount }) });
const pageInfo = z.object({ hasNextPage: z.boolean() }).nullish();

const GraphqlLineItemSchema = z.object({
  id: gid,
  sku: text,
  name: text,
  title: text,
  quantity: z.number().int().nonnegative(),
  /** Units left after refunds and removals (GraphQL: "excluding refunded and removed units"), as REST current_quantity. */
  currentQuantity: z.number().int().nonnegative().nullish(),
  isGiftCard: z.boolean().nullish(),
  variant: z.object({ id: gid }).nullish(),
  product: z.object({ id: gid }).nullish(),
  originalUnitPriceSet: shopMoney,
  discountAllocations: z.array(z.object({ allocatedAmountSet: shopMoney })).nullish(),
  taxLines: z.array(z.object({ rate: z.number().nullish(), priceSet: shopMoney })).nullish(),
});

export const GraphqlOrderSchema = z.object({
  id: gid,
  name: z.string().trim().min(1),
  createdAt: isoInstant,
  updatedAt: isoInstant.nullish(),
  /** The shop's currency; every amount below is read in shop money, as REST's plain amounts are. */
  currencyCode,
  displayFinancialStatus: text,
  cancelledAt: isoInstant.nullish(),
  cancelReason: text,
  test: z.boolean().nullish(),
  taxesIncluded: z.boolean().nullish(),
  email: text,
  tags: z.array(z.string()).nullish(),
  clientIp: text,
  /** The checkout's token (2026-07+), the same value as REST checkout_token and the pixel's checkout.token. */
  checkoutToken: text,
  discountCodes: z.array(z.string()).nullish(),
  customAttributes: z.array(z.object({ key: z.string(), value: z.string().nullable() })).nullish(),
  customerJourneySummary: z.object({ lastVisit: z.object({ landingPage: text }).nullish() }).nullish(),
  lineItems: z.object({ nodes: z.array(GraphqlLineItemSchema), pageInfo }),
  refunds: z
    .array(z.object({ id: gid, refundLineItems: z.object({ nodes: z.array(z.object({ quantity: z.number().int().nonnegative(), lineItem: z.object({ id: gid }) })), pageInfo }) }))
    .nullish(),
  /**
   * Not a GraphQL field: the shop's IANA time zone (Shop.ianaTimezone), which reconciliation adds.
   * GraphQL gives instants in UTC, REST in the shop's offset; with it the dates read as REST's do.
   */
  shopTimezone: z.string().nullish(),
});

export type GraphqlOrderNode = z.input<typeof GraphqlOrderSchema>;
type GraphqlOrder = z.output<typeof GraphqlOrderSchema>;

export function normalizeShopifyGraphqlOrder(node: unknown): Result<Order, PayloadError> {
  const parsed = parsePayload(GraphqlOrderSchema, node);
  if (!parsed.ok) return parsed;
  const order = parsed.value;
  if (order.lineItems.pageInfo?.hasNextPage) return invalidPayload('lineItems', `more than ${LINE_ITEMS_PER_ORDER} line items: not read, to avoid a short copy of the order`);
  const refunds = order.refunds ?? [];
  if (refunds.length >= REFUNDS_PER_ORDER) return invalidPayload('refunds', `${REFUNDS_PER_ORDER} or more refunds: some may be missing`);
  const truncated = refunds.findIndex((refund) => refund.refundLineItems.pageInfo?.hasNextPage);
  if (truncated >= 0) return invalidPayload(`refunds[${truncated}].refundLineItems`, `more than ${REFUND_LINES_PER_REFUND} refund lines`);
  let zone: ((iso: string) => string) | null = null;
  if (order.shopTimezone) {
    const formatter = zonedFormatter(order.shopTimezone);
    if (!formatter) return invalidPayload('shopTimezone', `unknown time zone ${JSON.stringify(order.shopTimezone)}`);
    zone = formatter;
  }
  return normalizeShopifyOrder(toRestShape(order, zone ?? ((iso) => iso)));
}

/** The REST webhook fields normalizeShopifyOrder reads (order-payload.ts), from the GraphQL node. */
function toRestShape(order: GraphqlOrder, time: (iso: string) => string) {
  const money = (amount: string) => ({ shop_money: { amount } });
  return {
    id: numericId(order.id),
    admin_graphql_api_id: order.id,
    name: order.name,
    created_at: time(order.createdAt),
    updated_at: order.updatedAt ? time(order.updatedAt) : null,
    currency: order.currencyCode,
    // OrderDisplayFinancialStatus is REST's financial_status upper-cased (PAID → paid, PARTIALLY_REFUNDED → partially_refunded).
    financial_status: order.displayFinancialStatus?.toLowerCase() ?? null,
    cancelled_at: order.cancelledAt ? time(order.cancelledAt) : null,
    cancel_reason: order.cancelReason?.toLowerCase() ?? null,
    test: order.test ?? false,
    taxes_included: order.taxesIncluded ?? false,
    line_items: order.lineItems.nodes.map((line) => ({
      id: numericId(line.id),
      admin_graphql_api_id: line.id,
      sku: line.sku ?? null,
      variant_id: line.variant ? numericId(line.variant.id) : null,
      product_id: line.product ? numericId(line.product.id) : null,
      name: line.name ?? null,
      title: line.title ?? null,
      quantity: line.quantity,
      current_quantity: line.currentQuantity ?? null,
      price: line.originalUnitPriceSet.shopMoney.amount,
      price_set: money(line.originalUnitPriceSet.shopMoney.amount),
      gift_card: line.isGiftCard ?? false,
      tax_lines: (line.taxLines ?? []).map((tax) => ({ price: tax.priceSet.shopMoney.amount, price_set: money(tax.priceSet.shopMoney.amount), rate: tax.rate ?? null })),
      discount_allocations: (line.discountAllocations ?? []).map((allocation) => ({
        amount: allocation.allocatedAmountSet.shopMoney.amount,
        amount_set: money(allocation.allocatedAmountSet.shopMoney.amount),
      })),
    })),
    refunds: (order.refunds ?? []).map((refund) => ({
      id: numericId(refund.id),
      refund_line_items: refund.refundLineItems.nodes.map((line) => ({ line_item_id: numericId(line.lineItem.id), quantity: line.quantity })),
    })),
    discount_codes: (order.discountCodes ?? []).map((code) => ({ code })),
    checkout_token: order.checkoutToken ?? null,
    landing_site: landingSite(order.customerJourneySummary?.lastVisit?.landingPage),
    note_attributes: (order.customAttributes ?? []).map((attribute) => ({ name: attribute.key, value: attribute.value })),
    tags: (order.tags ?? []).join(', '),
    email: order.email ?? null,
    contact_email: null,
    // Order.customer is a Customer, which needs read_customers: the app does without it (the order
    // carries its email, and the journey's customerOrderIndex says new or returning).
    customer: null,
    browser_ip: order.clientIp ?? null,
    // GraphQL has no user agent for an order.
    client_details: null,
  };
}

/**
 * REST's landing_site is the landing page's path and query ("/?irclickid=…"); CustomerVisit.landingPage
 * is the whole URL. Reduced to path + query (+ fragment) so both read alike; the click id lives in the query.
 */
function landingSite(landingPage: string | null | undefined): string | null {
  if (!landingPage) return null;
  try {
    const url = new URL(landingPage);
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return landingPage;
  }
}

/** Renders a UTC instant as REST does in the shop's zone: 2022-01-01T00:00:00Z → 2021-12-31T19:00:00-05:00. */
function zonedFormatter(timeZone: string): ((iso: string) => string) | null {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    });
  } catch {
    return null;
  }
  return (iso) => {
    const parts = Object.fromEntries(format.formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
    const offset = parts.timeZoneName === 'GMT' ? '+00:00' : (parts.timeZoneName ?? 'GMT+00:00').replace('GMT', '');
    return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
  };
}
