import { type ClickBeacon, type FieldProblem, type Result, err, fieldProblems, ok } from '@cartrelay/core';
import { z } from 'zod';

/**
 * What CartRelay's checkout script posts to `/collect/bigcommerce` (storefront/checkout.ts): the store,
 * the click id and shared id kept since the landing page, the checkout's cart id, and on the
 * confirmation page the order id. Anyone can post it, so nothing else is accepted. The cart id, which
 * only the shopper's browser holds, is what ties the capture to its order (the V2 order's `cart_id`).
 */

// impact.com click ids (and shared ids) use the URL-unreserved alphabet.
const impactId = z.string().regex(/^[A-Za-z0-9_.~-]{1,255}$/, 'must be 1 to 255 letters, digits or - _ . ~');
// BigCommerce cart (= checkout) ids are UUIDs.
const cartId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a BigCommerce cart id (a UUID)');

const beaconSchema = z
  .strictObject({
    store: z.string().regex(/^[a-z0-9]{1,64}$/i, 'must be a store hash'),
    clickId: impactId,
    sharedId: impactId.nullish(),
    cartId,
    orderId: z.union([z.number().int().positive(), z.string().regex(/^\d{1,20}$/)]).nullish(),
  })
  .transform(
    (beacon): ClickBeacon => ({
      shopKey: beacon.store.toLowerCase(),
      clickId: beacon.clickId,
      sharedId: beacon.sharedId ?? null,
      platformOrderId: beacon.orderId === null || beacon.orderId === undefined ? null : String(beacon.orderId),
      checkoutToken: beacon.cartId.toLowerCase(),
    }),
  );

/** Parses a beacon's raw body (JSON text); every way it can be wrong is a field problem. */
export function parseBigCommerceBeacon(body: string): Result<ClickBeacon, FieldProblem[]> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return err([{ path: '(root)', message: 'body is not valid JSON' }]);
  }
  const parsed = beaconSchema.safeParse(json);
  return parsed.success ? ok(parsed.data) : err(fieldProblems(parsed.error));
}
