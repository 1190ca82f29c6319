import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { wpDate } from './fake-wc-orders.ts';

/**
 * Webhooks as WooCommerce keeps and sends them: WC_Webhook (includes/class-wc-webhook.php),
 * WC_Webhook_Data_Store (includes/data-stores/class-wc-webhook-data-store.php) and
 * wc-webhook-functions.php.
 */

export type WebhookStatus = 'active' | 'paused' | 'disabled';
export const WEBHOOK_STATUSES: readonly WebhookStatus[] = ['active', 'paused', 'disabled'];

export interface StoredWebhook {
  readonly id: number;
  name: string;
  status: WebhookStatus;
  topic: string;
  deliveryUrl: string;
  /** Never shown by the REST API (`prepare_item_for_response` leaves it out); here for tests. */
  secret: string;
  readonly userId: number;
  readonly apiVersion: number;
  failureCount: number;
  pendingDelivery: boolean;
  readonly createdAt: number;
  modifiedAt: number | null;
}

/** `WC_Webhook::get_default_topic_hooks`. */
export const TOPIC_HOOKS: Readonly<Record<string, readonly string[]>> = {
  'coupon.created': ['woocommerce_process_shop_coupon_meta', 'woocommerce_new_coupon'],
  'coupon.updated': ['woocommerce_process_shop_coupon_meta', 'woocommerce_update_coupon'],
  'coupon.deleted': ['wp_trash_post'],
  'coupon.restored': ['untrashed_post'],
  'customer.created': ['user_register', 'woocommerce_created_customer', 'woocommerce_new_customer'],
  'customer.updated': ['profile_update', 'woocommerce_update_customer'],
  'customer.deleted': ['delete_user'],
  'order.created': ['woocommerce_new_order'],
  'order.updated': ['woocommerce_update_order', 'woocommerce_order_refunded', 'woocommerce_delete_order_refund'],
  'order.deleted': ['wp_trash_post', 'woocommerce_trash_order'],
  'order.restored': ['untrashed_post', 'woocommerce_untrash_order'],
  'product.created': ['woocommerce_process_product_meta', 'woocommerce_new_product', 'woocommerce_new_product_variation'],
  'product.updated': ['woocommerce_process_product_meta', 'woocommerce_update_product', 'woocommerce_update_product_variation'],
  'product.deleted': ['wp_trash_post'],
  'product.restored': ['untrashed_post'],
  'product.published': ['woocommerce_product_published'],
};

/** `wc_is_webhook_valid_topic`. */
export function isValidTopic(topic: string): boolean {
  if (['action.woocommerce_login_credentials', 'action.woocommerce_product_csv_importer_check_import_file_path', 'action.woocommerce_webhook_should_deliver'].includes(topic)) return false;
  if (topic.startsWith('action.woocommerce_') || topic.startsWith('action.wc_')) return true;
  const [resource, event] = topic.split('.');
  return ['coupon', 'customer', 'order', 'product'].includes(resource ?? '') && ['created', 'updated', 'deleted', 'restored'].includes(event ?? '');
}

