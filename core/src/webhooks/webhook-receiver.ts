import type { Order, Refund } from '../order/order.ts';
import type { PayloadError } from '../platform/platform-adapter.ts';
import type { Result } from '../result.ts';
import type { CustomerRef } from '../store/store.ts';

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
  | {
      readonly kind: 'delivery';
      readonly shopKey: string;
      readonly topic: string;
      readonly deliveryId: string;
      /**
       * A privacy request may name a shop CartRelay no longer (or never) held: answered 200, as there
       * is nothing to do, instead of 404 (which the platform would retry).
       */
      readonly unknownShopHasNothing?: boolean;
    }
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
  /** The app was uninstalled: deliveries stop, the ledger stays (a reinstall picks up where it was). */
  | { readonly kind: 'shop_uninstalled' }
  /** Everything held for the shop must be deleted (Shopify's shop/redact, 48 hours after uninstall). */
  | { readonly kind: 'shop_redact' }
  /** A privacy-law request for what is held on a customer, to be handed to the merchant. */
  | { readonly kind: 'customer_data_request'; readonly customer: CustomerRef; readonly requestId: string | null }
  /** A privacy-law request to erase a customer's personal data. */
  | { readonly kind: 'customer_redact'; readonly customer: CustomerRef }
  | { readonly kind: 'ignored'; readonly reason: string };

/** What the platform knows about an order beyond its payload (Shopify's customer journey). */
export interface OrderInsights {
  /** false while the platform is still working the order's visits out: ask again later. */
  readonly ready: boolean;
  /** Landing pages of the visits that led to the order, most recent first. */
  readonly landingUrls: readonly string[];
  /** Where this order stands in the customer's order history (1: their first order); null when unknown. */
  readonly customerOrderIndex: number | null;
}

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
  /**
   * When the platform says the event happened (Shopify's X-Shopify-Triggered-At), from the stored
   * headers; null when it does not say. A retried or late delivery keeps its original time.
   */
  occurredAt?(headers: Readonly<Record<string, string | undefined>>): number | null;
  /** Checks the signature over the raw body, in constant time. */
  verify(request: RawWebhook, secrets: WebhookSecrets): Result<true, WebhookRejection>;
  /** What a stored webhook means for an order. `payload` was parsed with parseJson. */
  interpret(topic: string, payload: unknown): Result<WebhookEvent, PayloadError>;
  /** Fetches and normalizes an order, for `order_reference` events. */
  fetchOrder?(access: PlatformAccess, platformOrderId: string): Promise<Result<Order, string>>;
  /** Asks the platform where the order's customer came from and whether they ordered before. */
  fetchOrderInsights?(access: PlatformAccess, platformOrderId: string): Promise<Result<OrderInsights, string>>;
  /**
   * Whether a storefront script or pixel may report a click id apart from the order (a beacon): an
   * order without one then waits a little for it before it is sent.
   */
  readonly capturesClicks?: boolean;
  /** The shop key as stored: validated and normalized (lower-case domain, no trailing slash…). */
  normalizeShopKey(raw: string): Result<string, string>;
}
