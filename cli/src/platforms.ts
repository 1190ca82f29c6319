import type { AnyStorePlugin, PlatformAdapter } from '@cartrelay/core';
import { didYouMean } from './did-you-mean.ts';
import { UsageError } from './io.ts';
import { bigcommercePlugin } from '@cartrelay/bigcommerce';
import { shopifyPlugin } from '@cartrelay/shopify';
import { woocommercePlugin } from '@cartrelay/woocommerce';

/** The installed platform plugins, each with its own settings and app. A fourth platform is one more entry here. */
export const PLUGINS: readonly AnyStorePlugin[] = [shopifyPlugin, woocommercePlugin, bigcommercePlugin];

/** Each platform's payloads, for the commands that read them without running an app (map, shops). */
export const PLATFORMS: ReadonlyMap<string, PlatformAdapter> = new Map(PLUGINS.map((plugin) => [plugin.platform, plugin.adapter]));

/** The adapter of a platform named on the command line (any case), or a usage error naming the nearest. */
export function platformAdapter(name: string): PlatformAdapter {
  const adapter = PLATFORMS.get(name.toLowerCase());
  if (!adapter) throw new UsageError(`unknown platform "${name}"; expected one of ${[...PLATFORMS.keys()].join(', ')}${didYouMean(name, PLATFORMS.keys())}`);
  return adapter;
}
