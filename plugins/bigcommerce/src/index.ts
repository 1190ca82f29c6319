import { type StorePlugin, createPlatformAdapter } from '@cartrelay/core';
import { z } from 'zod';
import { normalizeBigCommerceOrder } from './normalize-order.ts';
import type { BigCommerceApiOptions } from './api/bigcommerce-api.ts';
import { BIGCOMMERCE_ORDER_TOPICS, createBigCommerceWebhooks } from './webhooks.ts';

export const BIGCOMMERCE_API_URL = 'https://api.bigcommerce.com';

/** The adapter; `apiBaseUrl` is where orders are fetched from after a webhook. */
export function createBigCommerceAdapter(options: BigCommerceApiOptions = { apiBaseUrl: BIGCOMMERCE_API_URL }) {
  return createPlatformAdapter({
    platform: 'bigcommerce',
    orderTopics: BIGCOMMERCE_ORDER_TOPICS,
    orderPayloadDescription:
      'the order bundle the adapter fetches: {"order": <V2 order>, "products": [<V2 order products>], "coupons": [<V2 order coupons>], "attribution": {"clickId"?, "landingUrl"?}?}',
    normalizeOrder: normalizeBigCommerceOrder,
    webhooks: createBigCommerceWebhooks(options),
  });
}

export const bigcommerceAdapter = createBigCommerceAdapter();

/** The BigCommerce app's settings: its own variables, read once. */
export const BigCommerceEnvSchema = z.object({
  /** The app's client id (Developer Portal); with the secret and the app's URL it turns the app on. */
  BIGCOMMERCE_CLIENT_ID: z.string().min(1).optional(),
  /** The app's client secret: it signs the control panel's payloads and Standard Webhooks deliveries. */
  BIGCOMMERCE_CLIENT_SECRET: z.string().min(1).optional(),
  /** The app's public https URL, as registered (callbacks at /bigcommerce/auth, /load, /uninstall, /remove_user). */
  BIGCOMMERCE_APP_URL: z.url().optional(),
  /** Where the stores' APIs are (tests: a fake). */
  BIGCOMMERCE_API_URL: z.url().default(BIGCOMMERCE_API_URL),
  /** Where install codes are exchanged for tokens (tests: a fake). */
  BIGCOMMERCE_LOGIN_URL: z.url().default('https://login.bigcommerce.com'),
  /** How often each installed store is reconciled against the V2 orders API (ms). */
  BIGCOMMERCE_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(1000).default(15 * 60_000),
  /**
   * The consent category the storefront scripts are registered under: on a store with a cookie
   * consent banner they run only for shoppers who accepted it. Partner attribution is advertising.
   */
  BIGCOMMERCE_SCRIPT_CONSENT_CATEGORY: z.enum(['functional', 'analytics', 'targeting']).default('targeting'),
});

export type BigCommerceEnv = z.output<typeof BigCommerceEnvSchema>;

/**
 * BigCommerce in `cartrelay serve`. With BIGCOMMERCE_CLIENT_SECRET alone, webhooks of stores added
 * with `cartrelay shops add` are verified and tracked; with the client id and the app's URL too, the
 * whole single-click app runs: install, the control panel's callbacks, hooks and storefront scripts,
 * the admin page, reconciliation.
 */
export const bigcommercePlugin: StorePlugin<BigCommerceEnv> = {
  platform: 'bigcommerce',
  adapter: bigcommerceAdapter,
  env: BigCommerceEnvSchema,
  async start(env, context) {
    const appSecret = env.BIGCOMMERCE_CLIENT_SECRET ?? null;
    if (!env.BIGCOMMERCE_CLIENT_ID || !env.BIGCOMMERCE_CLIENT_SECRET || !env.BIGCOMMERCE_APP_URL) {
      return {
        webhooks: createBigCommerceWebhooks({ apiBaseUrl: env.BIGCOMMERCE_API_URL }),
        appSecret,
        app: { off: 'it needs BIGCOMMERCE_CLIENT_ID, BIGCOMMERCE_CLIENT_SECRET and BIGCOMMERCE_APP_URL; stores added with cartrelay shops add are tracked' },
      };
    }
    const { createBigCommerceApp, storefrontFromBuild } = await import('./app.ts');
    const app = createBigCommerceApp({
      app: { clientId: env.BIGCOMMERCE_CLIENT_ID, clientSecret: env.BIGCOMMERCE_CLIENT_SECRET, loginUrl: env.BIGCOMMERCE_LOGIN_URL },
      appUrl: env.BIGCOMMERCE_APP_URL,
      apiBaseUrl: env.BIGCOMMERCE_API_URL,
      context,
      storefront: storefrontFromBuild({ appUrl: env.BIGCOMMERCE_APP_URL, consentCategory: env.BIGCOMMERCE_SCRIPT_CONSENT_CATEGORY }),
      reconcileEveryMs: env.BIGCOMMERCE_RECONCILE_INTERVAL_MS,
    });
    return { webhooks: app.webhooks, appSecret, app };
  },
};

export { type BigCommerceBundle, normalizeBigCommerceOrder } from './normalize-order.ts';
export { type BigCommerceApiOptions, createBigCommerceApi } from './api/bigcommerce-api.ts';
export {
  BIGCOMMERCE_ORDER_TOPICS,
  BIGCOMMERCE_SECRET_HEADER,
  type BigCommerceCredentials,
  BigCommerceCredentialsSchema,
  RECONCILED_TOPIC,
  createBigCommerceWebhooks,
} from './webhooks.ts';
