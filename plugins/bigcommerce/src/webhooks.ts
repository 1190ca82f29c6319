import { createHmac } from 'node:crypto';
import {
  type PayloadError,
  describePayloadError,
  type Result,
  type WebhookEvent,
  type WebhookReceiver,
  constantTimeEqual,
  err,
  ok,
  parseJson,
  parsePayload,
  pickHeaders,
  platformId,
  readCredentials,
} from '@cartrelay/core';
import { z } from 'zod';
import { type BigCommerceApi, type BigCommerceApiOptions, createBigCommerceApi } from './api/bigcommerce-api.ts';
import { fetchOrderBundle } from './api/orders.ts';
import { normalizeBigCommerceOrder } from './normalize-order.ts';

export const BIGCOMMERCE_ORDER_TOPICS = ['store/order/created', 'store/order/updated', 'store/order/statusUpdated'] as const;
/** What the app's reconciliation stores for an order the webhooks missed: `{data: {type: "order", id}}`, fetched like a webhook's. */
export const RECONCILED_TOPIC = 'store/order/reconciled';
/** The checkout's cart became this order: `data: {type: "cart", id: <cart id>, orderId}`. */
const CART_CONVERTED = 'store/cart/converted';
/** Scopes after which the order is fetched again: its status, items or refunds changed. */
const ORDER_CHANGE_SCOPES: readonly string[] = [...BIGCOMMERCE_ORDER_TOPICS, 'store/order/refund/created', CART_CONVERTED, RECONCILED_TOPIC];

/** The header carrying the per-store secret CartRelay sets when it creates the store's webhooks. */
export const BIGCOMMERCE_SECRET_HEADER = 'x-cartrelay-webhook-secret';
/** Standard Webhooks signatures older than this are refused (replay protection). */
const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

/**
 * A store's credentials: its API token (its webhooks carry only ids: orders are fetched with it) and
 * the secret header its hooks carry, when they are not signed with the app's client secret.
 */
export const BigCommerceCredentialsSchema = z.object({
  accessToken: z.string().min(1),
  webhookSecret: z.string().min(1).optional(),
});

export type BigCommerceCredentials = z.output<typeof BigCommerceCredentialsSchema>;

/** `{"scope":"store/order/created","store_id":"1025646","data":{"type":"order","id":250},"hash":"…","created_at":1561482670,"producer":"stores/{hash}"}` */
const WebhookBodySchema = z.object({
  scope: z.string().min(1),
  producer: z.string().regex(/^stores\/[A-Za-z0-9]+$/, 'expected "stores/{store_hash}"'),
  hash: z.string().min(1).optional(),
  created_at: z.number().int().optional(),
  data: z.object({ id: z.union([platformId, z.string().min(1)]) }).passthrough().optional(),
});

/** What an order scope's data names; `store/cart/converted` names its cart and the order it became. */
const OrderDataSchema = z.object({ data: z.object({ id: platformId, status: z.object({ new_status_id: z.number().int() }).passthrough().optional() }) });
const CartConvertedSchema = z.object({ data: z.object({ id: z.string().min(1).max(255), orderId: platformId }) });

/**
 * BigCommerce webhooks carry only ids. Each hook CartRelay creates carries the store's secret in a
 * header (https://developer.bigcommerce.com/docs/integrations/webhooks: custom headers are sent back
 * with every callback); newer deliveries are also signed the Standard Webhooks way with the app's
 * client secret. Either proves the delivery: the header is checked first, then the signature. The
 * order is then fetched through the V2 API, within the store's rate limit.
 */
/**
 * `api`: the app's own client, when there is one, so that order fetches count against the same
 * per-store rate limit as its set-up and reconciliation.
 */
