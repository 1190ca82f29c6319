import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ADMIN_API_BASE,
  type ImpactClient,
  type OrderInsights,
  type Result,
  type SecretBox,
  type Shop,
  type ShopDirectory,
  type Store,
  type WebhookReceiver,
  createAdminRouter,
  err,
  ok,
} from '@cartrelay/core';
import { RequestedTokenType, Session, type Shopify } from '@shopify/shopify-api';
import express, { type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { fetchOrderInsights } from '../admin-api/order-insights.ts';
import { activateWebPixel } from '../admin-api/web-pixel.ts';
import { reconcileShop } from '../reconcile/reconcile-shop.ts';
import { shopifyWebhooks } from '../webhooks.ts';
import { COLLECT_PATH, createCollectRouter } from './collect-route.ts';
import { StoreSessionStorage } from './session-storage.ts';

/** The offline (shop-wide) session of a shop whose access token CartRelay holds. */
export function offlineSession(shopify: Shopify, shop: string, accessToken: string): Session {
  return new Session({ id: shopify.session.getOfflineId(shop), shop, state: '', isOnline: false, accessToken });
}

/** Where each shop's reconciliation got to: the newest updatedAt it has read. */
export const RECONCILE_CURSOR = 'shopify.reconcile';
/** How long a process keeps a shop's reconciliation to itself; a run that takes longer may be repeated. */
const RECONCILE_LEASE_MS = 10 * 60_000;
/** The embedded admin page's path; shopify.app.toml's application_url points here. */
export const ADMIN_PAGE_PATH = '/shopify/app';

export interface ShopifyAppOptions {
  /** From createShopifyApi: the app's client id and secret, scopes and Admin API version. */
  readonly shopify: Shopify;
  /** The app's public base URL (SHOPIFY_APP_URL), for the pixel's beacon address. */
  readonly appUrl: string;
  readonly shops: ShopDirectory;
  readonly store: Store;
  readonly box: SecretBox;
  readonly impact: ImpactClient;
  readonly logger: Logger;
  /** The built admin page (plugins/shopify/admin/dist). */
  readonly adminDistDir?: string;
  /** How often every shop is reconciled against the Admin API (ms). */
  readonly reconcileEveryMs?: number;
  readonly now?: () => number;
}

export interface ShopifyApp {
  /** Install (OAuth), the embedded admin page and its API, the pixel's beacon endpoint. */
  readonly routers: express.Router[];
  /** The periodic reconciliation of every installed shop. */
  readonly jobs: Array<{ run: () => Promise<number>; idleMs: number }>;
  /** Shopify's webhooks, plus the Admin API reads that need the app's credentials (customer journey). */
  readonly webhooks: WebhookReceiver;
  /** Saves an offline session and sets the shop up: stored token, web pixel, reconciliation cursor. */
  install(session: Session): Promise<void>;
  reconcileAll(): Promise<number>;
}

/**
 * The Shopify app around the relay: a merchant installs it from the App Store (Shopify-managed
 * install and token exchange when the embedded page first loads, or the authorization-code flow for
 * installs from outside the admin), sets it up in the embedded admin page, and from then on every
 * order is tracked with nothing added to the theme: the app activates its own web pixel.
 */
export function createShopifyApp(options: ShopifyAppOptions): ShopifyApp {
  const { shopify, shops, store, logger } = options;
  const now = options.now ?? Date.now;
  const sessions = new StoreSessionStorage(store, options.box, now);
  const appUrl = options.appUrl.replace(/\/+$/, '');
  const distDir = options.adminDistDir ?? fileURLToPath(new URL('../../admin/dist', import.meta.url));
  const graphql = (session: Session) => new shopify.clients.Graphql({ session });

  async function install(session: Session): Promise<void> {
    const before = await store.findShop('shopify', session.shop);
    await sessions.storeSession(session);
    const shop = await shops.install({ platform: 'shopify', shopKey: session.shop, accessToken: session.accessToken ?? null }, now());
    // Reconciliation starts from the install: earlier orders were never the app's to track.
    if ((await store.readCursor(shop.id, RECONCILE_CURSOR)) === null) await store.saveCursor(shop.id, RECONCILE_CURSOR, new Date(now()).toISOString(), now());
    // A confirmation of an install already in place (the app opened again) leaves the pixel as it is.
    if (!before?.active || !before.accessTokenSealed) await activatePixel(shop);
  }

  /** Creates the shop's web pixel, or updates its settings (the click-id parameter may have changed). */
  async function activatePixel(shop: Shop): Promise<void> {
    if (!shop.accessToken) return;
    const pixel = await activateWebPixel(graphql(offlineSession(shopify, shop.shopKey, shop.accessToken)), {
      collectUrl: `${appUrl}${COLLECT_PATH}`,
      clickIdParam: shop.config?.clickIdParam ?? 'irclickid',
      referralWindowDays: '30',
    });
    if (pixel.ok) logger.info({ shop: shop.shopKey, pixel: pixel.value.id, created: pixel.value.created }, 'web pixel active');
    else logger.warn({ shop: shop.shopKey, error: pixel.error }, 'the web pixel could not be activated; it is tried again when the configuration is saved');
  }

  /**
   * The shop a session token speaks for, installed if this is its first visit: the token exchange
   * gives an offline access token for the shop without a redirect (Shopify-managed install).
   */
  async function shopOfSessionToken(sessionToken: string, options: { expectedShop?: string; exchange: 'always' | 'when_needed' }): Promise<Result<string, string>> {
    const expectedShop = options.expectedShop ?? null;
    let shop: string;
    try {
      const payload = await shopify.session.decodeSessionToken(sessionToken);
      shop = new URL(payload.dest).hostname;
    } catch (error) {
      return err(`invalid session token: ${error instanceof Error ? error.message : String(error)}`);
    }
    // Checked before anything is installed: a refused request changes nothing.
    if (expectedShop !== null && shop !== expectedShop) return err('the session token is for another shop');
    if (options.exchange === 'when_needed') {
      // An installed shop holds its token: the install stores it with the session, an uninstall drops both.
      const known = await shops.find('shopify', shop, now());
      if (known?.active && known.accessToken) return ok(shop);
    }
    try {
      const exchanged = await shopify.auth.tokenExchange({ shop, sessionToken, requestedTokenType: RequestedTokenType.OfflineAccessToken });
      await install(exchanged.session);
      return ok(shop);
    } catch (error) {
      logger.warn({ shop, err: error }, 'token exchange failed');
      return err('the app could not be installed for this shop (token exchange failed); reload the app from the Shopify admin');
    }
  }

  const bearer = (req: Request) => /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? null;

  const auth = express.Router();
  // Installs from outside the Shopify admin: the authorization-code grant.
  auth.get('/shopify/auth', async (req: Request, res: Response) => {
    const shop = shopify.utils.sanitizeShop(String(req.query.shop ?? ''));
    if (!shop) {
      res.status(400).json({ error: 'shop must be a *.myshopify.com domain' });
      return;
    }
    await shopify.auth.begin({ shop, callbackPath: '/shopify/auth/callback', isOnline: false, rawRequest: req, rawResponse: res });
  });
  auth.get('/shopify/auth/callback', async (req: Request, res: Response) => {
    try {
      const { session } = await shopify.auth.callback<Session>({ rawRequest: req, rawResponse: res });
      await install(session);
      res.redirect(await shopify.auth.getEmbeddedAppUrl({ rawRequest: req, rawResponse: res }));
    } catch (error) {
      logger.warn({ err: error }, 'shopify OAuth callback refused');
      res.status(400).json({ error: `install failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  });

  const page = express.Router();
  page.get([ADMIN_PAGE_PATH, `${ADMIN_PAGE_PATH}/`], async (req: Request, res: Response) => {
    const shop = shopify.utils.sanitizeShop(String(req.query.shop ?? ''));
    if (!shop) {
      res.status(400).type('text/plain').send('Open CartRelay from your Shopify admin (the shop parameter is missing or invalid).');
      return;
    }
    const idToken = typeof req.query.id_token === 'string' ? req.query.id_token : null;
    if (idToken) {
      // Every opening of the app confirms the install with a fresh token: it also outdates an uninstall
      // notice still queued from before a quick reinstall.
      const installed = await shopOfSessionToken(idToken, { expectedShop: shop, exchange: 'always' });
      if (!installed.ok) {
        res.status(401).type('text/plain').send(installed.error);
        return;
      }
    } else if (!(await shops.find('shopify', shop, now()))?.active && req.query.embedded !== '1') {
      // Not opened from the admin, not installed: install through OAuth first.
      res.redirect(`/shopify/auth?shop=${encodeURIComponent(shop)}`);
      return;
    }
    const index = `${distDir}/index.html`;
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The admin page is not built: run npm run build -w @cartrelay/shopify.');
      return;
    }
    // Embedded in the Shopify admin only (https://shopify.dev/docs/apps/build/security/set-up-iframe-protection).
    res.set('Content-Security-Policy', `frame-ancestors https://${shop} https://admin.shopify.com;`);
    res.type('html').send(readFileSync(index, 'utf8').replaceAll('%SHOPIFY_API_KEY%', shopify.config.apiKey));
  });
  page.use(ADMIN_PAGE_PATH, express.static(distDir, { index: false, fallthrough: true }));

  const admin = express.Router();
  admin.use(
    ADMIN_API_BASE,
    createAdminRouter({
      shops,
      store,
      impact: options.impact,
      logger,
      now,
      onConfigSaved: activatePixel,
      async authenticate(req) {
        const token = bearer(req);
        if (!token) return err('missing session token (Authorization: Bearer …)');
        const shop = await shopOfSessionToken(token, { exchange: 'when_needed' });
        return shop.ok ? ok({ platform: 'shopify', shopKey: shop.value }) : shop;
      },
    }),
  );

  const collect = createCollectRouter({
    async recordClick(capture) {
      const shop = await shops.find('shopify', capture.shopKey, now());
      if (!shop) return 'unknown_shop';
      return store.recordClickCapture({ ...capture, shopId: shop.id, source: 'pixel' });
    },
  });

  const webhooks: WebhookReceiver = {
    ...shopifyWebhooks,
    capturesClicks: true,
    async fetchOrderInsights(access, platformOrderId): Promise<Result<OrderInsights, string>> {
      if (!access.accessToken) return err('no access token for this shop');
      const insights = await fetchOrderInsights(graphql(offlineSession(shopify, access.shopKey, access.accessToken)), `gid://shopify/Order/${platformOrderId}`);
      if (!insights.ok) return insights;
      return ok({ ready: insights.value.ready, landingUrls: insights.value.landingPages, customerOrderIndex: insights.value.customerOrderIndex });
    },
  };

  async function reconcileAll(): Promise<number> {
    let orders = 0;
    for (const shop of await shops.list()) {
      if (shop.platform !== 'shopify' || !shop.active || !shop.accessToken || !shop.config) continue;
      // One process at a time per shop: the lease outlasts a run, and saving the cursor ends it.
      const since = await store.leaseCursor(shop.id, RECONCILE_CURSOR, RECONCILE_LEASE_MS, now());
      if (since === null) {
        // Another process has it, or the shop predates its cursor (then it starts now).
        if ((await store.readCursor(shop.id, RECONCILE_CURSOR)) === null) await store.saveCursor(shop.id, RECONCILE_CURSOR, new Date(now()).toISOString(), now());
        continue;
      }
      try {
        const result = await reconcileShop({
          client: graphql(offlineSession(shopify, shop.shopKey, shop.accessToken)),
          since,
          now: () => new Date(now()),
          enqueue: async (batch) => {
            const receivedAt = now();
            await store.insertWebhooks(batch.map((w) => ({ shopId: shop.id, topic: w.topic, deliveryId: w.deliveryId, receivedAt, headers: {}, body: w.body })));
          },
        });
        await store.saveCursor(shop.id, RECONCILE_CURSOR, result.cursor ?? since, now());
        orders += result.orders;
      } catch (error) {
        logger.warn({ shop: shop.shopKey, err: error }, 'reconciliation failed; the next run starts from the same point');
      }
    }
    return orders;
  }

  return {
    routers: [auth, page, admin, collect],
    // Returns 0 so the loop rests a whole interval between runs, whatever it found.
    jobs: [
      {
        run: async () => {
          await reconcileAll();
          return 0;
        },
        idleMs: options.reconcileEveryMs ?? 15 * 60_000,
      },
    ],
    webhooks,
    install,
    reconcileAll,
  };
}
