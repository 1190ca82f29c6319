import type { ZodType } from 'zod';
import type { Order, Refund } from '../order/order.ts';
import type { CustomerRef } from '../privacy/personal-data.ts';
import type { Result } from '../result.ts';
import type { PayloadError } from '../validation/payload-error.ts';

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
  /**
   * The shop's platform credentials as saved (null when none, or when the shop is not known yet): a
   * receiver that verifies with a secret agreed with the shop reads it with its own schema (`credentials`).
   */
  readonly credentials: unknown;
}

export type WebhookEvent =
  | { readonly kind: 'order'; readonly order: Order }
  | { readonly kind: 'refund'; readonly platformOrderId: string; readonly refund: Refund }
  /** The payload only names the order: it must be fetched from the platform (BigCommerce). */
  /**
   * `checkoutToken`: the checkout the order came from, when the notice says so (BigCommerce's
   * store/cart/converted) and the fetched order may not: its click capture is found by it.
   */
  | { readonly kind: 'order_reference'; readonly platformOrderId: string; readonly checkoutToken?: string }
  /** The order was deleted (trashed) on the platform; the payload names only the order. */
  | { readonly kind: 'order_deleted'; readonly platformOrderId: string }
  /** The app was uninstalled: deliveries stop, the ledger stays (a reinstall picks up where it was). */
  | { readonly kind: 'shop_uninstalled' }
  /** Everything held for the shop must be deleted (Shopify's shop/redact, 48 hours after uninstall). */
  | { readonly kind: 'shop_redact' }
  /** The merchant changed what the app may access (Shopify's app/scopes_update): `scopes` is what it holds now. */
  | { readonly kind: 'access_scopes_changed'; readonly scopes: readonly string[] }
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

/** The platform asked to wait (its rate limit for the shop is spent): asked again then, and no failure is counted. */
export interface PlatformBusy {
  readonly busyUntil: number;
  readonly reason: string;
}

/** Access to a shop's platform API, for plugins that must fetch what webhooks do not carry. */
export interface PlatformAccess {
  readonly shopKey: string;
  /** The shop's platform credentials as saved (null when none), read with the receiver's own schema. */
  readonly credentials: unknown;
}

export interface WebhookReceiver {
  /**
   * The topics this platform sends that the receiver knows. Only these become metric labels (others
   * count as "other"): a topic is chosen by whoever sends the request, and labels must stay few.
   */
  readonly topics?: readonly string[];
  /**
   * The headers worth keeping with a stored webhook (what `occurredAt` and later reads need), never a
   * signature: a body stored with its signature could be replayed by whoever reads the database.
   * Without it, none are kept.
   */
  keptHeaders?(headers: Readonly<Record<string, string | undefined>>): Record<string, string>;
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
  /**
   * Fetches and normalizes an order, for `order_reference` events: the order, or why not in words (a
   * failure, tried again later and counted), or that the platform asked to wait (a rate limit).
   */
  fetchOrder?(access: PlatformAccess, platformOrderId: string): Promise<Result<Order, string | PlatformBusy>>;
  /**
   * Fills in what the platform's order webhook leaves out, from its API (WooCommerce's refunds carry
   * totals only: their lines are read from the store). Called for every order event before it is
   * applied; answers the order as it was when it cannot be completed and need not be.
   */
  completeOrder?(access: PlatformAccess, order: Order): Promise<Result<Order, string | PlatformBusy>>;
  /** Records the scopes the app now holds for the shop (so the next opening of the app asks again if they fall short). */
  accessScopesChanged?(access: PlatformAccess, scopes: readonly string[]): Promise<void>;
  /** Asks the platform where the order's customer came from and whether they ordered before. */
  fetchOrderInsights?(access: PlatformAccess, platformOrderId: string): Promise<Result<OrderInsights, string>>;
  /**
   * Whether a storefront script or pixel may report a click id apart from the order (a beacon): an
   * order without one then waits a little for it before it is sent.
   */
  readonly capturesClicks?: boolean;
  /** The shop key as stored: validated and normalized (lower-case domain, no trailing slash…). */
  normalizeShopKey(raw: string): Result<string, string>;
  /**
   * What a shop's platform credentials hold on this platform (a webhook secret, an API token…): what
   * `cartrelay shops add` and the app's install must save, and what `verify` and the API calls read
   * back. It accepts null when a shop can do without (a Shopify shop whose webhooks alone are tracked).
   * Absent: the platform keeps nothing per shop.
   */
  readonly credentials?: ZodType<PlatformCredentials | null>;
}

/** A shop's platform credentials: a JSON object whose shape the platform's plugin defines (`credentials`). */
export type PlatformCredentials = Readonly<Record<string, unknown>>;

/**
 * A shop's saved credentials read with the platform's schema; null when there are none, or when what
 * is saved does not fit it (then nothing is verified or fetched with them).
 */
export function readCredentials<C>(schema: ZodType<C>, saved: unknown): C | null {
  if (saved === null || saved === undefined) return null;
  const parsed = schema.safeParse(saved);
  return parsed.success ? parsed.data : null;
}

/** The named headers present in `headers`, for a receiver's `keptHeaders`. */
export function pickHeaders(headers: Readonly<Record<string, string | undefined>>, names: readonly string[]): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name];
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}
