import { type SecretBox, type ShopCredentials, type StoredCredentials, readCredentials } from '@cartrelay/core';
import { Session } from '@shopify/shopify-api';
import { ShopifyCredentialsSchema, type ShopifyCredentials } from '../credentials.ts';

/** A session as stored, with its version. */
export interface VersionedSession {
  readonly session: Session;
  readonly version: number;
}

/** A session taken for renewal: only this lease's holder may save over it. */
export interface LeasedSession extends VersionedSession {
  readonly lease: string;
}

const PLATFORM = 'shopify';

/**
 * A shop's `@shopify/shopify-api` offline session, kept as the shop's credentials (sealed: they hold
 * the access and refresh tokens): the one place a shop's token lives. Shopify's SQL session packages
 * would need a native module or a second database; this is the store the relay already has, on SQLite
 * and PostgreSQL alike, with what expiring tokens need: a renewal lease, a save that only its holder
 * makes, and a way to mark the shop when Shopify refuses the tokens for good. Only offline sessions
 * exist here (CartRelay acts for the shop, never for a staff member), so a shop has one.
 */
export class StoreSessionStorage {
  readonly #store: ShopCredentials;
  readonly #box: SecretBox;
  readonly #now: () => number;

  constructor(store: ShopCredentials, box: SecretBox, now: () => number = Date.now) {
    this.#store = store;
    this.#box = box;
    this.#now = now;
  }

  /** Saves the shop's session, whatever was stored (an install). */
  async storeSession(session: Session): Promise<void> {
    await this.#store.saveCredentials(key(session.shop), this.#seal(session), this.#now());
  }

  async loadSession(shop: string): Promise<Session | undefined> {
    return (await this.loadVersioned(shop))?.session;
  }

  async loadVersioned(shop: string): Promise<VersionedSession | undefined> {
    const stored = await this.#store.loadCredentials(key(shop));
    return stored ? this.#versioned(shop, stored) : undefined;
  }

  /** The session, leased to this process for a renewal; undefined when another process holds it (or there is none). */
  async lease(shop: string, leaseMs: number): Promise<LeasedSession | undefined> {
    const leased = await this.#store.leaseCredentials(key(shop), leaseMs, this.#now());
    if (!leased) return undefined;
    const versioned = this.#versioned(shop, leased);
    if (!versioned) await this.release(shop, leased.lease);
    return versioned && { ...versioned, lease: leased.lease };
  }

  /** Saves a renewed session while the lease is still its own, ending it; false when another save or lease came first. */
  replace(session: Session, lease: string): Promise<boolean> {
    return this.#store.replaceCredentials(key(session.shop), this.#seal(session), lease, this.#now());
  }

  release(shop: string, lease: string): Promise<void> {
    return this.#store.releaseCredentials(key(shop), lease);
  }

  /** Shopify refused the leased session's tokens for good: its shop is marked, unless a newer session replaced it meanwhile. */
  refuse(shop: string, lease: string, reason: string): Promise<boolean> {
    return this.#store.markCredentialsRefused(key(shop), lease, reason, this.#now());
  }

  #seal(session: Session): string {
    const credentials: ShopifyCredentials = {
      accessToken: session.accessToken ?? '',
      ...(session.scope ? { scope: session.scope } : {}),
      ...(session.expires ? { expires: session.expires.getTime() } : {}),
      ...(session.refreshToken ? { refreshToken: session.refreshToken } : {}),
      ...(session.refreshTokenExpires ? { refreshTokenExpires: session.refreshTokenExpires.getTime() } : {}),
    };
    return this.#box.seal(JSON.stringify(credentials));
  }

  #versioned(shop: string, stored: StoredCredentials): VersionedSession | undefined {
    const credentials = readCredentials(ShopifyCredentialsSchema, JSON.parse(this.#box.open(stored.sealed)));
    // Credentials that are not a session (saved by hand, unreadable) are no session: the shop must install again.
    return credentials ? { session: sessionOf(shop, credentials), version: stored.version } : undefined;
  }
}

const key = (shop: string) => ({ platform: PLATFORM, shopKey: shop });

/** The offline session the library works with: its id is the library's own for a shop's offline session. */
function sessionOf(shop: string, credentials: ShopifyCredentials): Session {
  return new Session({
    id: `offline_${shop}`,
    shop,
    state: '',
    isOnline: false,
    accessToken: credentials.accessToken,
    ...(credentials.scope !== undefined ? { scope: credentials.scope } : {}),
    ...(credentials.expires !== undefined ? { expires: new Date(credentials.expires) } : {}),
    ...(credentials.refreshToken !== undefined ? { refreshToken: credentials.refreshToken } : {}),
    ...(credentials.refreshTokenExpires !== undefined ? { refreshTokenExpires: new Date(credentials.refreshTokenExpires) } : {}),
  });
}
