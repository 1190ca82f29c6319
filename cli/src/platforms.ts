import type { PlatformAdapter } from '@cartrelay/core';
import { BIGCOMMERCE_API_URL, createBigCommerceAdapter } from '@cartrelay/bigcommerce';
import { shopifyAdapter } from '@cartrelay/shopify';
import { woocommerceAdapter } from '@cartrelay/woocommerce';

/** The installed platform plugins. A fourth platform is one more entry here, and no change to core. */
export function createPlatforms(options: { bigcommerceApiUrl?: string } = {}): ReadonlyMap<string, PlatformAdapter> {
  const bigcommerce = createBigCommerceAdapter({ apiBaseUrl: options.bigcommerceApiUrl ?? BIGCOMMERCE_API_URL });
  return new Map([shopifyAdapter, woocommerceAdapter, bigcommerce].map((adapter) => [adapter.platform, adapter]));
}

export const PLATFORMS = createPlatforms();
