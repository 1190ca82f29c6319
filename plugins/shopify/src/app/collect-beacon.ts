import { type FieldProblem, type Result, err, fieldProblems, ok } from '@cartrelay/core';
import { z } from 'zod';
import { normalizeShopDomain } from '../webhooks.ts';

/**
 * What CartRelay's web pixel posts to `/collect/shopify` when a checkout completes (see
 * extensions/cartrelay-pixel/src/capture.d.ts, `ClickBeacon`), after parsing: the shop lower-cased,
 * the order id numeric. Anyone can post it, so nothing else is accepted.
 */
export interface ClickBeacon {
  readonly shopKey: string;
  readonly clickId: string;
  readonly sharedId: string | null;
  readonly platformOrderId: string | null;
  /** The checkout the beacon came from: what ties it to an order (only the shopper's browser holds it). */
  readonly checkoutToken: string;
}

// impact.com click ids (and shared ids) use the URL-unreserved alphabet.
const impactId = z.string().regex(/^[A-Za-z0-9_.~-]{1,255}$/, 'must be 1 to 255 letters, digits or - _ . ~');

const shop = z
  .string()
  .max(255)
  .transform((raw, ctx) => {
    const domain = normalizeShopDomain(raw);
    if (domain.ok) return domain.value;
    ctx.addIssue({ code: 'custom', message: 'must be a shop domain such as my-store.myshopify.com' });
    return z.NEVER;
  });

// The pixel's `checkout.order.id`: digits, or a GID — `gid://shopify/Order/N`, or on some stores
// `gid://shopify/OrderIdentity/N` (Shopify/cli#1630) — stored as the REST id the webhooks carry. An
// id in any other shape is dropped rather than refusing the beacon: its checkout token still names it.
const ORDER_ID = /^(?:\d{1,20}|gid:\/\/shopify\/Order(?:Identity)?\/(\d{1,20}))$/;
const orderId = z
  .string()
  .max(100)
  .transform((raw) => (ORDER_ID.test(raw) ? raw.slice(raw.lastIndexOf('/') + 1) : null));

const checkoutToken = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1 to 128 letters, digits, - or _');

const beaconSchema = z
  .strictObject({
    shop,
    clickId: impactId,
    sharedId: impactId.nullish(),
    orderId: orderId.nullish(),
    // Required: an order believes a capture only by its own checkout's token.
    checkoutToken,
  })
  .transform(
    (beacon): ClickBeacon => ({
      shopKey: beacon.shop,
      clickId: beacon.clickId,
      sharedId: beacon.sharedId ?? null,
      platformOrderId: beacon.orderId ?? null,
      checkoutToken: beacon.checkoutToken,
    }),
  );

/** Parses a beacon's raw body (JSON text); every way it can be wrong is a field problem. */
export function parseClickBeacon(body: string): Result<ClickBeacon, FieldProblem[]> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return err([{ path: '(root)', message: 'body is not valid JSON' }]);
  }
  const parsed = beaconSchema.safeParse(json);
  return parsed.success ? ok(parsed.data) : err(fieldProblems(parsed.error));
}
