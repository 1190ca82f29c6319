import { z } from 'zod';

/**
 * Before they were a shop's credentials, sessions were stored as @shopify/shopify-api's property array
 * (`Session.toPropertyArray(true)`: `[["accessToken", "shpat_…"], ["expires", 1767225600000], …]`);
 * migration 11 moved them as they were. Read as the object they describe.
 */
function fromPropertyArray(value: unknown): unknown {
  return Array.isArray(value) && value.every((entry) => Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string')
    ? Object.fromEntries(value as Array<[string, unknown]>)
    : value;
}

/**
 * A Shopify shop's credentials: its offline Admin API access, as Shopify issued it. Since 2026 an
 * access token expires within the hour and comes with a refresh token (rotated on every use); a shop
 * installed earlier (or added with `cartrelay shops add --access-token`) holds a non-expiring token,
 * moved to an expiring one when it is next used. A shop added without any tracks its webhooks only
 * (they are signed with the app's secret): no reconciliation, no customer journey.
 */
export const ShopifyCredentialsSchema = z.preprocess(
  fromPropertyArray,
  z.object({
    accessToken: z.string().min(1),
    /** The scopes granted, comma-separated, as Shopify says them. */
    scope: z.string().optional(),
    /** When the access token expires (epoch ms); absent for a non-expiring token. */
    expires: z.number().int().optional(),
    refreshToken: z.string().min(1).optional(),
    /** When the refresh token expires (epoch ms). */
    refreshTokenExpires: z.number().int().optional(),
  }),
);

export type ShopifyCredentials = z.output<typeof ShopifyCredentialsSchema>;

/** What `shops add` may save for a Shopify shop: its credentials, or none. */
export const OptionalShopifyCredentialsSchema = ShopifyCredentialsSchema.nullable();
