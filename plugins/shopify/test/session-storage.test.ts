import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SecretBox, type Store, openStore } from '@cartrelay/core';
import { aSecretBox } from '@cartrelay/core/testing';
import { Session } from '@shopify/shopify-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreSessionStorage } from '../src/app/session-storage.ts';

describe('StoreSessionStorage', () => {
  let box: SecretBox;
  let store: Store;
  let storage: StoreSessionStorage;

  beforeEach(async () => {
    box = aSecretBox();
    store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'cartrelay-sessions-')), box });
    storage = new StoreSessionStorage(store, box);
  });
  afterEach(async () => {
    await store.close();
  });

  const offline = (shop: string, accessToken: string) => new Session({ id: `offline_${shop}`, shop, state: '', isOnline: false, accessToken, scope: 'read_orders' });
  const shopKey = (shop: string) => ({ platform: 'shopify', shopKey: shop });

  it('stores and loads a shop’s offline session as @shopify/shopify-api gave it', async () => {
    const session = offline('a.myshopify.com', 'shpat_secret_a');
    session.expires = new Date(1_780_000_000_000);
    session.refreshToken = 'shprt_a';
    session.refreshTokenExpires = new Date(1_790_000_000_000);
    await storage.storeSession(session);
    const loaded = await storage.loadSession('a.myshopify.com');
    expect(loaded?.equals(session)).toBe(true);
    expect(await storage.loadSession('missing.myshopify.com')).toBeUndefined();
  });

  it('keeps the session as the shop’s credentials, sealed, in the shape the plugin’s schema reads', async () => {
    await storage.storeSession(offline('a.myshopify.com', 'shpat_secret_a'));
    const stored = await store.loadCredentials(shopKey('a.myshopify.com'));
    expect(stored?.sealed).not.toContain('shpat_secret_a');
    expect(JSON.parse(box.open(stored!.sealed))).toEqual({ accessToken: 'shpat_secret_a', scope: 'read_orders' });
  });

  it('reads a session stored before credentials were one value (the library’s property array)', async () => {
    const legacy = offline('old.myshopify.com', 'shpat_old');
    legacy.expires = new Date(1_780_000_000_000);
    await store.saveCredentials(shopKey('old.myshopify.com'), box.seal(JSON.stringify(legacy.toPropertyArray(true))), 1);
    expect((await storage.loadSession('old.myshopify.com'))?.equals(legacy)).toBe(true);
  });

  it('treats credentials that are no session as none, and gives back the lease it took on them', async () => {
    await store.saveCredentials(shopKey('odd.myshopify.com'), box.seal(JSON.stringify({ webhookSecret: 'x' })), 1);
    expect(await storage.loadSession('odd.myshopify.com')).toBeUndefined();
    expect(await storage.lease('odd.myshopify.com', 30_000)).toBeUndefined();
    expect(await store.leaseCredentials(shopKey('odd.myshopify.com'), 30_000, Date.now())).not.toBeNull();
  });

  it('replaces a session stored again', async () => {
    await storage.storeSession(offline('a.myshopify.com', 'one'));
    await storage.storeSession(offline('a.myshopify.com', 'two'));
    expect((await storage.loadVersioned('a.myshopify.com'))?.session.accessToken).toBe('two');
    expect((await storage.loadVersioned('a.myshopify.com'))?.version).toBe(2);
  });
});
