import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShopDirectory, type Store, createSecretBox, openStore, parseSecretKey } from '@cartrelay/core';
import { createScratchDatabase } from '@cartrelay/core/scratch-database';
import { Session, type Shopify } from '@shopify/shopify-api';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createShopifyApi } from '../src/admin-api/shopify-api.ts';
import { ORDER_INSIGHTS_QUERY } from '../src/admin-api/order-insights.ts';
import { type OfflineAccess, createOfflineAccess } from '../src/app/offline-access.ts';
import { StoreSessionStorage } from '../src/app/session-storage.ts';
import { migrateToExpiringTokens } from '../src/app/token-migration.ts';
import { type FakeShopify, startFakeShopify } from '../src/testing/fake-shopify.ts';

/**
 * Expiring offline tokens against the fake Shopify, which rotates refresh tokens, keeps one expiring
 * token per shop, refuses a refresh token once its replacement was used, and (when told) refuses
 * non-expiring tokens as Shopify does from 2027-01-01. "Processes" are separate stores and access
 * objects over one database.
 */

const API_KEY = 'offline-access-key';
const API_SECRET = 'offline-access-secret';
const SHOP = 'rotating.myshopify.com';
const HOUR = 3_600_000;
const box = createSecretBox(parseSecretKey('cd'.repeat(32))!);

interface Process {
  readonly store: Store;
  readonly shops: ShopDirectory;
  readonly sessions: StoreSessionStorage;
  readonly access: OfflineAccess;
}

function processOn(store: Store, shopify: Shopify, options: { leaseMs?: number } = {}): Process {
  const shops = new ShopDirectory(store, box, { cacheMs: 0 });
  const sessions = new StoreSessionStorage(store, box);
  return { store, shops, sessions, access: createOfflineAccess({ shopify, sessions, shops, logger: pino({ level: 'silent' }), waitForRenewalMs: 3_000, ...options }) };
}

/**
 * Installs SHOP as the token exchange would: an expiring pair in the session, the shop active.
 * `expiresInMs`: what the session says of the token's expiry (the real clock runs on; a token "near
 * its expiry" is one the session says expires soon). Shopify's own expiry stays an hour.
 */
async function installExpiring(fake: FakeShopify, process: Process, shop = SHOP, expiresInMs?: number): Promise<string> {
  const pair = fake.issueExpiringToken(shop);
  await process.sessions.storeSession(
    new Session({
      id: `offline_${shop}`,
      shop,
      state: '',
      isOnline: false,
      accessToken: pair.accessToken,
      scope: 'read_orders',
      expires: new Date(expiresInMs === undefined ? pair.expiresAt : Date.now() + expiresInMs),
      refreshToken: pair.refreshToken,
      refreshTokenExpires: new Date(Date.now() + 90 * 24 * HOUR),
    }),
  );
  await process.shops.install({ platform: 'shopify', shopKey: shop }, Date.now());
  return pair.accessToken;
}

/** An installation from before expiring tokens: a non-expiring token in the session. */
async function installNonExpiring(fake: FakeShopify, process: Process, shop = SHOP): Promise<string> {
  const token = fake.issueAccessToken(shop);
  await process.sessions.storeSession(new Session({ id: `offline_${shop}`, shop, state: '', isOnline: false, accessToken: token, scope: 'read_orders' }));
  await process.shops.install({ platform: 'shopify', shopKey: shop }, Date.now());
  return token;
}

const grants = (fake: FakeShopify, grant: string) => fake.calls.filter((call) => call.operation === grant);
const askShopify = (access: OfflineAccess, shop = SHOP) => access.graphql(shop).request(ORDER_INSIGHTS_QUERY, { variables: { id: 'gid://shopify/Order/1' } });