export function createBigCommerceWebhooks(options: BigCommerceApiOptions & { readonly api?: BigCommerceApi }): WebhookReceiver {
  const api = options.api ?? createBigCommerceApi(options);

  return {
    topics: ORDER_CHANGE_SCOPES,
    // Never webhook-signature, nor the store's secret header.
    keptHeaders: (headers) => pickHeaders(headers, ['webhook-id', 'webhook-timestamp']),
    identify({ headers, body }) {
      const parsed = parseJson(body.toString('utf8'));
      const webhook = parsed.ok ? WebhookBodySchema.safeParse(parsed.value) : null;
      if (!webhook?.success) return err({ status: 400, reason: 'expected a BigCommerce webhook body with scope, producer and data' });
      const { scope, hash, created_at: createdAt } = webhook.data;
      // A retry repeats its event's hash and time; two events with the same data (the same status twice) differ in time.
      const deliveryKey = hash ? `${hash}${createdAt === undefined ? '' : `:${createdAt}`}` : headers['webhook-id'];
      if (!deliveryKey) return err({ status: 400, reason: 'missing the payload hash and the webhook-id header' });
      return ok({
        kind: 'delivery',
        shopKey: webhook.data.producer.slice('stores/'.length).toLowerCase(),
        topic: scope,
        deliveryId: `${scope}:${deliveryKey}`,
      });
    },

    // The store's header is only known once the store is: both proofs are checked then.
    signedWithAppSecret: () => false,
    credentials: BigCommerceCredentialsSchema,

    verify({ headers, body, receivedAt }, { appSecret, credentials }) {
      const presented = headers[BIGCOMMERCE_SECRET_HEADER];
      const storeSecret = readCredentials(BigCommerceCredentialsSchema, credentials)?.webhookSecret;
      if (presented && storeSecret && constantTimeEqual(presented, storeSecret)) return ok(true);
      const signature = headers['webhook-signature'];
      if (signature) {
        if (!appSecret) return err({ status: 401, reason: 'BIGCOMMERCE_CLIENT_SECRET is not configured, so signatures cannot be verified' });
        return verifyStandardWebhook(headers, body, signature, appSecret, receivedAt);
      }
      if (presented) return err({ status: 401, reason: storeSecret ? 'wrong store secret header' : 'the store has no webhook secret to check its header with' });
      return err({ status: 401, reason: 'neither a webhook-signature nor the store secret header' });
    },

    interpret(topic, payload): Result<WebhookEvent, PayloadError> {
      if (topic === CART_CONVERTED) {
        const converted = parsePayload(CartConvertedSchema, payload);
        return converted.ok ? ok({ kind: 'order_reference', platformOrderId: converted.value.data.orderId, checkoutToken: converted.value.data.id.toLowerCase() }) : converted;
      }
      if (!ORDER_CHANGE_SCOPES.includes(topic)) return ok({ kind: 'ignored', reason: `scope ${topic} carries no order change` });
      const webhook = parsePayload(OrderDataSchema, payload);
      if (!webhook.ok) return webhook;
      // An order moved to Incomplete (0) is a checkout abandoned after a failed payment: nothing to fetch.
      if (webhook.value.data.status?.new_status_id === 0) return ok({ kind: 'ignored', reason: 'status changed to Incomplete' });
      return ok({ kind: 'order_reference', platformOrderId: webhook.value.data.id });
    },

    async fetchOrder(access, platformOrderId) {
      const accessToken = readCredentials(BigCommerceCredentialsSchema, access.credentials)?.accessToken;
      if (!accessToken) return err(`store ${access.shopKey} has no API access token`);
      const bundle = await fetchOrderBundle(api, { storeHash: access.shopKey, accessToken }, platformOrderId);
      if (!bundle.ok) return err(bundle.error.kind === 'busy' ? { busyUntil: bundle.error.until, reason: bundle.error.message } : bundle.error.message);
      const normalized = normalizeBigCommerceOrder(bundle.value);
      return normalized.ok ? normalized : err(`order ${platformOrderId}: ${describePayloadError(normalized.error)}`);
    },

    normalizeShopKey(raw) {
      const hash = raw.trim().toLowerCase().replace(/^stores\//, '');
      return /^[a-z0-9]+$/.test(hash) ? ok(hash) : err(`"${raw}" is not a store hash such as abc123def`);
    },
  };
}

/** https://www.standardwebhooks.com: base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), header "v1,<sig> v1,<sig>". */
function verifyStandardWebhook(
  headers: Readonly<Record<string, string | undefined>>,
  body: Buffer,
  signatureHeader: string,
  clientSecret: string,
  receivedAt: number,
): Result<true, { status: 401; reason: string }> {
  const id = headers['webhook-id'];
  const timestamp = Number(headers['webhook-timestamp']);
  if (!id || !Number.isFinite(timestamp)) return err({ status: 401, reason: 'missing webhook-id or webhook-timestamp' });
  if (Math.abs(receivedAt - timestamp * 1000) > SIGNATURE_TOLERANCE_MS) return err({ status: 401, reason: 'webhook-timestamp is too old or in the future' });
  // BigCommerce's sample keys the library with base64(client secret), which it decodes: the key is the secret's bytes.
  const expected = createHmac('sha256', Buffer.from(clientSecret, 'utf8')).update(`${id}.${headers['webhook-timestamp']}.`).update(body).digest('base64');
  const matches = signatureHeader.split(' ').some((part) => {
    const [version, signature] = part.split(',');
    return version === 'v1' && signature !== undefined && constantTimeEqual(signature, expected);
  });
  return matches ? ok(true) : err({ status: 401, reason: 'invalid webhook-signature' });
}
