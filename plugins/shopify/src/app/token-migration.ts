import type { ShopDirectory } from '@cartrelay/core';
import type { OfflineAccess } from './offline-access.ts';

export interface TokenMigrationProgress {
  readonly shop: string;
  readonly done: number;
  readonly total: number;
  /**
   * `needs_merchant`: the shop holds no usable token (Shopify refused it, or it never had one): only
   * the merchant opening the app helps. `failed`: Shopify did not move it this time; tried again later.
   */
  readonly outcome: 'migrated' | 'already' | 'failed' | 'needs_merchant';
  readonly detail?: string;
}

export interface TokenMigrationSummary {
  readonly total: number;
  readonly migrated: number;
  readonly already: number;
  readonly failed: number;
  readonly needsMerchant: number;
}

/**
 * Moves every installed Shopify shop still holding a non-expiring token (Shopify rejects them from
 * 2027-01-01) to an expiring one, without the merchant: the shops whose merchant opens the app move
 * then, by token exchange; this reaches the ones nobody opens. Reports each shop's outcome as it goes.
 */
export async function migrateToExpiringTokens(
  access: OfflineAccess,
  shops: ShopDirectory,
  onProgress?: (progress: TokenMigrationProgress) => void,
): Promise<TokenMigrationSummary> {
  const active = (await shops.list()).filter((shop) => shop.platform === 'shopify' && shop.active);
  const summary = { total: active.length, migrated: 0, already: 0, failed: 0, needsMerchant: 0 };
  for (const [index, shop] of active.entries()) {
    const moved = await access.migrate(shop.shopKey);
    const outcome = moved.ok ? moved.value : moved.error.kind === 'unavailable' ? 'failed' : 'needs_merchant';
    summary[outcome === 'needs_merchant' ? 'needsMerchant' : outcome]++;
    onProgress?.({ shop: shop.shopKey, done: index + 1, total: active.length, outcome, ...(moved.ok ? {} : { detail: moved.error.message }) });
  }
  return summary;
}
