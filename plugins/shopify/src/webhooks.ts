import {
  type PayloadError,
  type Result,
  type WebhookEvent,
  type WebhookReceiver,
  constantTimeEqual,
  err,
  hmacSha256Base64,
  ok,
  parseJson,
  parsePayload,
  pickHeaders,
} from '@cartrelay/core';
import { z } from 'zod';
import { normalizeShopifyGraphqlOrder } from './admin-api/graphql-order.ts';
import { OptionalShopifyCredentialsSchema } from './credentials.ts';
import { normalizeShopifyOrder, toRefund } from './normalize-order.ts';
import { ShopifyRefundSchema } from './order-payload.ts';

export const SHOPIFY_ORDER_TOPICS = [
  'orders/create',
  'orders/paid',
  'orders/updated',
  'orders/cancelled',
  'orders/fulfilled',
  'orders/partially_fulfilled',
] as const;

/** Orders read by reconciliation (GraphQL order nodes), stored in the inbox like webhooks. */
export const RECONCILED_TOPIC = 'orders/reconciled';

/** The app's lifecycle and the privacy-law topics every App Store app must handle. */
export const SHOPIFY_SHOP_TOPICS = ['app/uninstalled', 'app/scopes_update', 'shop/redact', 'customers/redact', 'customers/data_request'] as const;

/** Ids arrive as JSON numbers beyond 2^53 (parsed exactly as strings by parseJson) or strings. */
const payloadId = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);
const CustomerRequestSchema = z.object({
  customer: z.object({ id: payloadId.nullish(), email: z.string().nullish() }).passthrough(),
  orders_to_redact: z.array(payloadId).nullish(),
  orders_requested: z.array(payloadId).nullish(),
  data_request: z.object({ id: payloadId }).passthrough().nullish(),
});

/**
 * Topics that act on the shop itself (deactivation, deletion, a customer's data), with the payload
 * field that names the shop: https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance,
 * and app/uninstalled's Shop resource. app/scopes_update names the shop only by id, which CartRelay
 * does not hold; it changes nothing but the scopes recorded (at worst one more token exchange).
 */
const SHOP_NAMING_TOPICS: Readonly<Record<string, string>> = {
  'app/uninstalled': 'myshopify_domain',
  'shop/redact': 'shop_domain',
  'customers/redact': 'shop_domain',
  'customers/data_request': 'shop_domain',
};

/** The shop domain a lifecycle or privacy payload names in `field`, normalized; null when it names none. */
function payloadShopDomain(body: Buffer, field: string): string | null {
  const payload = parseJson(body.toString('utf8'));
  const named = payload.ok && typeof payload.value === 'object' && payload.value !== null ? (payload.value as Record<string, unknown>)[field] : null;
  if (typeof named !== 'string') return null;
  const domain = normalizeShopDomain(named);
  return domain.ok ? domain.value : null;
}

/** https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-app/scopes_update */
const ScopesUpdateSchema = z.object({ current: z.array(z.string()) });

const KEPT_HEADERS = ['topic', 'shop-domain', 'event-id', 'webhook-id', 'triggered-at', 'api-version'];

const header = (headers: Readonly<Record<string, string | undefined>>, name: string) =>
  // Webhook deliveries use X-Shopify-*; the newer Events deliveries drop the X- prefix.
  headers[`x-shopify-${name}`] ?? headers[`shopify-${name}`];

/**
 * Shopify webhooks: signed with the app's API secret as base64(HMAC-SHA256(raw body)) in
 * X-Shopify-Hmac-Sha256. Duplicates share X-Shopify-Event-Id (per topic).
 * https://shopify.dev/docs/apps/build/webhooks/subscribe/https
 */
