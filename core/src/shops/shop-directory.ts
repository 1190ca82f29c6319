import type { TrackingConfig } from '../config/tracking-config.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { ImpactCredentials } from '../delivery/impact-client.ts';
import type { DeliveryOutbox } from '../delivery/outbox.ts';
import type { WebhookInbox } from '../webhooks/inbox.ts';
import type { PlatformCredentials } from '../webhooks/webhook-receiver.ts';
import type { ShopCredentials } from './shop-credentials.ts';
import type { AccessProblem, ShopRecords, ShopRow } from './shop-records.ts';

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
  /**
   * The shop's platform credentials as saved (a JSON value; null when none): the plugin that reads
   * them parses them with its own schema (WebhookReceiver.credentials).
   */
  readonly credentials: unknown;
  /** The platform refused the app's credentials for good: the merchant must open the app again. */
  readonly accessProblem: AccessProblem | null;
}

export interface NewShopInput {
  readonly platform: string;
  readonly shopKey: string;
  readonly config: TrackingConfig;
  readonly impact: ImpactCredentials;
  /** The platform credentials, already checked against the plugin's schema. */
  readonly credentials?: PlatformCredentials | null;
}

/** What the directory stores and releases: shops, their sessions, and the work held while a shop could not take it. */
export type ShopDirectoryStore = ShopRecords & Pick<ShopCredentials, 'saveCredentials' | 'deleteCredentials'> & Pick<WebhookInbox, 'releaseWebhooks'> & Pick<DeliveryOutbox, 'releaseDeliveries'>;

const MAX_CACHED = 10_000;

const keyOf = (platform: string, shopKey: string) => `${platform} ${shopKey}`;

/**
 * Shops as the relay uses them: credentials sealed on the way into the store and opened on the way
 * out, and kept in a short-lived cache so a webhook burst does not read the same row thousands of times.
 */
export class ShopDirectory {
  readonly #store: ShopDirectoryStore;
  readonly #box: SecretBox;
  readonly #cacheMs: number;
  readonly #byKey = new Map<string, { shop: Shop | null; until: number }>();
  readonly #byId = new Map<number, { shop: Shop | null; until: number }>();

  constructor(store: ShopDirectoryStore, box: SecretBox, options: { cacheMs?: number } = {}) {
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
        credentialsSealed: input.credentials ? this.#sealCredentials(input.credentials) : null,
      },
      now,
    );
    this.#forget(row.id, keyOf(input.platform, input.shopKey));
    return this.#open(row);
  }

  /**
   * A store app's install (or reinstall): the shop is created unconfigured, or reactivated with its
   * ledger and configuration intact, and its new credentials saved when given (an app that renews its
   * tokens saves them itself, under a lease: ShopCredentials).
   */
  async install(input: { platform: string; shopKey: string; credentials?: PlatformCredentials | null }, now = Date.now()): Promise<Shop> {
    const existing = await this.#store.findShop(input.platform, input.shopKey);
    if (existing) {
      if (input.credentials) await this.#store.saveCredentials(input, this.#sealCredentials(input.credentials), now);
      // installedAt moves on every (re)install or confirmation: uninstall notices from before it are stale.
      await this.#store.updateShop(existing.id, { active: true, installedAt: now, accessProblem: null }, now);
      this.#forget(existing.id);
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
        credentialsSealed: input.credentials ? this.#sealCredentials(input.credentials) : null,
      },
      now,
    );
    // A lookup moments ago may have cached the shop as unknown.
    this.#forget(row.id, keyOf(input.platform, input.shopKey));
    return this.#open(row);
  }

  /**
   * The merchant opened the app of an installed shop (a genuine session token): uninstall notices
   * sent before now are stale, whenever they arrive.
   */
  async confirmInstalled(id: number, now = Date.now()): Promise<void> {
    await this.#store.updateShop(id, { installedAt: now }, now);
    this.#forget(id);
  }

  /**
   * Saves the shop's platform credentials (a webhook secret the app just agreed with the store, a new
   * token), replacing what was saved; the caller checked them against its plugin's schema.
   */
  async saveCredentials(shop: { readonly id: number; readonly platform: string; readonly shopKey: string }, credentials: PlatformCredentials, now = Date.now()): Promise<void> {
    await this.#store.saveCredentials(shop, this.#sealCredentials(credentials), now);
    this.#forget(shop.id);
  }

  /** The platform refused the app's credentials for good; shown to the merchant until they restore access. */
  async reportAccessProblem(id: number, reason: string, now = Date.now()): Promise<void> {
    await this.#store.updateShop(id, { accessProblem: { reason, since: now } }, now);
    this.#forget(id);
  }

  /** Saves the impact.com credentials; without a token, the saved one stays. */
  async setConnection(id: number, connection: { accountSid: string; authToken?: string | undefined }, now = Date.now()): Promise<void> {
    await this.#store.updateShop(
      id,
      { impactAccountSid: connection.accountSid, ...(connection.authToken ? { impactAuthTokenSealed: this.#box.seal(connection.authToken) } : {}) },
      now,
    );
    this.#forget(id);
    // Deliveries held while the shop had no working credentials can go now.
    await this.#store.releaseDeliveries(id, now);
  }

  /** The app was uninstalled: deliveries stop, the revoked credentials go, the ledger stays. */
  async deactivate(id: number, now = Date.now()): Promise<void> {
    const row = await this.#store.getShop(id);
    if (!row) return;
    await this.#store.updateShop(id, { active: false }, now);
    await this.#store.deleteCredentials(row);
    this.#forget(id);
  }

  async remove(id: number): Promise<void> {
    await this.#store.deleteShop(id);
    this.#forget(id);
  }

  async find(platform: string, shopKey: string, now = Date.now()): Promise<Shop | null> {
    const key = keyOf(platform, shopKey);
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
    this.#forget(id);
    await this.#store.releaseWebhooks(id, now);
  }

  /**
   * Drops what is cached for one shop, after a change to it: every other shop's entry stays, so one
   * merchant's saves never send the others' webhooks to the store. `key` names an entry that may
   * hold the shop as unknown (a lookup just before it was installed).
   */
  #forget(id: number, key?: string): void {
    this.#byId.delete(id);
    if (key !== undefined) this.#byKey.delete(key);
    for (const [cachedKey, entry] of this.#byKey) if (entry.shop?.id === id) this.#byKey.delete(cachedKey);
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
      credentials: row.credentialsSealed ? JSON.parse(this.#box.open(row.credentialsSealed)) : null,
      accessProblem: row.accessProblem,
    };
  }

  #sealCredentials(credentials: PlatformCredentials): string {
    return this.#box.seal(JSON.stringify(credentials));
  }
}
