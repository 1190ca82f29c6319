import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type OrderInsights,
  type Reconciliation,
  type RelayJob,
  type Result,
  type Shop,
  type StoreApp,
  type StoreAppContext,
  type WebhookReceiver,
  type AdminAuthenticator,
  DEFAULT_CLICK_ID_PARAM,
  captureBeacons,
  err,
  installShop,
  ok,
  readClickCaptureStatus,
  recordClickCaptureSetUp,
  serveAdminAssets,
} from '@cartrelay/core';
import { HttpResponseError, RequestedTokenType, type Session, type Shopify } from '@shopify/shopify-api';
import express, { type Request, type Response } from 'express';
import { fetchOrderInsights } from '../admin-api/order-insights.ts';
import { activateWebPixel } from '../admin-api/web-pixel.ts';
import { reconcileShop } from '../reconcile/reconcile-shop.ts';
import { shopifyWebhooks } from '../webhooks.ts';
import { parseClickBeacon } from './collect-beacon.ts';
import { type OfflineAccess, createOfflineAccess } from './offline-access.ts';
import { StoreSessionStorage } from './session-storage.ts';
import { migrateToExpiringTokens } from './token-migration.ts';

/** Where the web pixel posts its beacons. */
export const COLLECT_PATH = '/collect/shopify';
/** The embedded admin page's path; shopify.app.toml's application_url points here. */
export const ADMIN_PAGE_PATH = '/shopify/app';
/** App Bridge's bounce page: it fetches a fresh session token and reloads the page it names. */
export const SESSION_TOKEN_BOUNCE_PATH = '/shopify/auth/session-token';
const APP_BRIDGE_URL = 'https://cdn.shopify.com/shopifycloud/app-bridge.js';
/** On the page the bounce page reloads: when the bounce happened (epoch ms). */
const BOUNCED_AT = 'cartrelay_bounced_at';
/** On a 401 from the app's API, App Bridge's fetch retries once with a fresh session token. */
const RETRY_INVALID_SESSION_HEADER = 'X-Shopify-Retry-Invalid-Session-Request';

/** Embedded in the Shopify admin only (https://shopify.dev/docs/apps/build/security/set-up-iframe-protection). */
const frameAncestors = (shop: string) => `frame-ancestors https://${shop} https://admin.shopify.com;`;
const escapeAttribute = (value: string) => value.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

export interface ShopifyAppOptions {
  /** From createShopifyApi: the app's client id and secret, scopes and Admin API version. */
  readonly shopify: Shopify;
  /** The app's public base URL (SHOPIFY_APP_URL), for the pixel's beacon address. */
  readonly appUrl: string;
  /** What the relay gives every store app. */
  readonly context: StoreAppContext;
  /** The built admin page (plugins/shopify/admin/dist). */
  readonly adminDistDir?: string;
  /** How often every shop is reconciled against the Admin API (ms). */
  readonly reconcileEveryMs?: number;
  /** A token this close to its expiry is refreshed before use (ms; default 5 minutes). */
  readonly tokenRefreshMarginMs?: number;
}

/** The store app, with what only Shopify's has: its webhook receiver that reads the Admin API, and each shop's access. */
export interface ShopifyApp extends StoreApp {
  /** Install (OAuth), the embedded admin page and its API, the pixel's beacon endpoint. */
  readonly routers: readonly express.Router[];
  readonly reconciliation: Reconciliation;
  /** The move to expiring tokens of shops nobody opens. */
  readonly jobs: readonly RelayJob[];
  /** Shopify's webhooks, plus the Admin API reads that need the app's credentials (customer journey). */
  readonly webhooks: WebhookReceiver;
  /** Each shop's Admin API access, its expiring token refreshed as needed. */
  readonly access: OfflineAccess;
}

/**
 * The Shopify app around the relay: a merchant installs it from the App Store (Shopify-managed
 * install and token exchange when the embedded page first loads, or the authorization-code flow for
 * installs from outside the admin), sets it up in the embedded admin page, and from then on every
 * order is tracked with nothing added to the theme: the app activates its own web pixel.
 */
