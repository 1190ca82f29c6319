import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdminAuthenticator } from '../admin/admin-router.ts';
import type { AdminHome } from '../admin/contract.ts';
import { createImpactClient } from '../delivery/impact-client.ts';
import { err, ok } from '../result.ts';
import { ShopDirectory } from '../shops/shop-directory.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { aConfig, aSecretBox } from '../testing/builders.ts';
import { storeAppRouters } from './admin-mount.ts';
import type { StoreApp, StoreAppContext } from './store-plugin.ts';

/** An app whose admin authentication accepts `x-test-admin: <its platform>:<shop>`, refusing with its own header otherwise. */
function appOf(platform: string, saved: string[]): StoreApp {
  const authenticateAdmin: AdminAuthenticator = async (req) => {
    const [claimed, shopKey] = String(req.headers['x-test-admin'] ?? '').split(':');
    return claimed === platform && shopKey ? ok({ platform, shopKey }) : err({ message: `not a ${platform} session`, headers: { 'x-refused-by': platform } });
  };
  return {
    routers: [],
    authenticateAdmin,
    lifecycle: { configSaved: async (shop) => void saved.push(`${platform}:${shop.shopKey}`) },
    ...(platform === 'second' ? { clickCaptureStatus: async (shop) => ({ label: 'Second script', active: true, detail: `on ${shop.platform}:${shop.shopKey}` }) } : {}),
  };
}

describe('the admin API of several store apps', () => {
  let store: Store;
  let server: Server;
  let base: string;
  const saved: string[] = [];

  beforeEach(async () => {
    const box = aSecretBox();
    store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'cartrelay-admin-mount-')), box });
    const shops = new ShopDirectory(store, box, { cacheMs: 0 });
    for (const platform of ['first', 'second']) await shops.add({ platform, shopKey: 'shop', config: aConfig(), impact: { accountSid: 'IR1', authToken: 't' } });
    const context: StoreAppContext = { store, shops, box, impact: createImpactClient({ baseUrl: 'http://127.0.0.1:9' }), logger: pino({ level: 'silent' }), now: Date.now };
    const app = express();
    app.use(...storeAppRouters(context, new Map([['first', appOf('first', saved)], ['second', appOf('second', saved)]])));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await store.close();
  });

  const get = (path: string, session: string) => fetch(`${base}${path}`, { headers: { 'x-test-admin': session } });

  it('answers each app’s page at its own path, behind its own authentication only', async () => {
    expect(await (await get('/second/api/admin/shop', 'second:shop')).json()).toMatchObject({ platform: 'second', shopKey: 'shop' });
    const refused = await get('/second/api/admin/shop', 'first:shop');
    expect([refused.status, refused.headers.get('x-refused-by')]).toEqual([401, 'second']);
  });

  it('shows on Home the click capture of the shop’s own platform, none for a platform without one', async () => {
    expect(((await (await get('/api/admin/home', 'second:shop')).json()) as AdminHome).clickCapture).toEqual({ label: 'Second script', active: true, detail: 'on second:shop' });
    expect(((await (await get('/first/api/admin/home', 'first:shop')).json()) as AdminHome).clickCapture).toBeNull();
  });

  it('answers /api/admin for whichever app accepts the session, and with the first app’s refusal when none does', async () => {
    expect(await (await get('/api/admin/shop', 'second:shop')).json()).toMatchObject({ platform: 'second' });
    expect(await (await get('/api/admin/shop', 'first:shop')).json()).toMatchObject({ platform: 'first' });
    const refused = await get('/api/admin/shop', 'nobody:shop');
    expect([refused.status, refused.headers.get('x-refused-by')]).toEqual([401, 'first']);
  });

  it('tells the app whose shop saved its configuration', async () => {
    const { config } = (await (await get('/second/api/admin/shop', 'second:shop')).json()) as { config: unknown };
    const put = await fetch(`${base}/second/api/admin/config`, { method: 'PUT', headers: { 'x-test-admin': 'second:shop', 'content-type': 'application/json' }, body: JSON.stringify(config) });
    expect(put.status).toBe(200);
    expect(saved).toEqual(['second:shop']);
  });
});
