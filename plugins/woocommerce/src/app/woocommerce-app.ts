import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import {
  type AdminAuthenticator,
  DEFAULT_CLICK_ID_PARAM,
  type Reconciliation,
  type RelayJob,
  type Shop,
  type StoreApp,
  type StoreAppContext,
  type WebhookReceiver,
  err,
  installShop,
  ok,
  readClickCaptureStatus,
  readCredentials,
  recordClickCaptureSetUp,
  serveAdminAssets,
} from '@cartrelay/core';
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { type WooCommerceApi, type WooStoreAccess, createWooCommerceApi } from '../api/woocommerce-api.ts';
import { WooCommerceCredentialsSchema, type WooCommerceCredentials, createWooCommerceWebhooks, normalizeSiteUrl, restAccess } from '../webhooks.ts';
import { issueAdminSession, verifyAdminSession } from './admin-session.ts';
import { type ConnectState, issueConnectState, readConnectState } from './connect-state.ts';
import { reconcileStore } from './reconcile-store.ts';
import { type LinkPurpose, readSignedLink, verifyLink } from './signed-link.ts';
import { ensureWebhooks, removeWebhooks } from './store-webhooks.ts';

const PLATFORM = 'woocommerce';
/** The admin page (the shared one, built for WooCommerce); the session rides in its URL's fragment. */
export const ADMIN_PAGE_PATH = '/woocommerce/app';
/** The app's name on WooCommerce's authorize screen and in the key's description. */
const APP_NAME = 'CartRelay';

export interface WooCommerceAppOptions {
  /** The app's public base URL: WooCommerce posts the keys to it and delivers webhooks there. */
  readonly appUrl: string;
  readonly context: StoreAppContext;
  readonly api?: WooCommerceApi;
  /** The built admin page (plugins/woocommerce/admin/dist). */
  readonly adminDistDir?: string;
  readonly reconcileEveryMs?: number;
  /** How often every connected store's webhooks are checked (ms); the first check is at start. */
  readonly setUpEveryMs?: number;
}

export interface WooCommerceApp extends StoreApp {
  readonly webhooks: WebhookReceiver;
  /** Gives the store its webhooks (or makes them active again) and tells the plugin what it needs. */
  setUpStore(shop: Shop): Promise<void>;
}

/** What WooCommerce posts to the callback once the merchant approved (WC_Auth::create_keys). */
const GrantSchema = z.object({
  key_id: z.coerce.number().int().positive(),
  user_id: z.string(),
  consumer_key: z.string().startsWith('ck_'),
  consumer_secret: z.string().startsWith('cs_'),
  key_permissions: z.string(),
});

/**
 * The WooCommerce app on the store-app kit: the connect flow through WooCommerce's own authorize
 * screen (the keys posted to `/woocommerce/callback` with a sealed single-use state), the store's
 * webhooks created and kept active, the CartRelay plugin told its link secret and click-id
 * parameter, the plugin's signed links into the admin page and its disconnect request, and the
 * reconciliation of orders the webhooks missed.
 */
