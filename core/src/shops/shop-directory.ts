import type { TrackingConfig } from '../config/tracking-config.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { ImpactCredentials } from '../delivery/impact-client.ts';
import type { ShopRow, Store } from '../store/store.ts';

/** A shop with its credentials opened: only held in memory, never logged. */
export interface Shop {
  readonly id: number;
  readonly platform: string;
  readonly shopKey: string;
  readonly active: boolean;
  /** When the shop was added or last installed again (epoch ms). */
  readonly installedAt: number;
  /** null until the merchant configures tracking (a shop installed from a marketplace starts so). */
  readonly config: TrackingConfig | null;
  /** null until the merchant connects their impact.com account. */
  readonly impact: ImpactCredentials | null;
  readonly webhookSecret: string | null;
  readonly accessToken: string | null;
}

export interface NewShopInput {
  readonly platform: string;
  readonly shopKey: string;
  readonly config: TrackingConfig;
  readonly impact: ImpactCredentials;
  readonly webhookSecret?: string | null;
  readonly accessToken?: string | null;
}

const MAX_CACHED = 10_000;

/**
 * Shops as the relay uses them: credentials sealed on the way into the store and opened on the way
 * out, and kept in a short-lived cache so a webhook burst does not read the same row thousands of times.
 */
export class ShopDirectory {
  readonly #store: Store;
  readonly #box: SecretBox;
  readonly #cacheMs: number;
  readonly #byKey = new Map<string, { shop: Shop | null; until: number }>();
  readonly #byId = new Map<number, { shop: Shop | null; until: number }>();

  constructor(store: Store, box: SecretBox, options: { cacheMs?: number } = {}) {
    this.#store = store;
    this.#box = box;
    this.#cacheMs = options.cacheMs ?? 5_000;
  }

  async add(input: NewShopInput, now = Date.now()): Promise<Shop> {
    const row = await this.#store.addShop(
      {
        platform: input.platform,
        shopKey: input.shopKey,
        config: input.config,
        impactAccountSid: input.impact.accountSid,
        impactAuthTokenSealed: this.#box.seal(input.impact.authToken),
        webhookSecretSealed: input.webhookSecret ? this.#box.seal(input.webhookSecret) : null,
        accessTokenSealed: input.accessToken ? this.#box.seal(input.accessToken) : null,
      },
      now,
    );
    return this.#open(row);
  }

  /**
   * A store app's install (or reinstall): the shop is created unconfigured, or reactivated with its
   * ledger and configuration intact, and its new access token saved.
   */
  async install(input: { platform: string; shopKey: string; accessToken: string | null }, now = Date.now()): Promise<Shop> {
    const existing = await this.#store.findShop(input.platform, input.shopKey);
    if (existing) {
      await this.#store.updateShop(
        existing.id,
        // installedAt moves on every (re)install or confirmation: uninstall notices from before it are stale.
        { active: true, installedAt: now, ...(input.accessToken ? { accessTokenSealed: this.#box.seal(input.accessToken) } : {}) },
        now,
      );
      this.#forget();
      if (!existing.active) {
        // Held while the app was uninstalled: due again now.
        await this.#store.releaseWebhooks(existing.id, now);
        await this.#store.releaseDeliveries(existing.id, now);
      }
      return (await this.get(existing.id, now))!;
    }
    const row = await this.#store.addShop(
      {
        platform: input.platform,
        shopKey: input.shopKey,
        config: null,
        impactAccountSid: null,
        impactAuthTokenSealed: null,
        webhookSecretSealed: null,
        accessTokenSealed: input.accessToken ? this.#box.seal(input.accessToken) : null,
      },
      now,
    );
    // A lookup moments ago may have cached the shop as unknown.
    this.#forget();
    return this.#open(row);
  }

  /** Saves the impact.com credentials; without a token, the saved one stays. */
  async setConnection(id: number, connection: { accountSid: string; authToken?: string | undefined }, now = Date.now()): Promise<void> {
    await this.#store.updateShop(
      id,
      { impactAccountSid: connection.accountSid, ...(connection.authToken ? { impactAuthTokenSealed: this.#box.seal(connection.authToken) } : {}) },
      now,
    );
    this.#forget();
    // Deliveries held while the shop had no working credentials can go now.
    await this.#store.releaseDeliveries(id, now);
  }

  /** The app was uninstalled: deliveries stop, the revoked access token and sessions go, the ledger stays. */
  async deactivate(id: number, now = Date.now()): Promise<void> {
    const row = await this.#store.getShop(id);
    if (!row) return;
    await this.#store.updateShop(id, { active: false, accessTokenSealed: null }, now);
    await this.#store.deleteAppSessions((await this.#store.findAppSessions(row.platform, row.shopKey)).map((session) => session.id));
    this.#forget();
  }

  async remove(id: number): Promise<void> {
    await this.#store.deleteShop(id);
    this.#forget();
  }

  async find(platform: string, shopKey: string, now = Date.now()): Promise<Shop | null> {
    const key = `${platform} ${shopKey}`;
    const cached = this.#byKey.get(key);
    if (cached && cached.until > now) return cached.shop;
    const row = await this.#store.findShop(platform, shopKey);
    const shop = row ? this.#open(row) : null;
    // Bounded: public endpoints name shops that do not exist, and each would stay here otherwise.
    if (this.#byKey.size >= MAX_CACHED) this.#byKey.clear();
    this.#byKey.set(key, { shop, until: now + this.#cacheMs });
    return shop;
  }

  async get(id: number, now = Date.now()): Promise<Shop | null> {
    const cached = this.#byId.get(id);
    if (cached && cached.until > now) return cached.shop;
    const row = await this.#store.getShop(id);
    const shop = row ? this.#open(row) : null;
    if (this.#byId.size >= MAX_CACHED) this.#byId.clear();
    this.#byId.set(id, { shop, until: now + this.#cacheMs });
    return shop;
  }

  async list(): Promise<Shop[]> {
    return (await this.#store.listShops()).map((row) => this.#open(row));
  }

  /** Saves the tracking configuration; webhooks that waited for it are due at once. */
  async setConfig(id: number, config: TrackingConfig, now = Date.now()): Promise<void> {
    await this.#store.updateShop(id, { config }, now);
    this.#forget();
    await this.#store.releaseWebhooks(id, now);
  }

  #forget(): void {
    this.#byKey.clear();
    this.#byId.clear();
  }

  #open(row: ShopRow): Shop {
    return {
      id: row.id,
      platform: row.platform,
      shopKey: row.shopKey,
      active: row.active,
      installedAt: row.installedAt,
      config: row.config,
      impact: row.impactAccountSid && row.impactAuthTokenSealed ? { accountSid: row.impactAccountSid, authToken: this.#box.open(row.impactAuthTokenSealed) } : null,
      webhookSecret: row.webhookSecretSealed ? this.#box.open(row.webhookSecretSealed) : null,
      accessToken: row.accessTokenSealed ? this.#box.open(row.accessTokenSealed) : null,
    };
  }
}
