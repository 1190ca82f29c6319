import {
  type PayloadError,
  parsePayload,
  type Result,
  type WebhookEvent,
  type WebhookReceiver,
  constantTimeEqual,
  err,
  hmacSha256Base64,
  ok,
  pickHeaders,
  readCredentials,
} from '@cartrelay/core';
import { z } from 'zod';
import { normalizeWooOrder } from './normalize-order.ts';
import { WooDeletedOrderSchema } from './order-payload.ts';

export const WOO_ORDER_TOPICS = ['order.created', 'order.updated', 'order.restored'] as const;

/** A store's credentials: the secret its webhooks were created with (WooCommerce signs each delivery with it). */
export const WooCommerceCredentialsSchema = z.object({
  webhookSecret: z.string().min(1),
});

/**
 * WooCommerce webhooks: base64(HMAC-SHA256(raw body, the webhook's secret)) in X-WC-Webhook-Signature;
 * the site in X-WC-Webhook-Source. On creation WooCommerce pings with an unsigned form body
 * `webhook_id=N` and counts anything but 200 as a failure. (WC_Webhook::deliver, deliver_ping.)
 */
export const woocommerceWebhooks: WebhookReceiver = {
  topics: [...WOO_ORDER_TOPICS, 'order.deleted'],
  // Never X-WC-Webhook-Signature.
  keptHeaders: (headers) =>
    pickHeaders(headers, ['x-wc-webhook-topic', 'x-wc-webhook-resource', 'x-wc-webhook-event', 'x-wc-webhook-source', 'x-wc-webhook-id', 'x-wc-webhook-delivery-id']),
  identify({ headers, body }) {
    if (!headers['x-wc-webhook-signature'] && /^webhook_id=\d+$/.test(body.toString('utf8').trim())) return ok({ kind: 'ping' });
    if (!headers['x-wc-webhook-signature']) return err({ status: 401, reason: 'missing X-WC-Webhook-Signature' });
    const source = headers['x-wc-webhook-source'];
    const topic = headers['x-wc-webhook-topic'];
    const deliveryId = headers['x-wc-webhook-delivery-id'];
    if (!source || !topic || !deliveryId) return err({ status: 400, reason: 'missing X-WC-Webhook-Source, X-WC-Webhook-Topic or X-WC-Webhook-Delivery-ID' });
    const shopKey = normalizeSiteUrl(source);
    if (!shopKey.ok) return err({ status: 400, reason: shopKey.error });
    return ok({ kind: 'delivery', shopKey: shopKey.value, topic, deliveryId });
  },

  // Each shop's webhooks are signed with the secret set when they were created.
  signedWithAppSecret: () => false,
  credentials: WooCommerceCredentialsSchema,

  verify({ headers, body }, { credentials }) {
    const secret = readCredentials(WooCommerceCredentialsSchema, credentials)?.webhookSecret;
    if (!secret) return err({ status: 401, reason: 'the shop has no webhook secret to verify with' });
    const signature = headers['x-wc-webhook-signature'] ?? '';
    return constantTimeEqual(hmacSha256Base64(secret, body), signature) ? ok(true) : err({ status: 401, reason: 'invalid webhook signature' });
  },

  interpret(topic, payload): Result<WebhookEvent, PayloadError> {
    if (topic === 'order.deleted') {
      // Trashed: impact.com hears of it as a cancellation. (order.restored brings the order back, but an
      // action once reversed stays reversed at impact.com.)
      const deleted = parsePayload(WooDeletedOrderSchema, payload);
      return deleted.ok ? ok({ kind: 'order_deleted', platformOrderId: deleted.value.id }) : deleted;
    }
    if (!(WOO_ORDER_TOPICS as readonly string[]).includes(topic)) return ok({ kind: 'ignored', reason: `topic ${topic} carries no order change` });
    const order = normalizeWooOrder(payload);
    return order.ok ? ok({ kind: 'order', order: order.value }) : order;
  },

  normalizeShopKey: normalizeSiteUrl,
};

/** A WooCommerce shop is its site URL as sent in X-WC-Webhook-Source (home_url('/')), without the trailing slash. */
export function normalizeSiteUrl(raw: string): Result<string, string> {
  try {
    const url = new URL(raw.trim());
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http');
    return ok(`${url.protocol}//${url.host.toLowerCase()}${url.pathname.replace(/\/+$/, '')}`);
  } catch {
    return err(`"${raw}" is not a site URL such as https://shop.example`);
  }
}
