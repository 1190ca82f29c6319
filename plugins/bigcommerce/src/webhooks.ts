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
  platformId,
} from '@cartrelay/core';
import { z } from 'zod';
import { normalizeBigCommerceOrder } from './normalize-order.ts';

export const BIGCOMMERCE_ORDER_TOPICS = ['store/order/created', 'store/order/updated', 'store/order/statusUpdated'] as const;
/** Scopes after which the order is fetched again: its status, items or refunds changed. */
const ORDER_CHANGE_SCOPES: readonly string[] = [...BIGCOMMERCE_ORDER_TOPICS, 'store/order/refund/created'];

/** The header carrying the per-store secret CartRelay sets when it creates the store's webhooks. */
export const BIGCOMMERCE_SECRET_HEADER = 'x-cartrelay-webhook-secret';
/** Standard Webhooks signatures older than this are refused (replay protection). */
const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

/** `{"scope":"store/order/created","store_id":"1025646","data":{"type":"order","id":250},"hash":"…","producer":"stores/{hash}"}` */
const WebhookBodySchema = z.object({
  scope: z.string().min(1),
  producer: z.string().regex(/^stores\/[A-Za-z0-9]+$/, 'expected "stores/{store_hash}"'),
  hash: z.string().min(1).optional(),
  data: z.object({ id: platformId }).passthrough().optional(),
});

export interface BigCommerceApiOptions {
  /** https://api.bigcommerce.com, or a fake in tests. */
  readonly apiBaseUrl: string;
  readonly fetch?: typeof fetch;
}

/**
 * BigCommerce webhooks carry only ids and are authenticated either by Standard Webhooks signatures
 * (webhook-id, webhook-timestamp, webhook-signature; key = the app's client secret) or, on the legacy
 * path, by a secret header CartRelay set on the hook. The order is then fetched with the V2 API.
 */
export function createBigCommerceWebhooks(options: BigCommerceApiOptions): WebhookReceiver {
  const apiBaseUrl = options.apiBaseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;

  return {
    identify({ headers, body }) {
      const parsed = parseJson(body.toString('utf8'));
      const webhook = parsed.ok ? WebhookBodySchema.safeParse(parsed.value) : null;
      if (!webhook?.success) return err({ status: 400, reason: 'expected a BigCommerce webhook body with scope, producer and data' });
      const deliveryKey = webhook.data.hash ?? headers['webhook-id'];
      if (!deliveryKey) return err({ status: 400, reason: 'missing the payload hash and the webhook-id header' });
      return ok({
        kind: 'delivery',
        shopKey: webhook.data.producer.slice('stores/'.length).toLowerCase(),
        topic: webhook.data.scope,
        deliveryId: `${webhook.data.scope}:${deliveryKey}`,
      });
    },

    // Standard Webhooks signatures use the app's client secret; the older hooks carry a per-store header.
    signedWithAppSecret: ({ headers }) => headers['webhook-signature'] !== undefined,

    verify({ headers, body, receivedAt }, { appSecret, shopSecret }) {
      const signature = headers['webhook-signature'];
      if (signature) {
        if (!appSecret) return err({ status: 401, reason: 'BIGCOMMERCE_CLIENT_SECRET is not configured, so signatures cannot be verified' });
        return verifyStandardWebhook(headers, body, signature, appSecret, receivedAt);
      }
      const presented = headers[BIGCOMMERCE_SECRET_HEADER];
      if (!presented || !shopSecret) return err({ status: 401, reason: 'neither a webhook-signature nor the store secret header' });
      return constantTimeEqual(presented, shopSecret) ? ok(true) : err({ status: 401, reason: 'wrong store secret header' });
    },

    interpret(topic, payload): Result<WebhookEvent, PayloadError> {
      if (!ORDER_CHANGE_SCOPES.includes(topic)) return ok({ kind: 'ignored', reason: `scope ${topic} carries no order change` });
      const webhook = parsePayload(z.object({ data: z.object({ id: platformId }) }), payload);
      return webhook.ok ? ok({ kind: 'order_reference', platformOrderId: webhook.value.data.id }) : webhook;
    },

    async fetchOrder(access, platformOrderId) {
      if (!access.accessToken) return err(`store ${access.shopKey} has no API access token`);
      const get = async (path: string): Promise<Result<unknown, string>> => {
        const url = `${apiBaseUrl}/stores/${encodeURIComponent(access.shopKey)}/v2/orders/${encodeURIComponent(platformOrderId)}${path}`;
        try {
          const response = await doFetch(url, {
            headers: { 'x-auth-token': access.accessToken!, accept: 'application/json' },
            signal: AbortSignal.timeout(15_000),
          });
          if (response.status === 204) return ok([]);
          if (!response.ok) return err(`GET ${url}: HTTP ${response.status}`);
          const parsed = parseJson(await response.text());
          return parsed.ok ? ok(parsed.value) : err(`GET ${url}: invalid JSON`);
        } catch (error) {
          return err(`GET ${url}: ${error instanceof Error ? error.message : String(error)}`);
        }
      };
      const [order, products, coupons] = await Promise.all([get(''), get('/products'), get('/coupons')]);
      if (!order.ok) return order;
      if (!products.ok) return products;
      if (!coupons.ok) return coupons;
      const normalized = normalizeBigCommerceOrder({ order: order.value, products: products.value, coupons: coupons.value });
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
