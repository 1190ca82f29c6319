import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createImpactClient } from '../delivery/impact-client.ts';
import { err, ok } from '../result.ts';
import { ShopDirectory } from '../shops/shop-directory.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { aSecretBox } from '../testing/builders.ts';
import { type FakeImpact, startFakeImpact } from '../testing/fake-impact.ts';
import { createAdminRouter } from './admin-router.ts';
import { ADMIN_API_BASE } from './contract.ts';
import { CONNECTION_SAVED_CURSOR } from './home.ts';

/** PUT /connection tests the credentials with impact.com before it saves them; GET /home through the router. */
describe('admin API: the connection tested first, and Home', () => {
  let fake: FakeImpact;
  let store: Store;
  let shops: ShopDirectory;
  let server: Server;
  let base: string;
  const now = 1_780_000_000_000;

  beforeEach(async () => {
    fake = await startFakeImpact({ accounts: { IRmerchant01: 'secret-token', IRmerchant02: 'other-token' } });
    const box = aSecretBox();
    store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'cartrelay-admin-')), box });
    shops = new ShopDirectory(store, box, { cacheMs: 0 });
    await shops.install({ platform: 'test', shopKey: 'a.example' }, now);
    const app = express();
    app.use(
      ADMIN_API_BASE,
      createAdminRouter({
        shops,
        store,
        impact: createImpactClient({ baseUrl: fake.url, timeoutMs: 2000 }),
        logger: pino({ level: 'silent' }),
        now: () => now,
        authenticate: async (req) => {
          const key = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
          return key ? ok({ platform: 'test', shopKey: key }) : err({ message: 'missing token' });
        },
        clickCaptureStatus: async (shop) => ({ label: 'Test capture', active: true, detail: `set up for ${shop.shopKey}` }),
      }),
    );
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${ADMIN_API_BASE}`;
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await store.close();
    await fake.close();
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: 'Bearer a.example', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const savedConnection = async () => (await shops.find('test', 'a.example'))?.impact ?? null;
  const campaignReads = () => fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/Campaigns')).length;

  it('saves credentials impact.com accepts, and says what it answered', async () => {
    const saved = await call('PUT', '/connection', { accountSid: 'IRmerchant01', authToken: 'secret-token' });
    expect(saved).toMatchObject({ status: 200, body: { connection: { accountSid: 'IRmerchant01', authTokenSet: true }, connectionCheck: { ok: true } } });
    expect(saved.body.warning).toBeUndefined();
    expect(campaignReads()).toBe(1);
    const shop = (await shops.find('test', 'a.example'))!;
    expect(await store.readCursor(shop.id, CONNECTION_SAVED_CURSOR)).toBe(new Date(now).toISOString());
  });

  it('refuses credentials impact.com refuses with its message, and saves nothing', async () => {
    const wrongToken = await call('PUT', '/connection', { accountSid: 'IRmerchant01', authToken: 'wrong-token' });
    expect(wrongToken.status).toBe(400);
    expect(wrongToken.body).toEqual({ error: expect.stringContaining('refused'), problems: [{ path: 'authToken', message: wrongToken.body.error }] });
    expect((await call('PUT', '/connection', { accountSid: 'IRunknown99', authToken: 'secret-token' })).status).toBe(400);
    expect(await savedConnection()).toBeNull();
  });

  it('tests a new Account SID with the saved token when the token is left out, and keeps the saved connection when refused', async () => {
    await call('PUT', '/connection', { accountSid: 'IRmerchant01', authToken: 'secret-token' });
    expect((await call('PUT', '/connection', { accountSid: 'IRmerchant02' })).status).toBe(400);
    expect(await savedConnection()).toEqual({ accountSid: 'IRmerchant01', authToken: 'secret-token' });
  });

  it('saves with a warning when impact.com cannot be reached or fails', async () => {
    fake.inject({ kind: 'drop' });
    const unreachable = await call('PUT', '/connection', { accountSid: 'IRmerchant01', authToken: 'untested-token' });
    expect(unreachable).toMatchObject({ status: 200, body: { connection: { accountSid: 'IRmerchant01', authTokenSet: true }, connectionCheck: { ok: false } } });
    expect(unreachable.body.warning).toMatch(/^Saved without a test: impact.com could not be reached/);
    expect(await savedConnection()).toEqual({ accountSid: 'IRmerchant01', authToken: 'untested-token' });
    fake.inject({ kind: 'status', status: 503 });
    expect((await call('PUT', '/connection', { accountSid: 'IRmerchant02', authToken: 'other-token' })).body.warning).toContain('HTTP 503');
  });

  it('answers Home for the shop, with the platform’s click capture', async () => {
    const home = await call('GET', '/home');
    expect(home.status).toBe(200);
    expect(home.body).toMatchObject({
      checklist: { connected: false, programSet: false, attributionReady: false, testActionSeen: false },
      lastWebhook: null,
      clickCapture: { label: 'Test capture', active: true, detail: 'set up for a.example' },
      alerts: [],
    });
    expect(home.body.daily).toHaveLength(30);
    expect((home.body.periods as Array<{ days: number }>).map((p) => p.days)).toEqual([7, 30]);
  });
});
