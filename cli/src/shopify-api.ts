import type { Shopify } from '@cartrelay/shopify/app';
import type { Env } from './env.ts';

/** The Shopify settings, when all three are given: the app's client id, secret and public URL. */
function shopifyAppSettings(env: Env): { apiKey: string; apiSecret: string; appUrl: string } | null {
  if (!env.SHOPIFY_API_KEY || !env.SHOPIFY_API_SECRET || !env.SHOPIFY_APP_URL) return null;
  return { apiKey: env.SHOPIFY_API_KEY, apiSecret: env.SHOPIFY_API_SECRET, appUrl: env.SHOPIFY_APP_URL };
}

/**
 * The `@shopify/shopify-api` instance from the environment, or null when the app is not configured.
 * Loaded on demand: the library is tens of megabytes a webhook-only relay does without.
 */
export async function shopifyApiFromEnv(env: Env): Promise<Shopify | null> {
  const settings = shopifyAppSettings(env);
  if (!settings) return null;
  const { createShopifyApi } = await import('@cartrelay/shopify/app');
  return createShopifyApi({
    apiKey: settings.apiKey,
    apiSecretKey: settings.apiSecret,
    hostName: settings.appUrl,
    scopes: env.SHOPIFY_SCOPES,
    ...(env.SHOPIFY_ADMIN_API_URL ? { adminApiUrl: env.SHOPIFY_ADMIN_API_URL } : {}),
  });
}
