import {
  type PayloadError,
  parsePayload,
  type Result,
  type WebhookEvent,
  type WebhookReceiver,
  constantTimeEqual,
  describePayloadError,
  err,
  hmacSha256Base64,
  ok,
  pickHeaders,
  readCredentials,
} from '@cartrelay/core';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type WooCommerceApi, type WooStoreAccess, createWooCommerceApi } from './api/woocommerce-api.ts';
import { normalizeWooOrder } from './normalize-order.ts';
import { refundsWithLines } from './refund-lines.ts';
import { WooDeletedOrderSchema } from './order-payload.ts';

/** `order.reconciled`: an order read by reconciliation, stored as a webhook so that it takes the same path. */
export const RECONCILED_TOPIC = 'order.reconciled';
export const WOO_ORDER_TOPICS = ['order.created', 'order.updated', 'order.restored', RECONCILED_TOPIC] as const;
/** The webhooks a connected store gets. */
export const WOO_WEBHOOK_TOPICS = ['order.created', 'order.updated', 'order.deleted', 'order.restored'] as const;

/**
 * A store's credentials: the secret its webhooks were created with (WooCommerce signs each delivery
 * with it) and, once connected through the app, the REST key the store approved and the secret of
 * the plugin's signed links.
 */
export const WooCommerceCredentialsSchema = z.object({
  webhookSecret: z.string().min(1),
  consumerKey: z.string().startsWith('ck_').optional(),
  consumerSecret: z.string().startsWith('cs_').optional(),
  /** WooCommerce's id of that key (the plugin deletes it on disconnect). */
  keyId: z.number().int().positive().optional(),
  /** Signs the plugin's links into the admin page and its disconnect request. */
  linkSecret: z.string().min(32).optional(),
  /** Connect states already used, with their expiry (epoch ms): each works once. */
  usedStates: z.array(z.object({ nonce: z.string(), exp: z.number() })).optional(),
});

export type WooCommerceCredentials = z.output<typeof WooCommerceCredentialsSchema>;

/** The store's REST access from its credentials, when it has a key. */
export function restAccess(siteUrl: string, credentials: unknown): WooStoreAccess | null {
  const saved = readCredentials(WooCommerceCredentialsSchema, credentials);
  return saved?.consumerKey && saved.consumerSecret ? { siteUrl, consumerKey: saved.consumerKey, consumerSecret: saved.consumerSecret } : null;
}

/**
 * WooCommerce webhooks: base64(HMAC-SHA256(raw body, the webhook's secret)) in X-WC-Webhook-Signature;
 * the site in X-WC-Webhook-Source. On creation WooCommerce pings with an unsigned form body
 * `webhook_id=N` and counts anything but 200 as a failure. (WC_Webhook::deliver, deliver_ping.)
 */
export function createWooCommerceWebhooks(options: { readonly api?: WooCommerceApi } = {}): WebhookReceiver {
  const api = options.api ?? createWooCommerceApi();
  return {
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
    // WooCommerce's delivery id is a hash of the webhook id and the second it was sent: two changes of
    // an order within one second share it. With the body's digest, only a true repeat is a duplicate.
    return ok({ kind: 'delivery', shopKey: shopKey.value, topic, deliveryId: `${deliveryId}:${createHash('sha256').update(body).digest('base64url').slice(0, 22)}` });
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

  /** Refunds' lines, which the order webhook leaves out; a store without a REST key keeps the totals only. */
  async completeOrder(access, order) {
    if (order.refunds.length === 0) return ok(order);
    const store = restAccess(access.shopKey, access.credentials);
    if (!store) return ok(order);
    const listed = await api.request(store, 'get', `orders/${encodeURIComponent(order.id)}/refunds`, { params: { per_page: 100 } });
    if (!listed.ok) {
      if (listed.error.kind === 'unavailable' && listed.error.retryAt) return err({ busyUntil: listed.error.retryAt, reason: listed.error.message });
      return err(`the refunds of order ${order.id} could not be read: ${listed.error.message}`);
    }
    const refunds = refundsWithLines(order, listed.value.body);
    return refunds.ok ? ok({ ...order, refunds: refunds.value }) : err(`the refunds of order ${order.id} were not understood: ${describePayloadError(refunds.error)}`);
  },

  normalizeShopKey: normalizeSiteUrl,
  };
}

/** A relay without the app: webhooks verified with each store's secret, refunds read with its key when it has one. */
export const woocommerceWebhooks: WebhookReceiver = createWooCommerceWebhooks();

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
