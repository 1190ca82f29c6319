import type { PlatformAdapter, WebhookReceiver } from '@cartrelay/core';
import { BIGCOMMERCE_API_URL, createBigCommerceAdapter } from '@cartrelay/bigcommerce';
import { createShopifyAdapter } from '@cartrelay/shopify';
import { woocommerceAdapter } from '@cartrelay/woocommerce';

/** The installed platform plugins. A fourth platform is one more entry here, and no change to core. */
export function createPlatforms(options: { bigcommerceApiUrl?: string; shopifyWebhooks?: WebhookReceiver } = {}): ReadonlyMap<string, PlatformAdapter> {
  const bigcommerce = createBigCommerceAdapter({ apiBaseUrl: options.bigcommerceApiUrl ?? BIGCOMMERCE_API_URL });
  const shopify = createShopifyAdapter(options.shopifyWebhooks);
  return new Map([shopify, woocommerceAdapter, bigcommerce].map((adapter) => [adapter.platform, adapter]));
}

export const PLATFORMS = createPlatforms();
