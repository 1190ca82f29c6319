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
  captureBeacons,
  err,
  installShop,
  ok,
  readClickCaptureStatus,
  readCredentials,
  recordClickCaptureSetUp,
  serveAdminAssets,
} from '@cartrelay/core';
import express, { type Request, type Response } from 'express';
import { type BigCommerceApi, createBigCommerceApi } from '../api/bigcommerce-api.ts';
import { ensureHooks } from '../api/hooks.ts';
import { type DesiredScript, ensureScripts } from '../api/scripts.ts';
import { BIGCOMMERCE_SECRET_HEADER, type BigCommerceCredentials, BigCommerceCredentialsSchema, createBigCommerceWebhooks } from '../webhooks.ts';
import { adminSessionKey, issueAdminSession, verifyAdminSession } from './admin-session.ts';
import { parseBigCommerceBeacon } from './collect-beacon.ts';
import { reconcileStore } from './reconcile-store.ts';
import { verifySignedPayload } from './signed-payload.ts';
import { type BigCommerceAppCredentials, exchangeCode } from './token-exchange.ts';

const PLATFORM = 'bigcommerce';
/** Where the control panel opens the app; its pages live under it. */
export const ADMIN_PAGE_PATH = '/bigcommerce/app';
export const COLLECT_PATH = '/collect/bigcommerce';
/** Replaced in the built admin document by the session `/load` issued. */
const SESSION_PLACEHOLDER = '%CARTRELAY_SESSION%';

/** The hooks every store gets: new orders, their status changes and refunds, and which cart each order came from. */
export const HOOK_SCOPES = ['store/order/created', 'store/order/statusUpdated', 'store/order/refund/created', 'store/cart/converted'] as const;

/**
 * The OAuth scopes the app cannot work without (https://developer.bigcommerce.com/docs/start/authentication/api-accounts#oauth-scopes):
 * orders to read (either level), Content to manage its storefront scripts, Checkout Content to put one on the checkout page.
 */
const REQUIRED_SCOPES: ReadonlyArray<readonly string[]> = [['store_v2_orders_read_only', 'store_v2_orders'], ['store_v2_content'], ['store_content_checkout']];

/** Control-panel users whose access a store removed (`/remove_user`): their sessions are refused. Kept per shop as a cursor. */
const REMOVED_USERS = 'bigcommerce.removed-users';

export interface BigCommerceStorefront {
  /** Serves the built storefront scripts. */
  readonly router: express.Router;
  /** The scripts a store should have, for its click-id parameter. */
  scriptsFor(store: { readonly storeHash: string; readonly clickIdParam: string }): readonly DesiredScript[];
}

export interface BigCommerceAppOptions {
  readonly app: Omit<BigCommerceAppCredentials, 'redirectUri'>;
  /** The app's public base URL, as registered (its callbacks are under /bigcommerce). */
  readonly appUrl: string;
  /** https://api.bigcommerce.com, or a fake. */
  readonly apiBaseUrl: string;
  readonly context: StoreAppContext;
  readonly storefront: BigCommerceStorefront;
  /** The built admin page (plugins/bigcommerce/admin/dist). */
  readonly adminDistDir?: string;
  readonly reconcileEveryMs?: number;
  /** How often every active store's hooks and scripts are checked (ms); the first check is at start. */
  readonly setUpEveryMs?: number;
  readonly fetch?: typeof fetch;
}

export interface BigCommerceApp extends StoreApp {
  readonly webhooks: WebhookReceiver;
  /** Creates or repairs the store's hooks and scripts; what it did, for logs and tests. */
  setUpStore(shop: Shop): Promise<void>;
}

/**
 * The BigCommerce single-click app on the store-app kit: the install (`/auth`: the code exchanged for
 * the store's token before anything is answered), the control panel's callbacks, each verified
 * (`/load`, `/uninstall`, `/remove_user`), the store's hooks and storefront scripts set up and kept
 * right, the checkout script's beacons, the shared admin page in the control panel's iframe, and the
 * reconciliation of orders the hooks missed.
 */
