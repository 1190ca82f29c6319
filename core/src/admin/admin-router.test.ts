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

/** The platform-neutral admin API with a stand-in authenticator: "Bearer <shop key>" is that shop. */
describe('admin API', () => {
  let fake: FakeImpact;
  let store: Store;
  let shops: ShopDirectory;
  let server: Server;
  let base: string;
  const now = 1_780_000_000_000;

  beforeEach(async () => {
    fake = await startFakeImpact({ accounts: { IRmerchant01: 'secret-token' } });
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

  const call = async (method: string, path: string, body?: unknown, shop: string | null = 'a.example') => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(shop ? { authorization: `Bearer ${shop}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('refuses a request without credentials, and a shop that is not installed', async () => {
    expect(await call('GET', '/shop', undefined, null)).toEqual({ status: 401, body: { error: 'missing token' } });
    expect((await call('GET', '/shop', undefined, 'other.example')).status).toBe(404);
  });

  it('shows a new shop as not connected and not configured', async () => {
    expect(await call('GET', '/shop')).toEqual({
      status: 200,
      body: { platform: 'test', shopKey: 'a.example', active: true, connection: { accountSid: null, authTokenSet: false }, config: null },
    });
  });

  it('saves the connection, keeps the token when it is left out, and never returns it', async () => {
    expect((await call('PUT', '/connection', { accountSid: 'IRmerchant01' })).status).toBe(400);
    const saved = await call('PUT', '/connection', { accountSid: 'IRmerchant01', authToken: 'secret-token' });
    expect(saved.body.connection).toEqual({ accountSid: 'IRmerchant01', authTokenSet: true });
    expect(JSON.stringify(saved.body)).not.toContain('secret-token');
    await call('PUT', '/connection', { accountSid: 'IRmerchant01' });
    expect((await shops.find('test', 'a.example'))?.impact).toEqual({ accountSid: 'IRmerchant01', authToken: 'secret-token' });
  });

  it('tests the connection against impact.com: accepted, refused, and a program the account lacks', async () => {
    expect((await call('POST', '/connection/test', { accountSid: 'IRmerchant01', authToken: 'secret-token', campaignId: '12345' })).body).toMatchObject({ ok: true });
    expect((await call('POST', '/connection/test', { accountSid: 'IRmerchant01', authToken: 'wrong-token' })).body).toMatchObject({ ok: false, message: expect.stringContaining('refused') });
    expect((await call('POST', '/connection/test', {})).status).toBe(400);
  });

  it('saves a valid config, and refuses an invalid one field by field without changing anything', async () => {
    const config = { version: 1, program: { campaignId: '12345', actionTrackerId: '67890' }, promoCodes: [{ match: 'exact', code: 'JANE20', partnerId: '555001' }] };
    const saved = await call('PUT', '/config', config);
    expect(saved.status).toBe(200);
    expect(saved.body.config).toMatchObject({ ...config, trigger: 'paid', clickIdParam: 'irclickid' });
    const invalid = await call('PUT', '/config', { ...config, promoCodes: [{ match: 'regex', code: '(', partnerId: '555001' }] });
    expect(invalid.status).toBe(400);
    expect(invalid.body.problems).toEqual([{ path: 'promoCodes[0].code', message: expect.stringContaining('invalid regular expression') }]);
    expect((await call('GET', '/shop')).body.config).toEqual(saved.body.config);
    expect((await call('PUT', '/config', '{not json')).status).toBe(400);
  });

  it('queues a test action with its reversal an hour later, once connected and configured', async () => {
    expect((await call('POST', '/test-action')).status).toBe(409);
    await call('PUT', '/connection', { accountSid: 'IRmerchant01', authToken: 'secret-token' });
    await call('PUT', '/config', { version: 1, program: { campaignId: '12345', actionTrackerId: '67890' } });
    const queued = await call('POST', '/test-action');
    expect(queued.status).toBe(202);
    expect(Date.parse(String(queued.body.reversalAt)) - now).toBe(3_600_000);
    const shop = (await shops.find('test', 'a.example'))!;
    const deliveries = await store.listDeliveries(shop.id, { orderRef: null });
    expect(deliveries.map((d) => [d.kind, d.fields.OrderId, d.fields.DispositionCode ?? null])).toEqual([
      ['conversion', queued.body.orderId, null],
      ['reversal', queued.body.orderId, 'TEST_ACTION'],
    ]);
    // Listed among the recent actions, its reversal waiting.
    const [listed] = (await call('GET', '/actions')).body.actions as Array<Record<string, unknown>>;
    expect(listed).toMatchObject({ source: 'test_action', platformOrderId: queued.body.orderId, status: 'none' });
    expect((listed!.deliveries as Array<{ kind: string; status: string; dueAt: string }>).map((d) => [d.kind, d.status, d.dueAt])).toEqual([
      ['conversion', 'pending', new Date(now).toISOString()],
      ['reversal', 'pending', queued.body.reversalAt],
    ]);
  });

  it('lists recent actions, empty at first, and refuses a limit or cursor it did not give', async () => {
    expect(await call('GET', '/actions')).toEqual({ status: 200, body: { actions: [], nextCursor: null } });
    expect(await call('GET', '/actions?limit=200&q=%201001%20')).toEqual({ status: 200, body: { actions: [], nextCursor: null } });
    for (const query of ['limit=0', 'limit=201', 'limit=ten', 'before=not-a-cursor', `q=${'x'.repeat(101)}`]) {
      expect((await call('GET', `/actions?${query}`)).status, query).toBe(400);
    }
  });

  it('hands the merchant what privacy data requests produced', async () => {
    expect(await call('GET', '/data-requests')).toEqual({ status: 200, body: { exports: [] } });
    const shop = (await shops.find('test', 'a.example'))!;
    await store.exportCustomerData(shop.id, { customerId: '191167', email: null, platformOrderIds: [] }, 'req-9', now);
    expect((await call('GET', '/data-requests')).body).toEqual({ exports: [{ requestId: 'req-9', createdAt: now, customerId: '191167', orders: [] }] });
  });
});
