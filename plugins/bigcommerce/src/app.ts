/**
 * @cartrelay/bigcommerce/app: the single-click app around the relay (install and the control panel's
 * callbacks, hooks and storefront scripts, the admin page, reconciliation). Loaded only by a relay
 * whose BigCommerce app is configured.
 */
export { type BigCommerceApp, type BigCommerceAppOptions, HOOK_SCOPES, createBigCommerceApp } from './app/bigcommerce-app.ts';
export { storefrontFromBuild, STOREFRONT_CONSENT_CATEGORIES, type StorefrontConsentCategory } from './app/storefront-scripts.ts';