export const shopifyWebhooks: WebhookReceiver = {
  topics: [...SHOPIFY_ORDER_TOPICS, 'refunds/create', ...SHOPIFY_SHOP_TOPICS],

  // Webhook deliveries (X-Shopify-*) and Events deliveries (Shopify-*); never the HMAC.
  keptHeaders: (headers) => pickHeaders(headers, KEPT_HEADERS.flatMap((name) => [`x-shopify-${name}`, `shopify-${name}`])),

  identify({ headers, body }) {
    const topic = header(headers, 'topic');
    const shopKey = header(headers, 'shop-domain');
    const eventId = header(headers, 'event-id') ?? header(headers, 'webhook-id');
    if (!topic || !shopKey || !eventId) {
      return err({ status: 400, reason: 'missing X-Shopify-Topic, X-Shopify-Shop-Domain or X-Shopify-Event-Id/X-Shopify-Webhook-Id' });
    }
    const normalized = normalizeShopDomain(shopKey);
    if (!normalized.ok) return err({ status: 400, reason: normalized.error });
    // The HMAC covers the body only: the topic and shop headers could be another shop's. A topic that
    // acts on the shop itself must name, in its signed payload, the shop the header names.
    if (SHOP_NAMING_TOPICS[topic]) {
      const named = payloadShopDomain(body, SHOP_NAMING_TOPICS[topic]);
      if (named !== normalized.value) return err({ status: 401, reason: `the signed payload names ${named ? `shop ${named}` : 'no shop'}, not the X-Shopify-Shop-Domain header's` });
    }
    return ok({ kind: 'delivery', shopKey: normalized.value, topic, deliveryId: `${topic}:${eventId}` });
  },

  occurredAt(headers) {
    const at = Date.parse(header(headers, 'triggered-at') ?? '');
    return Number.isNaN(at) ? null : at;
  },

  // Every Shopify webhook is signed with the app's API secret.
  signedWithAppSecret: () => true,
  // Webhooks need none (they are signed with the app's secret); the Admin API needs the offline token.
  credentials: OptionalShopifyCredentialsSchema,

  verify({ headers, body }, { appSecret }) {
    const signature = header(headers, 'hmac-sha256');
    if (!signature) return err({ status: 401, reason: 'missing X-Shopify-Hmac-Sha256' });
    if (!appSecret) return err({ status: 401, reason: 'SHOPIFY_API_SECRET is not configured, so no Shopify webhook can be verified' });
    return constantTimeEqual(hmacSha256Base64(appSecret, body), signature) ? ok(true) : err({ status: 401, reason: 'invalid HMAC signature' });
  },

  interpret(topic, payload): Result<WebhookEvent, PayloadError> {
    if ((SHOPIFY_ORDER_TOPICS as readonly string[]).includes(topic)) {
      const order = normalizeShopifyOrder(payload);
      return order.ok ? ok({ kind: 'order', order: order.value }) : order;
    }
    if (topic === 'refunds/create') {
      const refund = parsePayload(ShopifyRefundSchema.required({ order_id: true }), payload);
      return refund.ok ? ok({ kind: 'refund', platformOrderId: refund.value.order_id, refund: toRefund(refund.value) }) : refund;
    }
    if (topic === RECONCILED_TOPIC) {
      const order = normalizeShopifyGraphqlOrder(payload);
      return order.ok ? ok({ kind: 'order', order: order.value }) : order;
    }
    if (topic === 'app/uninstalled') return ok({ kind: 'shop_uninstalled' });
    if (topic === 'shop/redact') return ok({ kind: 'shop_redact' });
    if (topic === 'app/scopes_update') {
      const update = parsePayload(ScopesUpdateSchema, payload);
      return update.ok ? ok({ kind: 'access_scopes_changed', scopes: update.value.current }) : update;
    }
    if (topic === 'customers/redact' || topic === 'customers/data_request') {
      const request = parsePayload(CustomerRequestSchema, payload);
      if (!request.ok) return request;
      const { customer, orders_to_redact, orders_requested, data_request } = request.value;
      const ref = { customerId: customer.id ?? null, email: customer.email ?? null, platformOrderIds: orders_to_redact ?? orders_requested ?? [] };
      return ok(topic === 'customers/redact' ? { kind: 'customer_redact', customer: ref } : { kind: 'customer_data_request', customer: ref, requestId: data_request?.id ?? null });
    }
    return ok({ kind: 'ignored', reason: `topic ${topic} carries no order change` });
  },

  normalizeShopKey: normalizeShopDomain,
};

/** A shop is its permanent `*.myshopify.com` domain, lower-cased. */
export function normalizeShopDomain(raw: string): Result<string, string> {
  const domain = raw.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/+$/, '');
  return /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(domain)
    ? ok(domain)
    : err(`"${raw}" is not a shop domain such as my-store.myshopify.com`);
}
