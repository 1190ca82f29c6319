import type { AnyStorePlugin, PlatformAdapter } from '@cartrelay/core';
import { bigcommercePlugin } from '@cartrelay/bigcommerce';
import { shopifyPlugin } from '@cartrelay/shopify';
import { woocommercePlugin } from '@cartrelay/woocommerce';

/** The installed platform plugins, each with its own settings and app. A fourth platform is one more entry here. */
export const PLUGINS: readonly AnyStorePlugin[] = [shopifyPlugin, woocommercePlugin, bigcommercePlugin];

/** Each platform's payloads, for the commands that read them without running an app (map, shops). */
export const PLATFORMS: ReadonlyMap<string, PlatformAdapter> = new Map(PLUGINS.map((plugin) => [plugin.platform, plugin.adapter]));
