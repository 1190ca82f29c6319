import type { Order, Refund } from '../order/order.ts';
import type { PayloadError } from '../platform/platform-adapter.ts';
import type { Result } from '../result.ts';

/**
 * What a platform plugin contributes to the relay: reading a webhook delivery (who sent it, what it
 * is), checking its signature, and saying what it means for an order.
 */
export interface RawWebhook {
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The exact bytes received: signatures are computed over them. */
  readonly body: Buffer;
  /** When it arrived (epoch ms), for signatures that expire. */
  readonly receivedAt: number;
}

export type WebhookIdentity =
  | { readonly kind: 'delivery'; readonly shopKey: string; readonly topic: string; readonly deliveryId: string }
  /** A platform's "are you there" call (WooCommerce's unsigned webhook_id=N on creation): answered 200, not stored. */
  | { readonly kind: 'ping' };

export interface WebhookRejection {
  readonly status: 400 | 401;
  readonly reason: string;
}

export interface WebhookSecrets {
  /** The app's own secret (Shopify API secret, BigCommerce client secret), when the platform signs with it. */
  readonly appSecret: string | null;
  /** The secret agreed with this shop when its webhooks were created. */
  readonly shopSecret: string | null;
}

export type WebhookEvent =
  | { readonly kind: 'order'; readonly order: Order }
  | { readonly kind: 'refund'; readonly platformOrderId: string; readonly refund: Refund }
  /** The payload only names the order: it must be fetched from the platform (BigCommerce). */
  | { readonly kind: 'order_reference'; readonly platformOrderId: string }
  /** The order was deleted (trashed) on the platform; the payload names only the order. */
  | { readonly kind: 'order_deleted'; readonly platformOrderId: string }
  | { readonly kind: 'ignored'; readonly reason: string };

/** Access to a shop's platform API, for plugins that must fetch what webhooks do not carry. */
export interface PlatformAccess {
  readonly shopKey: string;
  readonly accessToken: string | null;
}

export interface WebhookReceiver {
  /** Reads who sent the webhook and what it is, before any secret is known. */
  identify(request: RawWebhook): Result<WebhookIdentity, WebhookRejection>;
  /**
   * Whether this request is signed with the app's own secret, so that its signature is checked first,
   * before its headers are read or its shop looked up: a forged request learns nothing (Shopify's
   * compliance webhooks must answer an invalid HMAC with 401, whatever else is wrong with them).
   */
  signedWithAppSecret(request: RawWebhook): boolean;
  /** Checks the signature over the raw body, in constant time. */
  verify(request: RawWebhook, secrets: WebhookSecrets): Result<true, WebhookRejection>;
  /** What a stored webhook means for an order. `payload` was parsed with parseJson. */
  interpret(topic: string, payload: unknown): Result<WebhookEvent, PayloadError>;
  /** Fetches and normalizes an order, for `order_reference` events. */
  fetchOrder?(access: PlatformAccess, platformOrderId: string): Promise<Result<Order, string>>;
  /** The shop key as stored: validated and normalized (lower-case domain, no trailing slash…). */
  normalizeShopKey(raw: string): Result<string, string>;
}
