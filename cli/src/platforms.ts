import type { PlatformAdapter } from '@cartrelay/core';
import { bigcommerceAdapter } from '@cartrelay/bigcommerce';
import { shopifyAdapter } from '@cartrelay/shopify';
import { woocommerceAdapter } from '@cartrelay/woocommerce';

/** The installed platform plugins. A fourth platform is one more entry here, and no change to core. */
export const PLATFORMS: ReadonlyMap<string, PlatformAdapter> = new Map(
  [shopifyAdapter, woocommerceAdapter, bigcommerceAdapter].map((adapter) => [adapter.platform, adapter]),
);
