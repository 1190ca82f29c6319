/**
 * @cartrelay/shopify: Shopify's payloads and webhooks in the core's terms, and the plugin that runs
 * them in `cartrelay serve`. The app around them (install, admin page, pixel beacons,
 * reconciliation) is `@cartrelay/shopify/app`, loaded only by a relay that runs it: it brings
 * @shopify/shopify-api.
 */
export { type ShopifyEnv, ShopifyEnvSchema, createShopifyAdapter, shopifyAdapter, shopifyPlugin } from './plugin.ts';
export { type ShopifyCredentials, ShopifyCredentialsSchema } from './credentials.ts';
export { normalizeShopifyOrder } from './normalize-order.ts';
export { RECONCILED_TOPIC, SHOPIFY_ORDER_TOPICS, SHOPIFY_SHOP_TOPICS, normalizeShopDomain, shopifyWebhooks } from './webhooks.ts';
export { normalizeShopifyGraphqlOrder } from './admin-api/graphql-order.ts';