export function createShopifyApp(options: ShopifyAppOptions): ShopifyApp {
  const { shopify, context } = options;
  const { shops, store, logger, now } = context;
  const sessions = new StoreSessionStorage(store, context.box, now);
  const refreshMarginMs = options.tokenRefreshMarginMs ?? 5 * 60_000;
  const access = createOfflineAccess({ shopify, sessions, shops, logger, now, refreshMarginMs });
  const appUrl = options.appUrl.replace(/\/+$/, '');
  const distDir = options.adminDistDir ?? fileURLToPath(new URL('../../admin/dist', import.meta.url));

  /**
   * Installs (or installs again) a shop with the session `obtain` gets from Shopify, stored under the
   * session's lease (OfflineAccess.install), and sets the shop up: its record, the reconciliation
   * cursor, the web pixel.
   */
  async function install(shop: string, obtain: () => Promise<Session>, options: { readonly unlessStored?: (stored: Session) => boolean } = {}): Promise<void> {
    const before = await store.findShop('shopify', shop);
    const hadToken = Boolean((await sessions.loadSession(shop))?.accessToken);
    const session = await access.install(shop, obtain, options);
    const installed = await installShop(context, { platform: 'shopify', shopKey: shop });
    noteScopes(shop, session);
    // A new token for an install already in place (the app opened again) leaves the pixel as it is.
    if (!before?.active || !hadToken) await activatePixel(installed);
  }

  /** Creates the shop's web pixel, or updates its settings (the click-id parameter may have changed). */
  async function activatePixel(shop: Shop): Promise<void> {
    const pixel = await activateWebPixel(access.graphql(shop.shopKey), {
      collectUrl: `${appUrl}${COLLECT_PATH}`,
      clickIdParam: shop.config?.clickIdParam ?? DEFAULT_CLICK_ID_PARAM,
      referralWindowDays: '30',
    });
    if (pixel.ok) logger.info({ shop: shop.shopKey, pixel: pixel.value.id, created: pixel.value.created }, 'web pixel active');
    else logger.warn({ shop: shop.shopKey, error: pixel.error }, 'the web pixel could not be activated; it is tried again when the configuration is saved');
    await recordClickCaptureSetUp(
      store,
      shop,
      pixel.ok
        ? { ok: true, detail: 'The pixel is active: it reports the click id of visits that land with one.' }
        : { ok: false, detail: `Shopify did not activate the pixel (${pixel.error}). Saving the configuration tries again.` },
      now(),
    );
  }

  /**
   * Scopes the app asks for that an exchange did not bring (not yet approved by the merchant): the
   * next openings do not exchange again for them, until Shopify says the scopes changed.
   */
  const scopesStillShort = new Map<string, string>();
  const configuredScopes = () => (shopify.config.scopes?.toArray().length ? shopify.config.scopes : undefined);
  const lacksScopes = (session: Session) => {
    const scopes = configuredScopes();
    return scopes !== undefined && !session.isScopeIncluded(scopes);
  };
  function noteScopes(shop: string, session: Session): void {
    if (!lacksScopes(session)) scopesStillShort.delete(shop);
    else if (scopesStillShort.get(shop) !== String(configuredScopes())) {
      scopesStillShort.set(shop, String(configuredScopes()));
      logger.warn({ shop, granted: session.scope, configured: String(configuredScopes()) }, 'shopify granted fewer scopes than the app asks for: the merchant must approve the new ones');
    }
  }

  /**
   * Whether opening the app must exchange its session token for a new offline token, as Shopify's
   * template decides: the shop has none (first visit, uninstalled, refused), a non-expiring one (moved
   * to an expiring one now), one about to expire, or one without the scopes the app asks for (once
   * per set of scopes: an exchange cannot bring scopes the merchant has not approved).
   */
  const sessionNeedsExchange = (shop: string, session: Session | undefined) =>
    !session?.accessToken ||
    session.expires === undefined ||
    session.expires.getTime() - refreshMarginMs <= now() ||
    (lacksScopes(session) && scopesStillShort.get(shop) !== String(configuredScopes()));

  async function needsExchange(shop: string): Promise<boolean> {
    const known = await shops.find('shopify', shop, now());
    if (!known?.active || known.accessProblem) return true;
    return sessionNeedsExchange(shop, await sessions.loadSession(shop));
  }

  /** Of several calls for one shop in this process (parallel requests from one page), one exchanges. */
  const exchanging = new Map<string, Promise<void>>();
  function exchangeOnce(shop: string, sessionToken: string): Promise<void> {
    let running = exchanging.get(shop);
    if (!running) {
      running = install(
        shop,
        async () => (await shopify.auth.tokenExchange({ shop, sessionToken, requestedTokenType: RequestedTokenType.OfflineAccessToken, expiring: true })).session,
        // Another process exchanged while this one waited for the lease: its token stays.
        { unlessStored: (stored) => !sessionNeedsExchange(shop, stored) && stored.expires !== undefined },
      ).finally(() => exchanging.delete(shop));
      exchanging.set(shop, running);
    }
    return running;
  }

  type SessionTokenFailure = { readonly message: string; readonly retry: boolean };

  /**
   * The shop a session token speaks for, installed if needed: the token exchange gives an expiring
   * offline access token without a redirect (Shopify-managed install). `confirm`: a page load, which
   * also confirms the install of a shop that keeps its token (an uninstall notice sent before it is stale).
   */
  async function shopOfSessionToken(sessionToken: string, options: { expectedShop?: string; confirm: boolean }): Promise<Result<string, SessionTokenFailure>> {
    let shop: string;
    try {
      const payload = await shopify.session.decodeSessionToken(sessionToken);
      shop = new URL(payload.dest).hostname;
    } catch (error) {
      // Expired or not yet valid: App Bridge fetches a fresh one and tries again.
      return err({ message: `invalid session token: ${error instanceof Error ? error.message : String(error)}`, retry: true });
    }
    // Checked before anything is installed: a refused request changes nothing.
    if (options.expectedShop !== undefined && shop !== options.expectedShop) return err({ message: 'the session token is for another shop', retry: false });
    if (!(await needsExchange(shop))) {
      if (options.confirm) {
        const known = await shops.find('shopify', shop, now());
        if (known) await shops.confirmInstalled(known.id, now());
      }
      return ok(shop);
    }
    try {
      await exchangeOnce(shop, sessionToken);
      return ok(shop);
    } catch (error) {
      logger.warn({ shop, err: error }, 'token exchange failed');
      // Shopify refused the session token itself (invalid_subject_token): a fresh one may pass.
      const refusedToken = error instanceof HttpResponseError && error.response.code === 400 && /invalid_subject_token/.test(JSON.stringify(error.response.body ?? ''));
      return err({ message: 'the app could not be installed for this shop (token exchange failed); reload the app from the Shopify admin', retry: refusedToken });
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
    const shop = shopify.utils.sanitizeShop(String(req.query.shop ?? ''));
    if (!shop) {
      res.status(400).json({ error: 'shop must be a *.myshopify.com domain' });
      return;
    }
    try {
      await install(shop, async () => (await shopify.auth.callback<Session>({ rawRequest: req, rawResponse: res, expiring: true })).session);
      res.redirect(await shopify.auth.getEmbeddedAppUrl({ rawRequest: req, rawResponse: res }));
    } catch (error) {
      logger.warn({ err: error }, 'shopify OAuth callback refused');
      res.status(400).json({ error: `install failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  });
  // App Bridge's bounce page: its script fetches a fresh session token and reloads `shopify-reload` with it.
  auth.get(SESSION_TOKEN_BOUNCE_PATH, (req: Request, res: Response) => {
    const shop = shopify.utils.sanitizeShop(String(req.query.shop ?? ''));
    if (!shop) {
      res.status(400).type('text/plain').send('Open CartRelay from your Shopify admin (the shop parameter is missing or invalid).');
      return;
    }
    // App Bridge hands the page it reloads a session token: only pages of this app may be named.
    const reload = URL.parse(String(req.query['shopify-reload'] ?? ''));
    if (!reload || reload.origin !== new URL(appUrl).origin || !reload.pathname.startsWith(ADMIN_PAGE_PATH)) {
      res.status(400).type('text/plain').send('shopify-reload must name a page of this app.');
      return;
    }
    res.set('Content-Security-Policy', frameAncestors(shop)).set('Cache-Control', 'no-store');
    res.type('html').send(`<script data-api-key="${escapeAttribute(shopify.config.apiKey)}" src="${APP_BRIDGE_URL}"></script>`);
  });

  /**
   * Sends a page load without a usable session token to the bounce page, which comes back with a fresh
   * one. The page it comes back to carries when it bounced: a token that fails again straight after is
   * not bounced once more (a wrong secret or clock would loop the browser forever).
   */
  const bounce = (req: Request, res: Response) => {
    const reload = new URL(req.originalUrl, appUrl);
    reload.searchParams.delete('id_token');
    reload.searchParams.delete('shopify-reload');
    reload.searchParams.set(BOUNCED_AT, String(now()));
    const params = new URLSearchParams(reload.searchParams);
    params.delete(BOUNCED_AT);
    params.set('shopify-reload', reload.href);
    res.redirect(`${SESSION_TOKEN_BOUNCE_PATH}?${params}`);
  };
  const bouncedJustNow = (req: Request) => now() - Number(req.query[BOUNCED_AT] ?? 0) < 30_000;

  const page = express.Router();
  page.use(`${ADMIN_PAGE_PATH}/assets`, serveAdminAssets(`${distDir}/assets`));
  // One route per page of the admin (App Bridge's navigation menu): each serves the same document.
  page.get(`${ADMIN_PAGE_PATH}{/*page}`, async (req: Request, res: Response) => {
    const shop = shopify.utils.sanitizeShop(String(req.query.shop ?? ''));
    if (!shop) {
      res.status(400).type('text/plain').send('Open CartRelay from your Shopify admin (the shop parameter is missing or invalid).');
      return;
    }
    const idToken = typeof req.query.id_token === 'string' ? req.query.id_token : null;
    if (idToken) {
      const installed = await shopOfSessionToken(idToken, { expectedShop: shop, confirm: true });
      if (!installed.ok) {
        if (installed.error.retry && !bouncedJustNow(req)) bounce(req, res);
        else res.status(401).type('text/plain').send(installed.error.message);
        return;
      }
    } else if (req.query.embedded === '1') {
      // Inside the admin without a session token (a reload, a link): App Bridge supplies one.
      bounce(req, res);
      return;
    } else if (!(await shops.find('shopify', shop, now()))?.active) {
      // Not opened from the admin, not installed: install through OAuth first.
      res.redirect(`/shopify/auth?shop=${encodeURIComponent(shop)}`);
      return;
    }
    const index = `${distDir}/index.html`;
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The admin page is not built: run npm run build -w @cartrelay/shopify.');
      return;
    }
    res.set('Content-Security-Policy', frameAncestors(shop)).set('Cache-Control', 'no-store');
    res.type('html').send(readFileSync(index, 'utf8').replaceAll('%SHOPIFY_API_KEY%', shopify.config.apiKey));
  });

  const authenticateAdmin: AdminAuthenticator = async (req) => {
    const token = bearer(req);
    if (!token) return err({ message: 'missing session token (Authorization: Bearer …)' });
    const shop = await shopOfSessionToken(token, { confirm: false });
    if (shop.ok) return ok({ platform: 'shopify', shopKey: shop.value });
    // App Bridge's fetch retries once with a fresh session token when the answer says a retry may help.
    return err({ message: shop.error.message, ...(shop.error.retry ? { headers: { [RETRY_INVALID_SESSION_HEADER]: '1' } } : {}) });
  };

  const collect = captureBeacons(context, { platform: 'shopify', path: COLLECT_PATH, source: 'pixel', parse: parseClickBeacon });

  const webhooks: WebhookReceiver = {
    ...shopifyWebhooks,
    capturesClicks: true,
    async accessScopesChanged(shop, scopes) {
      // The session records what the token may do: one short of the configured scopes is exchanged at the next opening.
      scopesStillShort.delete(shop.shopKey);
      await access.recordScopes(shop.shopKey, scopes);
    },
    async fetchOrderInsights(shop, platformOrderId): Promise<Result<OrderInsights, string>> {
      const insights = await fetchOrderInsights(access.graphql(shop.shopKey), `gid://shopify/Order/${platformOrderId}`);
      if (!insights.ok) return insights;
      return ok({ ready: insights.value.ready, landingUrls: insights.value.landingPages, customerOrderIndex: insights.value.customerOrderIndex });
    },
  };

  const reconciliation: Reconciliation = {
    everyMs: options.reconcileEveryMs ?? 15 * 60_000,
    // A token good for the run's start (refreshed now if due); the run's requests refresh it again as needed.
    async ready(shop) {
      const session = await access.session(shop.shopKey);
      return session.ok ? true : { reason: session.error.message, warn: session.error.kind === 'unavailable' };
    },
    run: (shop, since, enqueue, onProgress) =>
      reconcileShop({ client: access.graphql(shop.shopKey), since, now: () => new Date(now()), enqueue, ...(onProgress ? { onProgress } : {}) }),
  };

  return {
    routers: [auth, page, collect],
    authenticateAdmin,
    reconciliation,
    jobs: [
      // Shops nobody opens still move to expiring tokens before Shopify stops accepting the others.
      {
        name: 'shopify expiring-token migration',
        idleMs: 3_600_000,
        run: async () => {
          const summary = await migrateToExpiringTokens(access, shops, (progress) => {
            if (progress.outcome !== 'already') logger.info(progress, 'shopify expiring-token migration');
          });
          if (summary.migrated + summary.failed > 0) logger.info(summary, 'shopify expiring-token migration run');
          return 0;
        },
      },
    ],
    lifecycle: { configSaved: activatePixel },
    clickCaptureStatus: (shop) => readClickCaptureStatus(store, shop, 'Shopify pixel', 'Not activated since this was recorded: saving the configuration activates it again.'),
    webhooks,
    access,
  };
}