export function createWooCommerceApp(options: WooCommerceAppOptions): WooCommerceApp {
  const { context } = options;
  const { shops, box, logger, now } = context;
  const base = options.appUrl.replace(/\/+$/, '');
  const deliveryUrl = `${base}/webhooks/woocommerce`;
  const api = options.api ?? createWooCommerceApi();
  const distDir = options.adminDistDir ?? new URL('../../admin/dist', import.meta.url).pathname;
  /** States and links being used in this process right now: a second use waits for none, it is refused. */
  const inFlight = new Set<string>();

  const saved = (shop: Shop | null): WooCommerceCredentials | null => (shop ? readCredentials(WooCommerceCredentialsSchema, shop.credentials) : null);
  const accessOf = (shop: Shop): WooStoreAccess | null => restAccess(shop.shopKey, shop.credentials);

  /** Each store's set-up runs after the one before it in this process (a connect, a save and the job may ask at once). */
  const settingUp = new Map<string, Promise<void>>();
  function setUpStore(shop: Shop): Promise<void> {
    const next = (settingUp.get(shop.shopKey) ?? Promise.resolve()).then(() => setUpStoreNow(shop));
    const settled = next.catch(() => undefined);
    settingUp.set(shop.shopKey, settled);
    void settled.then(() => {
      if (settingUp.get(shop.shopKey) === settled) settingUp.delete(shop.shopKey);
    });
    return next;
  }

  async function setUpStoreNow(shop: Shop): Promise<void> {
    const credentials = saved(shop);
    const access = accessOf(shop);
    if (!credentials || !access) {
      logger.warn({ platform: PLATFORM, shop: shop.shopKey }, 'store has no REST key: connect it from the CartRelay plugin to set it up');
      return;
    }
    const webhooks = await ensureWebhooks(api, access, { deliveryUrl, secret: credentials.webhookSecret });
    if (!webhooks.ok) logger.warn({ platform: PLATFORM, shop: shop.shopKey, reason: webhooks.error.message }, 'store webhooks could not be checked; the next check tries again');
    else if (webhooks.value.created.length + webhooks.value.reactivated.length + webhooks.value.removed.length > 0)
      logger.info({ platform: PLATFORM, shop: shop.shopKey, ...webhooks.value }, 'store webhooks set up');
    await tellPlugin(shop, credentials, access);
  }

  /** The plugin's link secret and click-id parameter; a store without the plugin (connected by URL) has no route for it. */
  async function tellPlugin(shop: Shop, credentials: WooCommerceCredentials, access: WooStoreAccess): Promise<void> {
    // Home shows how the last push went (recordClickCaptureSetUp): the plugin is what captures clicks.
    const outcome = (ok: boolean, detail: string) => recordClickCaptureSetUp(context.store, shop, { ok, detail }, now());
    if (!credentials.linkSecret) return outcome(false, 'The store was connected without the CartRelay plugin: clicks are captured by WooCommerce’s Order Attribution only.');
    const body = { linkSecret: credentials.linkSecret, clickIdParam: shop.config?.clickIdParam ?? DEFAULT_CLICK_ID_PARAM, keyId: credentials.keyId, appUrl: base };
    const told = await api.request(access, 'put', 'connection', { namespace: 'wc-cartrelay/v1', body });
    if (told.ok) return outcome(true, 'The CartRelay plugin took the connection: it captures the click id of visits that land with one.');
    if (told.error.kind === 'rejected' && told.error.status === 404) {
      logger.info({ platform: PLATFORM, shop: shop.shopKey }, 'the CartRelay plugin is not active on the store: orders are tracked, clicks are captured by Order Attribution only');
      return outcome(false, 'The CartRelay plugin is not active on the store: clicks are captured by WooCommerce’s Order Attribution only. Activate it in wp-admin › Plugins.');
    }
    logger.warn({ platform: PLATFORM, shop: shop.shopKey, reason: told.error.message }, 'the CartRelay plugin could not be told its settings; the next check tries again');
    return outcome(false, `The CartRelay plugin could not be reached (${told.error.message}). The next check tries again.`);
  }

  const setUpLater = (shop: Shop) => {
    setUpStore(shop).catch((error: unknown) => logger.error({ platform: PLATFORM, shop: shop.shopKey, err: error }, 'store set-up failed'));
  };

  /** Connect states and plugin links already used, kept until they expire: each works once. */
  function withUsed(credentials: WooCommerceCredentials | null, nonce: string, exp: number): NonNullable<WooCommerceCredentials['usedStates']> {
    return [...(credentials?.usedStates ?? []).filter((used) => used.exp > now()), { nonce, exp }];
  }
  const wasUsed = (credentials: WooCommerceCredentials | null, nonce: string) => (credentials?.usedStates ?? []).some((used) => used.nonce === nonce);

  /** Runs `work` unless the same state or link is being used in this process right now (checked and taken without a pause). */
  async function onceOnly<T>(nonce: string, work: () => Promise<T>): Promise<T | 'in use'> {
    if (inFlight.has(nonce)) return 'in use';
    inFlight.add(nonce);
    try {
      return await work();
    } finally {
      inFlight.delete(nonce);
    }
  }

  const page = (res: Response, status: number, message: string, link?: { href: string; text: string }) => {
    res.status(status).set('Cache-Control', 'no-store').type('html').send(messagePage(message, link));
  };
  const openAdmin = (res: Response, site: string, user: string) => {
    const session = issueAdminSession(box, { site, user }, now());
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }).redirect(303, `${ADMIN_PAGE_PATH}/#session=${session}`);
  };

  const routes = express.Router();

  // Where the plugin's Connect button leads, and where a merchant may start from CartRelay's side.
  routes.get('/woocommerce/connect', (req: Request, res: Response) => {
    const raw = typeof req.query.site === 'string' ? req.query.site : '';
    if (!raw) return void res.status(200).set('Cache-Control', 'no-store').type('html').send(connectForm());
    const site = normalizeSiteUrl(raw);
    if (!site.ok) return void res.status(400).set('Cache-Control', 'no-store').type('html').send(connectForm(site.error, raw));
    const state = issueConnectState(box, site.value, now());
    // https://woocommerce.github.io/woocommerce-rest-api-docs/#rest-api-keys
    const authorize = new URL(`${site.value}/wc-auth/v1/authorize`);
    authorize.search = new URLSearchParams({
      app_name: APP_NAME,
      scope: 'read_write',
      user_id: state,
      return_url: `${base}/woocommerce/connected`,
      callback_url: `${base}/woocommerce/callback`,
    }).toString();
    res.set('Cache-Control', 'no-store').redirect(302, authorize.toString());
  });

  // WooCommerce posts the approved key here and shows the merchant an error unless the answer is 200.
  routes.post('/woocommerce/callback', express.json({ limit: '16kb', type: () => true }), async (req: Request, res: Response) => {
    const grant = GrantSchema.safeParse(req.body);
    if (!grant.success) return void res.status(400).json({ error: 'expected WooCommerce’s key_id, user_id, consumer_key, consumer_secret and key_permissions' });
    const state = readConnectState(box, grant.data.user_id, now());
    if (!state.ok) {
      logger.warn({ platform: PLATFORM, reason: state.error }, 'connect refused');
      return void res.status(401).json({ error: state.error });
    }
    if (grant.data.key_permissions !== 'read_write') return void res.status(403).json({ error: 'CartRelay needs read_write access: it creates the store’s webhooks' });
    const answer = await onceOnly(state.value.nonce, () => connect(state.value, grant.data));
    if (answer === 'in use') return void res.status(409).json({ error: 'this connect request is being used already' });
    res.status(answer.status).json(answer.body);
  });

  async function connect(state: ConnectState, grant: z.output<typeof GrantSchema>): Promise<{ status: number; body: object }> {
    const known = await shops.find(PLATFORM, state.site, now());
    const before = saved(known);
    if (wasUsed(before, state.nonce)) {
      logger.warn({ platform: PLATFORM, shop: state.site }, 'connect refused: its state was used already');
      return { status: 409, body: { error: 'this connect request was used already: connect again from the plugin’s settings page' } };
    }
    // A new connection keeps the store's webhook and link secrets: its webhooks and plugin carry them.
    const credentials: WooCommerceCredentials = {
      webhookSecret: before?.webhookSecret ?? randomBytes(24).toString('base64url'),
      consumerKey: grant.consumer_key,
      consumerSecret: grant.consumer_secret,
      keyId: grant.key_id,
      linkSecret: before?.linkSecret ?? randomBytes(32).toString('base64url'),
      usedStates: withUsed(before, state.nonce, state.exp),
    };
    const shop = await installShop(context, { platform: PLATFORM, shopKey: state.site, credentials });
    logger.info({ platform: PLATFORM, shop: shop.shopKey, keyId: grant.key_id }, known?.active ? 'store connected again' : 'store connected');
    // After the answer: WooCommerce is waiting for it, and the set-up calls the store back.
    setImmediate(() => setUpLater(shop));
    return { status: 200, body: { connected: true } };
  }

  // WooCommerce sends the merchant here after the authorize screen (success=1 once the keys were posted).
  routes.get('/woocommerce/connected', async (req: Request, res: Response) => {
    const state = readConnectState(box, req.query.user_id, now());
    if (!state.ok) return page(res, 400, `This connection cannot be confirmed (${state.error}).`);
    const settings = { href: `${state.value.site}/wp-admin/admin.php?page=cartrelay`, text: 'Back to the CartRelay settings in WordPress' };
    if (req.query.success !== '1') return page(res, 200, 'You did not approve CartRelay’s access: nothing was connected.', settings);
    const shop = await shops.find(PLATFORM, state.value.site, now());
    const credentials = saved(shop);
    if (!shop?.active || !credentials || !wasUsed(credentials, state.value.nonce)) {
      return page(res, 502, 'WooCommerce did not hand CartRelay the store’s key: connect again from the plugin’s settings page.', settings);
    }
    // The return address signs the merchant in once: from the browser's history it opens nothing.
    const returned = `connected:${state.value.nonce}`;
    const opened = wasUsed(credentials, returned) ? 'in use' : await onceOnly(returned, () => shops.saveCredentials(shop, { ...credentials, usedStates: withUsed(credentials, returned, state.value.exp) }, now()));
    if (opened === 'in use') return page(res, 200, 'The store is connected. Open CartRelay from your WordPress admin.', settings);
    openAdmin(res, shop.shopKey, 'connect');
  });

  /** A request the plugin signed with the store's link secret, used once. */
  async function verifiedPluginRequest(fields: Record<string, unknown>, purpose: LinkPurpose): Promise<{ ok: true; shop: Shop; user: string } | { ok: false; status: number; message: string }> {
    const link = readSignedLink(fields);
    if (!link.ok) return { ok: false, status: 400, message: link.error };
    const site = normalizeSiteUrl(link.value.site);
    if (!site.ok) return { ok: false, status: 400, message: site.error };
    const shop = await shops.find(PLATFORM, site.value, now());
    const credentials = saved(shop);
    if (!shop?.active || !credentials?.linkSecret) return { ok: false, status: 403, message: 'this store is not connected to CartRelay: connect it from the plugin’s settings page' };
    const verified = verifyLink(credentials.linkSecret, purpose, link.value, now());
    if (!verified.ok) return { ok: false, status: 401, message: verified.error };
    const nonce = `${purpose}:${link.value.sig}`;
    const used = { ok: false, status: 401, message: 'this link was used already: open CartRelay again from your WordPress admin' } as const;
    if (wasUsed(credentials, nonce)) return used;
    const kept = await onceOnly(nonce, () => shops.saveCredentials(shop, { ...credentials, usedStates: withUsed(credentials, nonce, link.value.exp * 1000) }, now()));
    return kept === 'in use' ? used : { ok: true, shop, user: link.value.user };
  }

  // The plugin's "Open CartRelay": a signed link made at the click, good for five minutes and once.
  routes.get('/woocommerce/open', async (req: Request, res: Response) => {
    const verified = await verifiedPluginRequest(req.query as Record<string, unknown>, 'open');
    if (!verified.ok) return page(res, verified.status, `CartRelay could not open (${verified.message}).`);
    openAdmin(res, verified.shop.shopKey, verified.user);
  });

  // The plugin's Disconnect: the app's webhooks removed, the key forgotten (the plugin deletes it), the ledger kept.
  routes.post('/woocommerce/disconnect', express.json({ limit: '4kb' }), async (req: Request, res: Response) => {
    const verified = await verifiedPluginRequest((req.body ?? {}) as Record<string, unknown>, 'disconnect');
    if (!verified.ok) return void res.status(verified.status).json({ error: verified.message });
    const { shop } = verified;
    const access = accessOf(shop);
    const removed = access ? await removeWebhooks(api, access, deliveryUrl) : null;
    if (removed && !removed.ok) logger.warn({ platform: PLATFORM, shop: shop.shopKey, reason: removed.error.message }, 'the store’s webhooks could not be removed; its key is about to be deleted, so they will fail and WooCommerce will disable them');
    // Deactivating forgets the shop's credentials: its key, which the plugin deletes next, and its secrets.
    await shops.deactivate(shop.id, now());
    logger.info({ platform: PLATFORM, shop: shop.shopKey }, 'store disconnected');
    res.status(200).json({ disconnected: true });
  });

  const adminPage = express.Router();
  adminPage.use(`${ADMIN_PAGE_PATH}/assets`, serveAdminAssets(`${distDir}/assets`));
  adminPage.get(`${ADMIN_PAGE_PATH}{/*page}`, (_req: Request, res: Response) => {
    const index = `${distDir}/index.html`;
    if (!existsSync(index)) return void res.status(503).type('text/plain').send('The admin page is not built: run npm run build -w @cartrelay/woocommerce.');
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY', 'Content-Security-Policy': "frame-ancestors 'none'" });
    res.type('html').send(readFileSync(index, 'utf8'));
  });

  const authenticateAdmin: AdminAuthenticator = async (req) => {
    const header = req.get('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    if (!token) return err({ message: 'missing session token (Authorization: Bearer …)' });
    const session = verifyAdminSession(box, token, now());
    if (!session.ok) return err({ message: session.error });
    const shop = await shops.find(PLATFORM, session.value.site, now());
    // A session from before the latest connection (a disconnect and a new connect since) is over.
    if (!shop?.active || session.value.issuedAt + 1_000 < shop.installedAt) return err({ message: 'this store is no longer connected with this session: open CartRelay again from your WordPress admin' });
    return ok({ platform: PLATFORM, shopKey: shop.shopKey });
  };

  const reconciliation: Reconciliation = {
    everyMs: options.reconcileEveryMs ?? 15 * 60_000,
    async ready(shop) {
      return accessOf(shop) ? true : { reason: 'the store has no REST key: connect it from the CartRelay plugin', warn: false };
    },
    run: (shop, since, enqueue, onProgress) => reconcileStore(api, accessOf(shop)!, { since, until: new Date(now()).toISOString(), enqueue, ...(onProgress ? { onProgress } : {}) }),
  };

  /** Every connected store's webhooks, checked at start and then every few minutes: WooCommerce disables one that kept failing. */
  const storeSetUp: RelayJob = {
    name: 'woocommerce store set-up',
    idleMs: options.setUpEveryMs ?? 10 * 60_000,
    run: async () => {
      const connected = (await shops.list()).filter((shop) => shop.platform === PLATFORM && shop.active && accessOf(shop));
      for (const shop of connected) await setUpStore(shop);
      return 0;
    },
  };

  return {
    jobs: [storeSetUp],
    routers: [routes, adminPage],
    authenticateAdmin,
    reconciliation,
    lifecycle: {
      // The click-id parameter is the plugin's to capture.
      configSaved: async (shop) => setUpStore(shop),
    },
    clickCaptureStatus: (shop) => readClickCaptureStatus(context.store, shop, 'WooCommerce plugin', 'Not checked yet: the next check of the store tells the plugin its settings.'),
    webhooks: createWooCommerceWebhooks({ api }),
    setUpStore,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function messagePage(message: string, link?: { href: string; text: string }): string {
  const back = link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>CartRelay</title></head><body style="font:14px system-ui,sans-serif;padding:1rem;max-width:40rem"><h1>CartRelay</h1><p role="alert">${escapeHtml(message)}</p>${back}</body></html>`;
}

/** Connecting from CartRelay's side: the store's address, then WooCommerce's own authorize screen. */
function connectForm(problem?: string, value = ''): string {
  const error = problem ? `<p role="alert" id="site-error">${escapeHtml(problem)}</p>` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Connect a WooCommerce store · CartRelay</title></head><body style="font:14px system-ui,sans-serif;padding:1rem;max-width:40rem">
<h1>Connect a WooCommerce store</h1>
<p>WooCommerce will ask you to log in to your store and approve CartRelay’s access (read and write: CartRelay creates the store’s order webhooks).</p>
<form method="get" action="/woocommerce/connect"><label for="site">Store address</label><br>
<input id="site" name="site" type="url" required placeholder="https://shop.example" value="${escapeHtml(value)}"${problem ? ' aria-invalid="true" aria-describedby="site-error"' : ''}>
<button type="submit">Connect</button></form>${error}</body></html>`;
}
