import { type Result, type ShopDirectory, err, ok } from '@cartrelay/core';
import { HttpResponseError, type Session, type Shopify } from '@shopify/shopify-api';
import type { Logger } from 'pino';
import type { AdminGraphqlClient, GraphqlRequester } from '../admin-api/graphql.ts';
import type { LeasedSession, StoreSessionStorage } from './session-storage.ts';

/** Why a shop's Admin API access could not be had. */
export type AccessFailure =
  /** CartRelay holds no session for the shop (never installed through the app, or uninstalled). */
  | { readonly kind: 'not_installed'; readonly message: string }
  /** Shopify refused the shop's tokens for good: only the merchant opening the app restores access. */
  | { readonly kind: 'needs_merchant'; readonly message: string }
  /** For now: Shopify did not answer, refused the app's own credentials, or another process is still renewing. */
  | { readonly kind: 'unavailable'; readonly message: string };

export class AccessError extends Error {
  readonly failure: AccessFailure;
  constructor(failure: AccessFailure) {
    super(failure.message);
    this.failure = failure;
  }
}

export interface OfflineAccessOptions {
  readonly shopify: Shopify;
  readonly sessions: StoreSessionStorage;
  readonly shops: ShopDirectory;
  readonly logger: Logger;
  readonly now?: () => number;
  /** A token this close to its expiry is refreshed before use. Shopify advises a few minutes. */
  readonly refreshMarginMs?: number;
  /**
   * How long a renewal may take before another process may take it over (ms). Well above the
   * deadline of a request to Shopify (createShopifyApi's requestTimeoutMs), so a renewal ends first.
   */
  readonly leaseMs?: number;
  /** How long to wait for another process's renewal when the token at hand is no good (ms). */
  readonly waitForRenewalMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface OfflineAccess {
  /**
   * The shop's offline session with a token good for at least the refresh margin: refreshed first
   * when it is near its expiry. `rejected`: a token the Admin API just refused, never handed out again.
   */
  session(shop: string, options?: { readonly rejected?: string }): Promise<Result<Session, AccessFailure>>;
  /** An Admin GraphQL requester that takes a good token before each request, and renews once more on a refusal. */
  graphql(shop: string): GraphqlRequester;
  /**
   * Stores the session `obtain` gets (a token exchange, the OAuth code grant) under the session's
   * lease, so that no refresh or other exchange interleaves: each new Shopify token revokes the one
   * before, so the one kept must be the one issued last. `unlessStored`: once the lease is had, the
   * session stored then is kept instead when it passes (another call just installed it).
   */
  install(shop: string, obtain: () => Promise<Session>, options?: { readonly unlessStored?: (stored: Session) => boolean }): Promise<Session>;
  /** Moves a shop holding a non-expiring token to an expiring one; `already` when there is nothing to move. */
  migrate(shop: string): Promise<Result<'migrated' | 'already', AccessFailure>>;
  /** Records the scopes the shop's token now holds (app/scopes_update), under the lease. */
  recordScopes(shop: string, scopes: readonly string[]): Promise<void>;
}

interface Want {
  /** A token the Admin API refused: never handed out again. */
  readonly rejected?: string | undefined;
  /** Move a non-expiring token now. */
  readonly migrate?: boolean;
}

/**
 * Expiring offline tokens (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/offline-access-tokens):
 * an access token lasts an hour, Shopify replaces the refresh token every time it is used, and every
 * new token revokes the one before. So one process at a time renews a shop's tokens (a lease on its
 * session, with an owner: only the holder saves), the others use the token they hold while it is
 * still good or wait briefly for the new one. A refusal that concerns the shop's tokens (invalid_grant)
 * marks the shop as needing its merchant; one that concerns the app's own credentials (invalid_client)
 * marks nothing: every shop would be marked by one wrong secret.
 */
export function createOfflineAccess(options: OfflineAccessOptions): OfflineAccess {
  const { shopify, sessions, shops, logger } = options;
  const now = options.now ?? Date.now;
  const marginMs = options.refreshMarginMs ?? 5 * 60_000;
  const leaseMs = options.leaseMs ?? 30_000;
  const waitForRenewalMs = options.waitForRenewalMs ?? 10_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  /**
   * Good for at least the margin, and not the one the API refused. A non-expiring token counts as
   * good until Shopify refuses it: it is moved to an expiring one when the merchant opens the app or
   * by the migration job, not on every use.
   */
  const fresh = (session: Session, want: Want) =>
    session.accessToken !== want.rejected && (session.expires === undefined ? !want.migrate : session.expires.getTime() - marginMs > now());
  /** Still accepted by Shopify for a moment, though due for a refresh. */
  const usable = (session: Session, want: Want) =>
    Boolean(session.accessToken) && session.accessToken !== want.rejected && (session.expires === undefined || session.expires.getTime() > now());

  /** Takes the session's lease, waiting a while for another process's renewal to end; undefined when there is no session. */
  async function leaseWhenFree(shop: string): Promise<Result<LeasedSession | undefined, AccessFailure>> {
    const waitUntil = now() + waitForRenewalMs;
    for (;;) {
      const leased = await sessions.lease(shop, leaseMs);
      if (leased) return ok(leased);
      if (!(await sessions.loadVersioned(shop))) return ok(undefined);
      if (now() >= waitUntil) return err({ kind: 'unavailable', message: `the Shopify token of ${shop} is being renewed by another process; try again shortly` });
      await sleep(100);
    }
  }

  async function session(shop: string, want: Want = {}): Promise<Result<Session, AccessFailure>> {
    const waitUntil = now() + waitForRenewalMs;
    for (;;) {
      const stored = await sessions.loadVersioned(shop);
      if (!stored?.session.accessToken) return err({ kind: 'not_installed', message: `no Shopify session for ${shop}: the app is not installed there` });
      const marked = (await shops.find('shopify', shop, now()))?.accessProblem;
      if (marked) return err(needsMerchant(shop, marked.reason));
      if (fresh(stored.session, want)) return ok(stored.session);

      const leased = await sessions.lease(shop, leaseMs);
      if (!leased) {
        // Another process is renewing: the token at hand is fine until it expires.
        if (usable(stored.session, want)) return ok(stored.session);
        if (now() >= waitUntil) return err({ kind: 'unavailable', message: `the Shopify token of ${shop} is being renewed by another process; try again shortly` });
        await sleep(100);
        continue;
      }
      // Renewed or installed since the first read: nothing more to do.
      if (fresh(leased.session, want)) {
        await sessions.release(shop, leased.lease);
        return ok(leased.session);
      }
      const renewed = await renew(shop, leased, want);
      if (renewed !== 'look again') return renewed;
    }
  }

  /** With the lease held: refresh the pair, or move a non-expiring token to an expiring one. */
  async function renew(shop: string, leased: LeasedSession, want: Want): Promise<Result<Session, AccessFailure> | 'look again'> {
    const current = leased.session;
    const migrating = current.expires === undefined;
    const renewed = await (migrating ? migrateToken(current) : refreshToken(current));
    if (renewed.ok) {
      if (await sessions.replace(renewed.value, leased.lease)) {
        logger.info({ shop, expires: renewed.value.expires?.toISOString() }, migrating ? 'shopify token moved to an expiring token' : 'shopify token refreshed');
        return ok(renewed.value);
      }
      // The lease ran out and another process renewed (or the merchant installed again): the session
      // stored now is newer than this one, which Shopify has revoked or will.
      logger.error({ shop }, 'a renewed Shopify token came back after its lease ended; the newer one stored is used');
      return 'look again';
    }
    const refusal = renewed.error;
    // A non-expiring token that still works stays in use while its migration is refused; only the API
    // refusing the token itself ends it.
    const shopRefused = refusal.concerns === 'shop' && !(migrating && want.rejected === undefined);
    if (shopRefused) {
      if (!(await sessions.refuse(shop, leased.lease, refusal.message))) return 'look again';
      logger.error({ shop, reason: refusal.message }, 'shopify refused the shop’s tokens; the merchant must open CartRelay in the Shopify admin');
      return err(needsMerchant(shop, refusal.message));
    }
    await sessions.release(shop, leased.lease);
    if (refusal.concerns === 'app') logger.error({ shop, reason: refusal.message }, 'shopify refused the app’s own credentials: check SHOPIFY_API_KEY and SHOPIFY_API_SECRET');
    else logger.warn({ shop, reason: refusal.message }, migrating ? 'shopify token migration failed; will try again' : 'shopify token refresh failed; will try again');
    // A failed renewal of a token that is still good changes nothing yet.
    if (usable(current, want)) return ok(current);
    return err({ kind: 'unavailable', message: `the Shopify token of ${shop} could not be renewed: ${refusal.message}` });
  }

  type Renewal = Result<Session, Refusal>;

  async function refreshToken(current: Session): Promise<Renewal> {
    if (!current.refreshToken) return err({ message: 'the expiring token came without a refresh token', concerns: 'shop' });
    if (current.refreshTokenExpires && current.refreshTokenExpires.getTime() <= now()) return err({ message: 'the refresh token has expired', concerns: 'shop' });
    return renewal(() => shopify.auth.refreshToken({ shop: current.shop, refreshToken: current.refreshToken! }), current);
  }

  async function migrateToken(current: Session): Promise<Renewal> {
    return renewal(() => shopify.auth.migrateToExpiringToken({ shop: current.shop, nonExpiringOfflineAccessToken: current.accessToken! }), current);
  }

  async function renewal(call: () => Promise<{ session: Session }>, current: Session): Promise<Renewal> {
    try {
      const { session: renewed } = await call();
      return ok(renewed.id === current.id ? renewed : Object.assign(renewed, { id: current.id }));
    } catch (error) {
      return err(classify(error));
    }
  }

  function graphql(shop: string): GraphqlRequester {
    const clientFor = (session: Session) => new shopify.clients.Graphql({ session });
    const take = async (rejected?: string) => {
      const taken = await session(shop, rejected === undefined ? {} : { rejected });
      if (!taken.ok) throw new AccessError(taken.error);
      return taken.value;
    };
    const request: AdminGraphqlClient['request'] = async (operation, requestOptions) => {
      const first = await take();
      try {
        return await clientFor(first).request(operation, requestOptions);
      } catch (error) {
        // Revoked or expired early: renew once and ask again. From 2027-01-01 Shopify answers a
        // non-expiring token 403 ("Non-expiring access tokens are no longer accepted"); a 403 on an
        // expiring token is about what it may do (a scope), which renewing does not change.
        const refused = error instanceof HttpResponseError && (error.response.code === 401 || (error.response.code === 403 && first.expires === undefined));
        if (!refused) throw error;
        return clientFor(await take(first.accessToken)).request(operation, requestOptions);
      }
    };
    return { request };
  }

  async function install(shop: string, obtain: () => Promise<Session>, installOptions: { readonly unlessStored?: (stored: Session) => boolean } = {}): Promise<Session> {
    const leased = await leaseWhenFree(shop);
    if (!leased.ok) throw new AccessError(leased.error);
    if (leased.value && installOptions.unlessStored?.(leased.value.session)) {
      await sessions.release(shop, leased.value.lease);
      return leased.value.session;
    }
    if (!leased.value) {
      // A first install: no session to lease yet.
      const session = await obtain();
      await sessions.storeSession(session);
      return session;
    }
    let session: Session;
    try {
      session = await obtain();
    } catch (error) {
      await sessions.release(shop, leased.value.lease);
      throw error;
    }
    if (!(await sessions.replace(session, leased.value.lease))) {
      // The lease ran out while Shopify answered (its requests have a deadline well under it): save anyway.
      logger.error({ shop }, 'a Shopify token exchange outlasted its lease; it is saved over whatever came meanwhile');
      await sessions.storeSession(session);
    }
    return session;
  }

  async function migrate(shop: string): Promise<Result<'migrated' | 'already', AccessFailure>> {
    const stored = await sessions.loadVersioned(shop);
    if (!stored?.session.accessToken) return err({ kind: 'not_installed', message: `no Shopify session for ${shop}` });
    if (stored.session.expires !== undefined) return ok('already');
    const moved = await session(shop, { migrate: true });
    if (!moved.ok) return moved;
    return moved.value.expires === undefined ? err({ kind: 'unavailable', message: `Shopify did not move the token of ${shop}; see the log` }) : ok('migrated');
  }

  async function recordScopes(shop: string, scopes: readonly string[]): Promise<void> {
    const leased = await leaseWhenFree(shop);
    if (!leased.ok) throw new AccessError(leased.error);
    if (!leased.value) return;
    const { session: stored, lease } = leased.value;
    stored.scope = scopes.join(',');
    await sessions.replace(stored, lease);
  }

  return { session, graphql, install, migrate, recordScopes };
}

const needsMerchant = (shop: string, reason: string): AccessFailure => ({
  kind: 'needs_merchant',
  message: `Shopify refused the app's access to ${shop} (${reason}): the merchant must open CartRelay in the Shopify admin to restore it`,
});

/** What a refusal from Shopify's token endpoint is about. */
interface Refusal {
  readonly message: string;
  /**
   * `shop`: this shop's tokens are dead (a refresh token unknown, used, expired or revoked:
   * invalid_grant); `app`: the app's own credentials or request (invalid_client), which no shop's
   * merchant can fix; `transient`: no answer, 429 or 5xx — asking again may work (since 2026-08-28
   * Shopify keeps the previous refresh token until its replacement is used, so a lost answer is harmless).
   */
  readonly concerns: 'shop' | 'app' | 'transient';
}

function classify(error: unknown): Refusal {
  if (!(error instanceof HttpResponseError)) return { message: error instanceof Error ? error.message : String(error), concerns: 'transient' };
  const { code, body } = error.response;
  const answer = (typeof body === 'object' && body !== null ? body : {}) as { error?: string; error_description?: string };
  const message = `HTTP ${code}${answer.error_description ? `: ${answer.error_description}` : answer.error ? `: ${answer.error}` : ''}`;
  if (code === 408 || code === 429 || code >= 500) return { message, concerns: 'transient' };
  if (answer.error === 'invalid_client') return { message, concerns: 'app' };
  // invalid_grant, or a refusal naming the token ("This request requires an active refresh_token").
  if (answer.error === 'invalid_grant' || /token/i.test(answer.error_description ?? '')) return { message, concerns: 'shop' };
  return { message, concerns: 'app' };
}