describe('expiring offline tokens', () => {
  let fake: FakeShopify;
  let shopify: Shopify;
  let one: Process;

  beforeEach(async () => {
    fake = await startFakeShopify({ apiKey: API_KEY, apiSecret: API_SECRET });
    shopify = createShopifyApi({ apiKey: API_KEY, apiSecretKey: API_SECRET, hostName: 'https://app.example.com', adminApiUrl: fake.url });
    one = processOn(await openStore({ dataDir: await mkdtemp(join(tmpdir(), 'cartrelay-offline-access-')), box }), shopify);
  });
  afterEach(async () => {
    await one.store.close();
    await fake.close();
  });

  it('uses a token while it is good, and refreshes it within the margin before its expiry, saving the rotated pair', async () => {
    const first = await installExpiring(fake, one);
    expect(await one.access.session(SHOP)).toMatchObject({ ok: true, value: { accessToken: first } });
    expect(grants(fake, 'refresh_token')).toEqual([]);

    await installExpiring(fake, one, SHOP, 4 * 60_000); // four minutes to go: inside the five-minute margin
    const due = (await one.sessions.loadSession(SHOP))!.accessToken;
    const refreshed = await one.access.session(SHOP);
    expect(refreshed.ok && refreshed.value.accessToken).not.toBe(due);
    const stored = await one.sessions.loadSession(SHOP);
    expect(stored).toMatchObject({ accessToken: refreshed.ok ? refreshed.value.accessToken : null, refreshToken: fake.currentRefreshToken(SHOP) });
    expect(stored!.expires!.getTime()).toBeGreaterThan(Date.now() + HOUR - 60_000);
    // Shopify accepts the new token, and the new refresh token refreshes again.
    await askShopify(one.access);
    fake.expireAccessTokens(SHOP);
    await askShopify(one.access);
    expect(grants(fake, 'refresh_token').map((call) => call.status)).toEqual([200, 200]);
  });

  it('refreshes once and asks again when Shopify refuses a token that looked good (expired early)', async () => {
    await installExpiring(fake, one);
    fake.expireAccessTokens(SHOP);
    const answer = await askShopify(one.access);
    expect(answer.data).toEqual({ order: null });
    expect(grants(fake, 'refresh_token')).toHaveLength(1);
    expect(fake.calls.filter((call) => call.operation === 'unauthorized')).toHaveLength(1);
  });

  it('marks the shop as needing the merchant when Shopify refuses the refresh token (already used), and asks Shopify no more', async () => {
    await installExpiring(fake, one, SHOP, -1);
    // Someone else used the stored refresh token and its replacement: the stored one is retired.
    const stored = (await one.sessions.loadSession(SHOP))!;
    const replacement = await shopify.auth.refreshToken({ shop: SHOP, refreshToken: stored.refreshToken! });
    await shopify.auth.refreshToken({ shop: SHOP, refreshToken: replacement.session.refreshToken! });

    const refused = await one.access.session(SHOP);
    expect(refused).toEqual({ ok: false, error: { kind: 'needs_merchant', message: expect.stringContaining('open CartRelay in the Shopify admin') } });
    expect(grants(fake, 'refresh_token').at(-1)).toMatchObject({ status: 400 });
    expect((await one.shops.find('shopify', SHOP))?.accessProblem).toEqual({ reason: 'HTTP 400: The refresh token was already used', since: expect.any(Number) });
    // Marked, not deleted (a mark can be undone); until the merchant installs again nothing is asked of Shopify.
    expect(await one.sessions.loadSession(SHOP)).toBeDefined();
    const calls = fake.calls.length;
    expect(await one.access.session(SHOP)).toMatchObject({ ok: false, error: { kind: 'needs_merchant' } });
    expect(fake.calls.length).toBe(calls);
  });

  it('keeps the session and the token at hand when Shopify is down, and says so once the token has expired', async () => {
    const token = await installExpiring(fake, one, SHOP, 60_000);
    fake.hooks.beforeToken = () => ({ status: 503, body: { errors: 'Service Unavailable' } });
    expect(await one.access.session(SHOP)).toMatchObject({ ok: true, value: { accessToken: token } });
    await installExpiring(fake, one, SHOP, -1);
    expect(await one.access.session(SHOP)).toMatchObject({ ok: false, error: { kind: 'unavailable' } });
    expect((await one.shops.find('shopify', SHOP))?.accessProblem).toBeNull();

    fake.hooks.beforeToken = undefined;
    // The lease was given back: the next use refreshes.
    expect((await one.access.session(SHOP)).ok).toBe(true);
    expect(grants(fake, 'refresh_token').map((call) => call.status)).toEqual([503, 503, 200]);
  });

  it('does not drop a session an install saved while a refresh was under way', async () => {
    await installExpiring(fake, one, SHOP, -1);
    let installed = '';
    // The merchant opens the app in another process mid-refresh: a token exchange revokes the pair being refreshed.
    fake.hooks.beforeToken = async (grant) => {
      if (grant !== 'refresh_token') return undefined;
      fake.hooks.beforeToken = undefined;
      installed = await installExpiring(fake, processOn(one.store, shopify));
      return undefined;
    };
    const session = await one.access.session(SHOP);
    expect(session).toMatchObject({ ok: true, value: { accessToken: installed } });
    expect((await one.shops.find('shopify', SHOP))?.accessProblem).toBeNull();
  });

  it('keeps the pair of a refresh that took over a lapsed lease, not the late answer of the one it took over from', async () => {
    await installExpiring(fake, one, SHOP, -1);
    const slow = processOn(one.store, shopify, { leaseMs: 100 });
    const quick = processOn(one.store, shopify, { leaseMs: 100 });
    // The first refresh's answer is held back past its lease.
    let first = true;
    fake.hooks.afterToken = async (grant) => {
      if (grant === 'refresh_token' && first) {
        first = false;
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
    };
    const slowSession = slow.access.session(SHOP);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const quickSession = await quick.access.session(SHOP);
    const late = await slowSession;
    // Both refreshed with the same refresh token; the later pair revoked the earlier, and is the one kept.
    expect(grants(fake, 'refresh_token').map((call) => call.status)).toEqual([200, 200]);
    expect(quickSession.ok && late.ok && late.value.accessToken === quickSession.value.accessToken).toBe(true);
    await askShopify(one.access);
    expect((await one.shops.find('shopify', SHOP))?.accessProblem).toBeNull();
  });

  it('marks no shop when Shopify refuses the app’s own credentials (a wrong client secret): every shop would be', async () => {
    await installExpiring(fake, one, SHOP, -1);
    const misconfigured = createShopifyApi({ apiKey: API_KEY, apiSecretKey: 'not-the-secret', hostName: 'https://app.example.com', adminApiUrl: fake.url });
    const wrong = processOn(one.store, misconfigured);
    expect(await wrong.access.session(SHOP)).toMatchObject({ ok: false, error: { kind: 'unavailable', message: expect.stringContaining('Client credentials are invalid') } });
    expect(grants(fake, 'refresh_token').map((call) => call.status)).toEqual([401]);
    expect((await one.shops.find('shopify', SHOP))?.accessProblem).toBeNull();
    // With the right secret again, the same refresh token still works.
    expect((await one.access.session(SHOP)).ok).toBe(true);
  });

  it('renews nothing when Shopify answers 403 on an expiring token: that is about a scope, not the token', async () => {
    await installExpiring(fake, one);
    fake.hooks.beforeGraphql = () => ({ status: 403, body: { errors: '[API] This action requires merchant approval for read_orders scope.' } });
    await expect(askShopify(one.access)).rejects.toThrow(/403/);
    expect(grants(fake, 'refresh_token')).toEqual([]);
  });

  it('records new scopes once a renewal under way has ended, over the renewed session', async () => {
    await installExpiring(fake, one);
    const renewing = (await one.sessions.lease(SHOP, 30_000))!;
    const recorded = one.access.recordScopes(SHOP, ['read_orders', 'write_pixels']);
    await new Promise((resolve) => setTimeout(resolve, 250));
    renewing.session.accessToken = 'shpat_renewed';
    expect(await one.sessions.replace(renewing.session, renewing.lease)).toBe(true);
    await recorded;
    expect(await one.sessions.loadSession(SHOP)).toMatchObject({ accessToken: 'shpat_renewed', scope: 'read_orders,write_pixels' });
  });

  it('moves a non-expiring token to an expiring one, after which Shopify refuses the old one', async () => {
    const legacy = await installNonExpiring(fake, one);
    // Used as it is until it is migrated: not on every use.
    expect(await one.access.session(SHOP)).toMatchObject({ ok: true, value: { accessToken: legacy } });
    expect(await one.access.migrate(SHOP)).toEqual({ ok: true, value: 'migrated' });
    const moved = (await one.sessions.loadSession(SHOP))!;
    expect(moved.expires).toBeInstanceOf(Date);
    expect(moved.refreshToken).toMatch(/^shprt_/);
    expect(await one.access.migrate(SHOP)).toEqual({ ok: true, value: 'already' });
    await askShopify(one.access);
    await expect(new shopify.clients.Graphql({ session: new Session({ id: 'x', shop: SHOP, state: '', isOnline: false, accessToken: legacy }) }).request('{ shop { id } }')).rejects.toThrow(/401/);
  });

  it('migrates every installed shop nobody opens, reporting each, including one added with nothing but its token', async () => {
    await installNonExpiring(fake, one, 'legacy.myshopify.com');
    await installExpiring(fake, one, 'current.myshopify.com');
    // As `cartrelay shops add --access-token` (or migration 11, from a token an earlier version kept apart) saves it.
    const tokenOnly = await one.shops.install({ platform: 'shopify', shopKey: 'table.myshopify.com', credentials: { accessToken: fake.issueAccessToken('table.myshopify.com') } }, Date.now());
    expect(tokenOnly.credentials).toEqual({ accessToken: expect.stringMatching(/^shpat_/) });

    const progress: unknown[] = [];
    const summary = await migrateToExpiringTokens(one.access, one.shops, (step) => progress.push(step));
    expect(summary).toEqual({ total: 3, migrated: 2, already: 1, failed: 0, needsMerchant: 0 });
    expect(progress).toEqual([
      { shop: 'legacy.myshopify.com', done: 1, total: 3, outcome: 'migrated' },
      { shop: 'current.myshopify.com', done: 2, total: 3, outcome: 'already' },
      { shop: 'table.myshopify.com', done: 3, total: 3, outcome: 'migrated' },
    ]);
    expect((await one.sessions.loadSession('table.myshopify.com'))?.expires).toBeInstanceOf(Date);
  });
});

describe('after Shopify stops accepting non-expiring tokens', () => {
  it('marks a shop still on one as needing the merchant: the API refuses it and it can no longer be moved', async () => {
    const fake = await startFakeShopify({ apiKey: API_KEY, apiSecret: API_SECRET, rejectNonExpiringAfter: new Date(Date.now() - 1000) });
    const shopify = createShopifyApi({ apiKey: API_KEY, apiSecretKey: API_SECRET, hostName: 'https://app.example.com', adminApiUrl: fake.url });
    const one = processOn(await openStore({ dataDir: await mkdtemp(join(tmpdir(), 'cartrelay-offline-access-')), box }), shopify);
    try {
      await installNonExpiring(fake, one);
      await expect(askShopify(one.access)).rejects.toThrow(/open CartRelay in the Shopify admin/);
      expect(fake.calls.map((call) => [call.operation, call.status])).toEqual([
        ['non-expiring token refused', 403],
        ['migrate_token', 400],
      ]);
      expect((await one.shops.find('shopify', SHOP))?.accessProblem?.reason).toMatch(/^HTTP 400/);
    } finally {
      await one.store.close();
      await fake.close();
    }
  });
});

describe('two processes refreshing one shop at once (PostgreSQL)', () => {
  let database: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    database = await createScratchDatabase('cartrelay_offline_access');
  });
  afterAll(async () => {
    await database.drop();
  });

  it('refreshes once, loses no pair, and both processes go on working', async () => {
    const fake = await startFakeShopify({ apiKey: API_KEY, apiSecret: API_SECRET });
    const shopify = createShopifyApi({ apiKey: API_KEY, apiSecretKey: API_SECRET, hostName: 'https://app.example.com', adminApiUrl: fake.url });
    const a = processOn(await openStore({ databaseUrl: database.url, dataDir: '', box }), shopify);
    const b = processOn(await openStore({ databaseUrl: database.url, dataDir: '', box }), shopify);
    try {
      await installExpiring(fake, a, SHOP, -1);
      // Slow refreshes, so that both processes find the token due while one refresh is under way.
      fake.hooks.beforeToken = () => new Promise((resolve) => setTimeout(() => resolve(undefined), 300));
      const [fromA, fromB] = await Promise.all([a.access.session(SHOP), b.access.session(SHOP)]);
      expect(grants(fake, 'refresh_token')).toHaveLength(1);
      expect(fromA.ok && fromB.ok && fromA.value.accessToken === fromB.value.accessToken).toBe(true);

      // Both use it, and the pair saved is the one Shopify issued: the next refresh works from either process.
      await Promise.all([askShopify(a.access), askShopify(b.access)]);
      fake.expireAccessTokens(SHOP);
      await askShopify(b.access);
      expect(grants(fake, 'refresh_token').map((call) => call.status)).toEqual([200, 200]);
    } finally {
      await a.store.close();
      await b.store.close();
      await fake.close();
    }
  });
});