/** `wc_is_valid_url`: http(s) and FILTER_VALIDATE_URL (approximated). */
export function isValidUrl(url: string): boolean {
  if (!url.startsWith('http://') && !url.startsWith('https://')) return false;
  if (/[\s<>"{}|\\^`]/.test(url) || /[^\x21-\x7e]/.test(url)) return false;
  try {
    return new URL(url).hostname !== '';
  } catch {
    return false;
  }
}

export function webhookResource(topic: string): string {
  return topic.split('.')[0] ?? '';
}

export function webhookEvent(topic: string): string {
  return topic.split('.')[1] ?? '';
}

export function webhookHooks(topic: string): string[] {
  if (webhookResource(topic) === 'action') return [webhookEvent(topic)];
  return [...(TOPIC_HOOKS[topic] ?? [])];
}

export type WcWebhookJson = {
  id: number;
  name: string;
  status: WebhookStatus;
  topic: string;
  resource: string;
  event: string;
  hooks: string[];
  delivery_url: string;
  date_created: string | null;
  date_created_gmt: string | null;
  date_modified: string | null;
  date_modified_gmt: string | null;
  _links: Record<string, Array<{ href: string }>>;
};

/** `WC_REST_Webhooks_V2_Controller::prepare_item_for_response` (v3 inherits it): no `secret`. */
export function renderWebhook(webhook: StoredWebhook, restBase: string, offsetMinutes: number): WcWebhookJson {
  return {
    id: webhook.id,
    name: webhook.name,
    status: webhook.status,
    topic: webhook.topic,
    resource: webhookResource(webhook.topic),
    event: webhookEvent(webhook.topic),
    hooks: webhookHooks(webhook.topic),
    delivery_url: webhook.deliveryUrl,
    date_created: wpDate(webhook.createdAt, offsetMinutes),
    date_created_gmt: wpDate(webhook.createdAt, 0),
    date_modified: wpDate(webhook.modifiedAt, offsetMinutes),
    date_modified_gmt: wpDate(webhook.modifiedAt, 0),
    _links: { self: [{ href: `${restBase}/webhooks/${webhook.id}` }], collection: [{ href: `${restBase}/webhooks` }] },
  };
}

/** `wp_specialchars_decode( $secret, ENT_QUOTES )`, applied to the secret before signing. */
export function wpSpecialcharsDecode(value: string): string {
  return value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;|&#0*34;|&#x0*22;/gi, '"')
    .replace(/&#0*39;|&#x0*27;/gi, "'")
    .replace(/&amp;|&#0*38;|&#x0*26;/gi, '&');
}

/** `WC_Webhook::generate_signature`: base64 HMAC-SHA256 of the body with the decoded secret. */
export function webhookSignature(body: string, secret: string): string {
  return createHmac('sha256', wpSpecialcharsDecode(secret)).update(body).digest('base64');
}

/** `wp_generate_password( 50, true, true )`. */
export function wpGeneratePassword(length: number): string {
  const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()-_ []{}<>~`+=,.;:/?|';
  const bytes = new Uint32Array(length);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => chars[b % chars.length]!).join('');
}

/** PHP's `wp_json_encode`: slashes escaped as `\/` and non-ASCII as `\uXXXX`. */
export function wpJsonEncode(value: unknown): string {
  return (JSON.stringify(value) ?? 'null')
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface HttpResult {
  /** The HTTP status, or null when the request failed (a WP_Error). */
  readonly status: number | null;
  readonly error: string | null;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** One HTTP request without following redirects (`redirection` 0), as `wp_safe_remote_request`. */
export function sendHttp(url: string, init: { method: string; headers: Record<string, string>; body: string; timeoutMs: number }): Promise<HttpResult> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ status: null, error: 'A valid URL was not provided.', headers: {}, body: '' });
      return;
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, { method: init.method, headers: { ...init.headers, 'Content-Length': String(Buffer.byteLength(init.body)) }, timeout: init.timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? null, error: null, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err) => resolve({ status: null, error: `cURL error 56: ${err.message}`, headers: {}, body: '' }));
    });
    req.on('timeout', () => req.destroy(new Error(`Operation timed out after ${init.timeoutMs} milliseconds`)));
    req.on('error', (err) => resolve({ status: null, error: `cURL error 7: ${err.message}`, headers: {}, body: '' }));
    req.end(init.body);
  });
}

export interface WebhookDelivery {
  readonly webhookId: number;
  readonly topic: string;
  /** The hook argument: the order id. */
  readonly orderId: number;
  readonly deliveryId: string;
  readonly url: string;
  /** The receiver's HTTP status, or null when the request failed or was made to fail. */
  readonly status: number | null;
  readonly error: string | null;
  readonly success: boolean;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The webhook's status and failure count after WooCommerce logged this delivery. */
  readonly webhookStatusAfter: WebhookStatus;
  readonly failureCountAfter: number;
}

export interface WebhookPing {
  readonly webhookId: number;
  readonly url: string;
  readonly status: number | null;
  readonly error: string | null;
  /** `deliver_ping()`'s answer: true, or its WP_Error message. */
  readonly result: true | string;
}
