import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Store, createSecretBox, generateSecretKey, openStore, parseSecretKey } from '@cartrelay/core';
import { Session } from '@shopify/shopify-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreSessionStorage } from '../src/app/session-storage.ts';

describe('StoreSessionStorage', () => {
  let store: Store;
  let storage: StoreSessionStorage;

  beforeEach(async () => {
    store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'cartrelay-sessions-')) });
    storage = new StoreSessionStorage(store, createSecretBox(parseSecretKey(generateSecretKey())!));
  });
  afterEach(async () => {
    await store.close();
  });

  const offline = (shop: string, accessToken: string) => new Session({ id: `offline_${shop}`, shop, state: 'st', isOnline: false, accessToken, scope: 'read_orders' });

  it('stores and loads a session as @shopify/shopify-api gave it', async () => {
    const session = offline('a.myshopify.com', 'shpat_secret_a');
    expect(await storage.storeSession(session)).toBe(true);
    const loaded = await storage.loadSession(session.id);
    expect(loaded?.equals(session)).toBe(true);
    expect(loaded?.accessToken).toBe('shpat_secret_a');
    expect(await storage.loadSession('offline_missing.myshopify.com')).toBeUndefined();
  });

  it('keeps the access token sealed at rest', async () => {
    await storage.storeSession(offline('a.myshopify.com', 'shpat_secret_a'));
    const row = await store.loadAppSession('offline_a.myshopify.com');
    expect(row?.sealed).not.toContain('shpat_secret_a');
  });

  it('finds a shop’s sessions, replaces a session stored again, and deletes', async () => {
    await storage.storeSession(offline('a.myshopify.com', 'one'));
    await storage.storeSession(offline('a.myshopify.com', 'two'));
    await storage.storeSession(offline('b.myshopify.com', 'b'));
    expect((await storage.findSessionsByShop('a.myshopify.com')).map((s) => s.accessToken)).toEqual(['two']);
    await storage.deleteSessions(['offline_a.myshopify.com', 'offline_b.myshopify.com']);
    expect(await storage.findSessionsByShop('a.myshopify.com')).toEqual([]);
    expect(await storage.deleteSession('offline_b.myshopify.com')).toBe(true);
  });
});
