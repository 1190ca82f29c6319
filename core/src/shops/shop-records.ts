import type { TrackingConfig } from '../config/tracking-config.ts';

/**
 * The shops CartRelay serves, as stored: their credentials sealed by the caller (ShopDirectory seals
 * and opens them). One of the store's ports (ADR 9); its battery: core/src/testing/shops-contract.ts.
 */
export interface ShopRecords {
  addShop(shop: NewShop, now: number): Promise<ShopRow>;
  findShop(platform: string, shopKey: string): Promise<ShopRow | null>;
  getShop(id: number): Promise<ShopRow | null>;
  listShops(): Promise<ShopRow[]>;
  updateShop(id: number, patch: ShopPatch, now: number): Promise<void>;
  /** Deletes the shop and everything held for it (Shopify's shop/redact): ledger, queues, captures, credentials. */
  deleteShop(id: number): Promise<void>;
}

export interface NewShop {
  readonly platform: string;
  readonly shopKey: string;
  /** null while a shop installed from a marketplace has not been set up in the admin page. */
  readonly config: TrackingConfig | null;
  readonly impactAccountSid: string | null;
  readonly impactAuthTokenSealed: string | null;
  /** The shop's platform credentials (ShopCredentials), sealed; saved with the shop when given. */
  readonly credentialsSealed: string | null;
}

export interface ShopRow extends NewShop {
  readonly id: number;
  readonly active: boolean;
  /** When the shop was added, installed again, or its install last confirmed (the app opened) (epoch ms). */
  readonly installedAt: number;
  /** null while the app's credentials work, as far as CartRelay knows. */
  readonly accessProblem: AccessProblem | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type ShopPatch = Partial<
  Pick<ShopRow, 'config' | 'active' | 'installedAt' | 'impactAccountSid' | 'impactAuthTokenSealed' | 'accessProblem'>
>;

/** The platform refused the app's credentials for good (a revoked or expired refresh token): the merchant must restore access. */
export interface AccessProblem {
  readonly reason: string;
  /** Since when (epoch ms). */
  readonly since: number;
}
