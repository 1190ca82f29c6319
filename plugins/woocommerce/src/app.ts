/**
 * @cartrelay/woocommerce/app: the app around the relay (the connect flow, the store's webhooks kept
 * active, the plugin's signed links, the admin page, reconciliation). Loaded only by a relay whose
 * WooCommerce app is configured.
 */
export { ADMIN_PAGE_PATH, type WooCommerceApp, type WooCommerceAppOptions, createWooCommerceApp } from './app/woocommerce-app.ts';
export { signLink } from './app/signed-link.ts';