export function createBigCommerceApp(options: BigCommerceAppOptions): BigCommerceApp {
  const { context, appUrl, storefront } = options;
  const { shops, store, logger, now } = context;
  const base = appUrl.replace(/\/+$/, '');
  const credentials: BigCommerceAppCredentials = { ...options.app, redirectUri: `${base}/bigcommerce/auth` };
  const api: BigCommerceApi = createBigCommerceApi({ apiBaseUrl: options.apiBaseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const sessionKey = adminSessionKey(options.app.clientSecret);
  const distDir = options.adminDistDir ?? new URL('../../admin/dist', import.meta.url).pathname;

  const accessOf = (shop: Shop) => {
    const saved = readCredentials(BigCommerceCredentialsSchema, shop.credentials);
    return saved ? { storeHash: shop.shopKey, accessToken: saved.accessToken, webhookSecret: saved.webhookSecret ?? null } : null;
  };

  /** Each store's set-up runs after the one before it in this process (an install, a save and the job may ask at once). */
  const settingUp = new Map<string, Promise<void>>();
  function setUpStore(shop: Shop): Promise<void> {
    const previous = settingUp.get(shop.shopKey) ?? Promise.resolve();
    const next = previous.then(() => setUpStoreNow(shop));
    const settled = next.catch(() => undefined);
    settingUp.set(shop.shopKey, settled);
    void settled.then(() => {
      if (settingUp.get(shop.shopKey) === settled) settingUp.delete(shop.shopKey);
    });
    return next;
  }

  async function setUpStoreNow(shop: Shop): Promise<void> {
    const access = accessOf(shop);
    if (!access) {
      logger.warn({ platform: PLATFORM, shop: shop.shopKey }, 'store has no API token: reinstall the app to set it up');
      return;
    }
    const webhookSecret = access.webhookSecret ?? (await newWebhookSecret(shop, access.accessToken));
    const hooks = await ensureHooks(api, access, { scopes: HOOK_SCOPES, destination: `${base}/webhooks/bigcommerce`, headers: { [BIGCOMMERCE_SECRET_HEADER]: webhookSecret } });
    if (!hooks.ok) logger.warn({ platform: PLATFORM, shop: shop.shopKey, reason: hooks.error.message }, 'store hooks could not be checked; the next opening of the app tries again');
    else if (hooks.value.created.length + hooks.value.repaired.length > 0) logger.info({ platform: PLATFORM, shop: shop.shopKey, ...hooks.value }, 'store hooks set up');
    const scripts = await ensureScripts(api, access, storefront.scriptsFor({ storeHash: shop.shopKey, clickIdParam: shop.config?.clickIdParam ?? DEFAULT_CLICK_ID_PARAM }));
    if (!scripts.ok) logger.warn({ platform: PLATFORM, shop: shop.shopKey, reason: scripts.error.message }, 'storefront scripts could not be checked; the next opening of the app tries again');
    else if (scripts.value.created.length + scripts.value.updated.length + scripts.value.removed.length > 0) logger.info({ platform: PLATFORM, shop: shop.shopKey, ...scripts.value }, 'storefront scripts set up');
    await recordClickCaptureSetUp(
      store,
      shop,
      scripts.ok
        ? { ok: true, detail: 'The landing and checkout scripts are in place: they report the click id of visits that land with one.' }
        : { ok: false, detail: `BigCommerce did not let CartRelay check the scripts (${scripts.error.message}). Opening the app tries again.` },
      now(),
    );
  }

  /** A store added by hand with its token alone: its hooks get a secret of their own. */
  async function newWebhookSecret(shop: Shop, accessToken: string): Promise<string> {
    const webhookSecret = randomBytes(24).toString('base64url');
    await shops.saveCredentials(shop, { accessToken, webhookSecret } satisfies BigCommerceCredentials, now());
    return webhookSecret;
  }

  /** Runs the set-up after the answer: the merchant does not wait for BigCommerce's APIs. */
  const setUpLater = (shop: Shop) => {
    setUpStore(shop).catch((error: unknown) => logger.error({ platform: PLATFORM, shop: shop.shopKey, err: error }, 'store set-up failed'));
  };

  /** The admin document with a session for this store and user, framed only by the store's control panel. */
  async function adminPage(res: Response, storeHash: string, userId: string): Promise<void> {
    const index = `${distDir}/index.html`;
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The admin page is not built: run npm run build -w @cartrelay/bigcommerce.');
      return;
    }
    const session = await issueAdminSession(sessionKey, { storeHash, userId }, now());
    res.set({
      'Content-Security-Policy': `frame-ancestors https://store-${storeHash}.mybigcommerce.com https://*.bigcommerce.com`,
      'Cache-Control': 'no-store',
      // The page's URL carries BigCommerce's signed payload.
      'Referrer-Policy': 'no-referrer',
    });
    res.type('html').send(readFileSync(index, 'utf8').replaceAll(SESSION_PLACEHOLDER, session));
  }

  const refuse = (res: Response, status: number, message: string) => {
    res.status(status).set('Cache-Control', 'no-store').type('html').send(messagePage(message));
  };

  const callbacks = express.Router();

  // The install: https://developer.bigcommerce.com/docs/integrations/apps/guide/auth
  callbacks.get('/bigcommerce/auth', async (req: Request, res: Response) => {
    const { code, scope, context: storeContext } = req.query;
    if (typeof code !== 'string' || typeof scope !== 'string' || typeof storeContext !== 'string' || !/^stores\/[a-z0-9]{1,64}$/i.test(storeContext)) {
      return refuse(res, 400, 'This address is BigCommerce’s to call when a store installs CartRelay: install it from your control panel.');
    }
    const missing = REQUIRED_SCOPES.filter((anyOf) => !anyOf.some((name) => scope.split(/[\s,]+/).includes(name)));
    if (missing.length > 0) {
      logger.error({ platform: PLATFORM, granted: scope, missing }, 'install refused: the app was granted fewer scopes than it needs (check the Developer Portal)');
      return refuse(res, 403, `CartRelay was not granted what it needs (${missing.map((anyOf) => anyOf[0]).join(', ')}): nothing was installed.`);
    }
    const grant = await exchangeCode(credentials, { code, scope, context: storeContext }, options.fetch);
    if (!grant.ok) {
      logger.warn({ platform: PLATFORM, reason: grant.error }, 'install refused');
      return refuse(res, 401, 'BigCommerce did not confirm this install: open CartRelay again from your control panel.');
    }
    // A reinstall (or a new token after a scope change) keeps the store's webhook secret: its hooks carry it.
    const known = await shops.find(PLATFORM, grant.value.storeHash, now());
    const secret = readCredentials(BigCommerceCredentialsSchema, known?.credentials)?.webhookSecret ?? randomBytes(24).toString('base64url');
    const saved: BigCommerceCredentials = { accessToken: grant.value.accessToken, webhookSecret: secret };
    const shop = await installShop(context, { platform: PLATFORM, shopKey: grant.value.storeHash, credentials: saved });
    logger.info({ platform: PLATFORM, shop: shop.shopKey }, known?.active ? 'store authorized again' : 'store installed');
    setUpLater(shop);
    await adminPage(res, shop.shopKey, grant.value.user.id);
  });

  // Opening the app from the control panel: https://developer.bigcommerce.com/docs/integrations/apps/guide/callbacks
  callbacks.get('/bigcommerce/load', async (req: Request, res: Response) => {
    const payload = await verifySignedPayload(req.query.signed_payload_jwt, options.app, { now });
    if (!payload.ok) return refuse(res, 401, `BigCommerce’s signature did not hold (${payload.error}): open CartRelay again from your control panel.`);
    const shop = await shops.find(PLATFORM, payload.value.storeHash, now());
    if (!shop?.active) return refuse(res, 403, 'CartRelay is not installed on this store: install it from the BigCommerce App Marketplace.');
    if ((await removedUsers(shop)).includes(payload.value.user.id)) return refuse(res, 403, 'This store removed your access to CartRelay.');
    // Hooks deactivated after failed deliveries, scripts a merchant deleted: put right while the page opens.
    setUpLater(shop);
    await adminPage(res, shop.shopKey, payload.value.user.id);
  });

  callbacks.get('/bigcommerce/uninstall', async (req: Request, res: Response) => {
    const payload = await verifySignedPayload(req.query.signed_payload_jwt, options.app, { now });
    if (!payload.ok) return void res.status(401).json({ error: payload.error });
    const shop = await shops.find(PLATFORM, payload.value.storeHash, now());
    // The ledger stays; the token is revoked, and BigCommerce removes the hooks and (auto_uninstall) the scripts itself.
    if (shop?.active) {
      await shops.deactivate(shop.id, now());
      logger.info({ platform: PLATFORM, shop: shop.shopKey }, 'store uninstalled');
    }
    res.status(200).json({ ok: true });
  });

  callbacks.get('/bigcommerce/remove_user', async (req: Request, res: Response) => {
    const payload = await verifySignedPayload(req.query.signed_payload_jwt, options.app, { now });
    if (!payload.ok) return void res.status(401).json({ error: payload.error });
    const shop = await shops.find(PLATFORM, payload.value.storeHash, now());
    if (shop) {
      const removed = await removedUsers(shop);
      if (!removed.includes(payload.value.user.id)) await store.saveCursor(shop.id, REMOVED_USERS, JSON.stringify([...removed, payload.value.user.id]), now());
    }
    res.status(200).json({ ok: true });
  });

  async function removedUsers(shop: Shop): Promise<string[]> {
    const saved = await store.readCursor(shop.id, REMOVED_USERS);
    if (!saved) return [];
    const list: unknown = JSON.parse(saved);
    return Array.isArray(list) ? list.map(String) : [];
  }

  const page = express.Router();
  page.use(`${ADMIN_PAGE_PATH}/assets`, serveAdminAssets(`${distDir}/assets`));
  // A reload inside the control panel: the page finds the session it was given in its tab's storage.
  page.get(`${ADMIN_PAGE_PATH}{/*page}`, (_req: Request, res: Response) => {
    const index = `${distDir}/index.html`;
    if (!existsSync(index)) return void res.status(503).type('text/plain').send('The admin page is not built: run npm run build -w @cartrelay/bigcommerce.');
    res.set({ 'Content-Security-Policy': 'frame-ancestors https://*.mybigcommerce.com https://*.bigcommerce.com', 'Cache-Control': 'no-store' });
    res.type('html').send(readFileSync(index, 'utf8').replaceAll(SESSION_PLACEHOLDER, ''));
  });

  const authenticateAdmin: AdminAuthenticator = async (req) => {
    const header = req.get('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    if (!token) return err({ message: 'missing session token (Authorization: Bearer …)' });
    const session = await verifyAdminSession(sessionKey, token, now());
    if (!session.ok) return err({ message: session.error });
    const shop = await shops.find(PLATFORM, session.value.storeHash, now());
    // A session from before the latest install (an uninstall and a reinstall since) is over.
    if (!shop?.active || session.value.issuedAt + 1_000 < shop.installedAt) return err({ message: 'CartRelay is no longer installed with this session: open it again from your control panel' });
    if ((await removedUsers(shop)).includes(session.value.userId)) return err({ message: 'this store removed your access to CartRelay' });
    return ok({ platform: PLATFORM, shopKey: shop.shopKey });
  };

  const reconciliation: Reconciliation = {
    everyMs: options.reconcileEveryMs ?? 15 * 60_000,
    async ready(shop) {
      return accessOf(shop) ? true : { reason: 'the store has no API token: reinstall the app', warn: true };
    },
    run: (shop, since, enqueue, onProgress) => reconcileStore(api, { storeHash: shop.shopKey, accessToken: accessOf(shop)!.accessToken }, { since, until: new Date(now()).toISOString(), enqueue, ...(onProgress ? { onProgress } : {}) }),
  };

  /**
   * Every active store's hooks and scripts, checked at start and then every few hours: a new build of the
   * scripts has new names (the old ones are no longer served), and a hook BigCommerce deactivated
   * stays so until someone notices. One store after the other, within each store's API quota.
   */
  const storeSetUp: RelayJob = {
    name: 'bigcommerce store set-up',
    idleMs: options.setUpEveryMs ?? 6 * 60 * 60_000,
    run: async () => {
      const active = (await shops.list()).filter((shop) => shop.platform === PLATFORM && shop.active);
      for (const shop of active) await setUpStore(shop);
      return 0;
    },
  };

  return {
    jobs: [storeSetUp],
    routers: [callbacks, page, storefront.router, captureBeacons(context, { platform: PLATFORM, path: COLLECT_PATH, source: 'checkout script', parse: parseBigCommerceBeacon })],
    authenticateAdmin,
    reconciliation,
    lifecycle: {
      // The click-id parameter rides in the landing script's address.
      configSaved: async (shop) => setUpStore(shop),
    },
    clickCaptureStatus: (shop) => readClickCaptureStatus(store, shop, 'BigCommerce storefront scripts', 'Not checked yet: opening the app sets them up.'),
    // The checkout script reports click ids apart from the order: an order without one waits a little for it.
    webhooks: { ...createBigCommerceWebhooks({ apiBaseUrl: options.apiBaseUrl, api }), capturesClicks: true },
    setUpStore,
  };
}

function messagePage(message: string): string {
  const escaped = message.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CartRelay</title></head><body style="font:14px system-ui,sans-serif;padding:1rem"><h1>CartRelay</h1><p role="alert">${escaped}</p></body></html>`;
}
