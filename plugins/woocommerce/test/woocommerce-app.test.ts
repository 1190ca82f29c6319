import { mkdtemp, writeFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_RETRY_POLICY,
  type Relay,
  type Shop,
  ShopDirectory,
  type Store,
  type StoreAppContext,
  createImpactClient,
  openStore,
  parseTrackingConfig,
  reconcileAll,
  startRelay,
  storeAppRouters,
} from '@cartrelay/core';
import { type FakeImpact, startFakeImpact } from '@cartrelay/core/fake-impact';
import { aSecretBox } from '@cartrelay/core/testing';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type WooCommerceApp, createWooCommerceApp, signLink } from '../src/app.ts';
import { WOO_WEBHOOK_TOPICS, type WooCommerceCredentials, woocommerceAdapter } from '../src/index.ts';
import { type FakeWooCommerce, startFakeWooCommerce } from '../src/testing/fake-woocommerce.ts';

const ACCOUNT_SID = 'IRwoocommerce';
const AUTH_TOKEN = 'impact-token';
const CLICK_ID = 'Woo9Click_partner.42';

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const until = async (check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe('the WooCommerce app in the relay', () => {
  let impact: FakeImpact;
  let woo: FakeWooCommerce;
  let store: Store;
  let shops: ShopDirectory;
  let app: WooCommerceApp;
  let relay: Relay;
  let context: StoreAppContext;
  let appUrl: string;
  /** The CartRelay plugin's REST route on the store, as the plugin answers it. */
  let pluginRoute: Server | null = null;

  beforeEach(async () => {
    impact = await startFakeImpact({ accounts: { [ACCOUNT_SID]: AUTH_TOKEN } });
    // Changes within one second keep their second, as on a real site (and share a delivery id).
    woo = await startFakeWooCommerce({ strictlyIncreasingTimes: false });
    const box = aSecretBox();
    store = await openStore({ dataDir: await mkdtemp(join(tmpdir(), 'cartrelay-woocommerce-app-')), box });
    shops = new ShopDirectory(store, box, { cacheMs: 0 });
    const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
    const impactClient = createImpactClient({ baseUrl: impact.url, timeoutMs: 2000 });
    context = { store, shops, box, impact: impactClient, logger, now: Date.now };
    const adminDistDir = await mkdtemp(join(tmpdir(), 'cartrelay-woocommerce-admin-'));
    await writeFile(join(adminDistDir, 'index.html'), '<!doctype html><div id="root"></div>');
    // The app must know its own URL before it listens: a port found free may be taken meanwhile.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      appUrl = `http://127.0.0.1:${port}`;
      app = createWooCommerceApp({ appUrl, context, adminDistDir });
      try {
        relay = await startRelay({
          store,
          shops,
          adapters: new Map([['woocommerce', { ...woocommerceAdapter, webhooks: app.webhooks }]]),
          impact: impactClient,
          logger,
          appSecrets: {},
          port,
          host: '127.0.0.1',
          routers: storeAppRouters(context, new Map([['woocommerce', app]])),
          jobs: [],
          retryPolicy: { ...DEFAULT_RETRY_POLICY, submissionCheckDelayMs: 200 },
        });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt === 5) throw error;
      }
    }
  });

  afterEach(async () => {
    await relay.close();
    await store.close();
    await woo.close();
    await impact.close();
    pluginRoute?.close();
    pluginRoute = null;
  });

  const get = (path: string) => fetch(`${appUrl}${path}`, { redirect: 'manual' });
  const site = () => woo.url;
  /** The merchant clicks Connect in the plugin, and approves on WooCommerce's screen. */
  const connect = async () => {
    const started = await get(`/woocommerce/connect?site=${encodeURIComponent(`${site()}/`)}`);
    expect(started.status).toBe(302);
    const authorize = started.headers.get('location')!;
    const approved = await woo.approve(authorize);
    return { authorize, approved };
  };
  const theShop = async () => (await shops.find('woocommerce', site()))!;
  const credentialsOf = (shop: Shop) => shop.credentials as WooCommerceCredentials;
  const activeWebhooks = () => woo.webhooks.filter((webhook) => webhook.status === 'active' && webhook.delivery_url === `${appUrl}/webhooks/woocommerce`);
  const setUp = () => until(() => activeWebhooks().length === WOO_WEBHOOK_TOPICS.length, 'the store’s webhooks');
  /** Connected to impact.com and configured, as the merchant does in the admin page. */
  const configure = async () => {
    const shop = await theShop();
    await shops.setConnection(shop.id, { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    const config = parseTrackingConfig({ version: 1, program: { campaignId: '1234', actionTrackerId: '5678' }, promoCodes: [{ match: 'exact', code: 'PODCAST', partnerId: '9001' }] });
    if (!config.ok) throw new Error('invalid test config');
    await shops.setConfig(shop.id, config.value);
  };
  const conversion = (orderNumber: number | string) => impact.actions.get(`${ACCOUNT_SID}|5678|${orderNumber}`);
  const aPaidOrder = (meta: Record<string, string> = { _cartrelay_landing: `/socks?irclickid=${CLICK_ID}` }) =>
    woo.createOrder({
      status: 'processing',
      lineItems: [
        { sku: 'SOCK', name: 'Merino socks', quantity: 2, price: '12.50' },
        { sku: 'CAP', name: 'Cap', quantity: 1, price: '20.00' },
      ],
      meta,
    });

  describe('connecting', () => {
    it('sends the merchant to WooCommerce’s authorize screen, keeps the posted key sealed, creates the webhooks and lands in the admin page', async () => {
      const { authorize, approved } = await connect();
      const asked = new URL(authorize);
      expect(`${asked.origin}${asked.pathname}`).toBe(`${site()}/wc-auth/v1/authorize`);
      expect(Object.fromEntries(asked.searchParams)).toMatchObject({ app_name: 'CartRelay', scope: 'read_write', return_url: `${appUrl}/woocommerce/connected`, callback_url: `${appUrl}/woocommerce/callback` });
      expect(approved).toMatchObject({ status: 'approved', callbackStatus: 200 });
      const shop = await theShop();
      const key = woo.keys.at(-1)!;
      expect(credentialsOf(shop)).toMatchObject({ consumerKey: key.consumer_key, consumerSecret: key.consumer_secret, keyId: key.key_id, webhookSecret: expect.any(String), linkSecret: expect.any(String) });
      const raw = await store.loadCredentials({ platform: 'woocommerce', shopKey: site() });
      expect(raw!.sealed).not.toContain(key.consumer_secret);
      await setUp();
      expect(activeWebhooks().map((webhook) => webhook.topic).sort()).toEqual([...WOO_WEBHOOK_TOPICS].sort());
      // WooCommerce's return: the merchant lands in the admin page, signed in.
      const landed = await fetch(approved.redirectTo!, { redirect: 'manual' });
      expect(landed.status).toBe(303);
      const session = /#session=(.+)$/.exec(landed.headers.get('location')!)![1]!;
      const me = await fetch(`${appUrl}/woocommerce/api/admin/shop`, { headers: { authorization: `Bearer ${session}` } });
      expect(me.status).toBe(200);
      // Once: the return address in the browser's history signs nobody in.
      const again = await fetch(approved.redirectTo!, { redirect: 'manual' });
      expect(again.status).toBe(200);
      expect(await again.text()).toContain('Open CartRelay from your WordPress admin');
      expect(await store.readCursor(shop.id, 'woocommerce.reconcile')).not.toBeNull();
    });

    it('refuses a forged, an expired and a replayed state, changing nothing', async () => {
      const started = await get(`/woocommerce/connect?site=${encodeURIComponent(site())}`);
      const state = new URL(started.headers.get('location')!).searchParams.get('user_id')!;
      const post = (body: object) => fetch(`${appUrl}/woocommerce/callback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const grant = { key_id: 7, consumer_key: `ck_${'a'.repeat(40)}`, consumer_secret: `cs_${'b'.repeat(40)}`, key_permissions: 'read_write' };
      expect((await post({ ...grant, user_id: `${state.slice(0, -4)}AAAA` })).status).toBe(401);
      expect((await post({ ...grant, user_id: 'made-up' })).status).toBe(401);
      expect((await post({ ...grant, user_id: state, key_permissions: 'read' })).status).toBe(403);
      expect((await post({ user_id: state })).status).toBe(400);
      expect(await shops.find('woocommerce', site())).toBeNull();
      expect((await post({ ...grant, user_id: state })).status).toBe(200);
      expect((await post({ ...grant, key_id: 8, user_id: state })).status).toBe(409);
      expect(credentialsOf(await theShop()).keyId).toBe(7);
      // Thirty-one minutes later the state is worthless.
      const later = createWooCommerceApp({ appUrl, context: { ...context, now: () => Date.now() + 31 * 60_000 } });
      const expired = await fetch(`${appUrl}/woocommerce/connect?site=${encodeURIComponent(site())}`, { redirect: 'manual' });
      const expiredState = new URL(expired.headers.get('location')!).searchParams.get('user_id')!;
      const [routes] = later.routers;
      const server = await listen(routes!);
      try {
        const refused = await fetch(`${server.url}/woocommerce/callback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...grant, user_id: expiredState }) });
        expect(refused.status).toBe(401);
        expect(await refused.json()).toEqual({ error: expect.stringContaining('expired') });
      } finally {
        server.close();
      }
    });

    it('says what happened when the merchant denies, and asks for a store address when none is given', async () => {
      const started = await get(`/woocommerce/connect?site=${encodeURIComponent(site())}`);
      const state = new URL(started.headers.get('location')!).searchParams.get('user_id')!;
      const denied = await get(`/woocommerce/connected?success=0&user_id=${state}`);
      expect(denied.status).toBe(200);
      expect(await denied.text()).toContain('nothing was connected');
      const form = await get('/woocommerce/connect');
      expect(await form.text()).toContain('name="site"');
      const bad = await get('/woocommerce/connect?site=not-a-url');
      expect(bad.status).toBe(400);
      expect(await shops.find('woocommerce', site())).toBeNull();
    });
  });

  describe('orders', () => {
    it('converts each paid order once, recovers a disabled webhook, reconciles what it missed, and turns a one-line partial refund into a modification of that SKU', async () => {
      await connect();
      await setUp();
      await configure();
      const first = await aPaidOrder();
      await woo.settled();
      await until(() => Boolean(conversion(first.number)), 'the first conversion');
      expect(conversion(first.number)!.fields).toMatchObject({ ClickId: CLICK_ID });
      expect(conversion(first.number)!.items).toEqual({ SOCK: 2, CAP: 1 });

      // CartRelay unreachable for a while: WooCommerce disables the webhooks that keep failing.
      woo.receiverDown = true;
      const missed: Array<{ number: string | number }> = [];
      for (let i = 0; i < 7; i++) missed.push(await aPaidOrder());
      await woo.settled();
      expect(woo.webhooks.some((webhook) => webhook.topic === 'order.created' && webhook.status === 'disabled')).toBe(true);
      woo.receiverDown = false;

      // The keeper makes them active again, and reconciliation reads what they missed.
      await app.setUpStore(await theShop());
      expect(activeWebhooks()).toHaveLength(WOO_WEBHOOK_TOPICS.length);
      expect(await reconcileAll(context, 'woocommerce', app.reconciliation!)).toBeGreaterThanOrEqual(missed.length);
      await until(() => missed.every((order) => Boolean(conversion(order.number))), 'the missed orders’ conversions');
      // Running it again, or a late webhook, changes nothing.
      await reconcileAll(context, 'woocommerce', app.reconciliation!);
      const after = await aPaidOrder();
      await woo.settled();
      await until(() => Boolean(conversion(after.number)), 'the next order’s conversion');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const submissions = impact.requests.filter((request) => request.path === `/Advertisers/${ACCOUNT_SID}/Conversions`);
      expect(submissions).toHaveLength(1 + missed.length + 1);

      // A partial refund of one line: the webhook says the order changed; the refund's lines are read from the store.
      const sockLine = first.line_items.find((line: { sku: string }) => line.sku === 'SOCK')!;
      await woo.refundOrder(first.id, { lines: [{ lineItemId: sockLine.id, quantity: 1 }] });
      await woo.settled();
      await until(() => conversion(first.number)!.modifications.length > 0, 'the modification');
      expect(conversion(first.number)!.modifications).toEqual([expect.objectContaining({ OrderId: String(first.number), Reason: 'ORDER_UPDATE' })]);
      expect(conversion(first.number)!.items).toEqual({ SOCK: 1, CAP: 1 });

      // The rest refunded: WooCommerce marks the order refunded, and the conversion is reversed.
      const capLine = first.line_items.find((line: { sku: string }) => line.sku === 'CAP')!;
      await woo.refundOrder(first.id, { lines: [{ lineItemId: sockLine.id, quantity: 1 }, { lineItemId: capLine.id, quantity: 1 }] });
      await woo.settled();
      expect(woo.order(first.id)!.status).toBe('refunded');
      await until(() => conversion(first.number)!.state === 'REVERSED', 'the reversal');
    });

    it('reverses a converted order that is cancelled, and one moved to the trash', async () => {
      await connect();
      await setUp();
      await configure();
      const [cancelled, trashed] = [await aPaidOrder(), await aPaidOrder()];
      await woo.settled();
      await until(() => Boolean(conversion(cancelled.number) && conversion(trashed.number)), 'both conversions');
      await woo.updateOrder(cancelled.id, { status: 'cancelled' });
      await woo.trashOrder(trashed.id);
      await woo.settled();
      await until(() => conversion(cancelled.number)!.state === 'REVERSED' && conversion(trashed.number)!.state === 'REVERSED', 'both reversals');
    });
  });

  describe('the plugin', () => {
    it('is told its link secret and click-id parameter; its signed link opens the admin page once; its disconnect removes the webhooks', async () => {
      await connect();
      await setUp();
      const shop = await theShop();
      const { linkSecret, keyId } = credentialsOf(shop);
      await until(() => woo.pluginConnection !== null, 'the plugin told its settings');
      expect(woo.pluginConnection).toEqual({ linkSecret, clickIdParam: 'irclickid', keyId, appUrl });
      // Home shows the plugin took the connection.
      await until(async () => (await app.clickCaptureStatus!(shop))?.active === true, 'the plugin’s acceptance recorded');
      expect(await app.clickCaptureStatus!(shop)).toMatchObject({ label: 'WooCommerce plugin', active: true });
      const exp = Math.floor(Date.now() / 1000) + 300;
      const link = { site: `${site()}/`, user: '1', exp };
      const query = (purpose: 'open' | 'disconnect', fields = link) => new URLSearchParams({ ...fields, exp: String(fields.exp), sig: signLink(linkSecret!, purpose, fields) });
      const opened = await get(`/woocommerce/open?${query('open')}`);
      expect(opened.status).toBe(303);
      expect(opened.headers.get('location')).toMatch(/^\/woocommerce\/app\/#session=/);
      expect((await get(`/woocommerce/open?${query('open')}`)).status).toBe(401);
      expect((await get(`/woocommerce/open?${query('disconnect', { ...link, exp: exp + 1 })}`)).status).toBe(401);
      expect((await get(`/woocommerce/open?${query('open', { ...link, exp: exp - 600 })}`)).status).toBe(401);

      const disconnect = (fields: Record<string, string | number>) => fetch(`${appUrl}/woocommerce/disconnect`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fields) });
      expect((await disconnect({ ...link, sig: signLink(linkSecret!, 'open', { ...link, exp: exp + 2 }), exp: exp + 2 })).status).toBe(401);
      expect(activeWebhooks()).toHaveLength(WOO_WEBHOOK_TOPICS.length);
      const done = await disconnect({ ...link, exp: exp + 3, sig: signLink(linkSecret!, 'disconnect', { ...link, exp: exp + 3 }) });
      expect(done.status).toBe(200);
      expect(activeWebhooks()).toHaveLength(0);
      const after = (await shops.find('woocommerce', site()))!;
      expect(after.active).toBe(false);
      // The key is forgotten (the plugin deletes it in WooCommerce), and the secrets with it.
      expect(after.credentials).toBeNull();
    });
  });
});

async function listen(router: import('express').Router): Promise<{ url: string; close: () => void }> {
  const express = (await import('express')).default;
  const server = createServer(express().use(router));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}
