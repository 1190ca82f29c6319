import type { SecretBox, Store } from '@cartrelay/core';
import { Session } from '@shopify/shopify-api';
import type { SessionStorage } from '@shopify/shopify-app-session-storage';

/**
 * `@shopify/shopify-api` sessions in CartRelay's own store, sealed (they hold access tokens). Shopify's
 * SQL session packages would need a native module or a second database; this is the same small
 * interface over the store the relay already has, on SQLite and on PostgreSQL alike.
 */
export class StoreSessionStorage implements SessionStorage {
  readonly #store: Store;
  readonly #box: SecretBox;
  readonly #now: () => number;

  constructor(store: Store, box: SecretBox, now: () => number = Date.now) {
    this.#store = store;
    this.#box = box;
    this.#now = now;
  }

  async storeSession(session: Session): Promise<boolean> {
    const sealed = this.#box.seal(JSON.stringify(session.toPropertyArray(true)));
    await this.#store.saveAppSession({ id: session.id, platform: 'shopify', shopKey: session.shop, sealed }, this.#now());
    return true;
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const row = await this.#store.loadAppSession(id);
    return row ? this.#open(row.sealed) : undefined;
  }

  async deleteSession(id: string): Promise<boolean> {
    await this.#store.deleteAppSessions([id]);
    return true;
  }

  async deleteSessions(ids: string[]): Promise<boolean> {
    await this.#store.deleteAppSessions(ids);
    return true;
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    return (await this.#store.findAppSessions('shopify', shop)).map((row) => this.#open(row.sealed));
  }

  #open(sealed: string): Session {
    return Session.fromPropertyArray(JSON.parse(this.#box.open(sealed)) as Array<[string, string | number | boolean]>, true);
  }
}
