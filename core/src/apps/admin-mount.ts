import express from 'express';
import { type AdminAuthenticator, createAdminRouter } from '../admin/admin-router.ts';
import type { ClickCaptureStatus } from '../admin/home.ts';
import { ADMIN_API_BASE } from '../admin/contract.ts';
import type { Shop } from '../shops/shop-directory.ts';
import type { StoreApp, StoreAppContext } from './store-plugin.ts';

/**
 * The shared admin API (`/api/admin`, core/src/admin) behind the platform's own authentication: a
 * Shopify session token, a BigCommerce session from its signed payload, a WooCommerce signed link.
 * `onConfigSaved`: the platform's follow-up to a saved configuration (its StoreLifecycle.configSaved);
 * `clickCaptureStatus`: the platform's click capture on Home (StoreApp.clickCaptureStatus).
 */
export function mountAdminApi(
  context: StoreAppContext,
  options: {
    readonly authenticate: AdminAuthenticator;
    readonly onConfigSaved?: (shop: Shop) => Promise<void>;
    readonly clickCaptureStatus?: (shop: Shop) => Promise<ClickCaptureStatus | null>;
  },
): express.Router {
  const router = express.Router();
  router.use(
    ADMIN_API_BASE,
    createAdminRouter({
      shops: context.shops,
      store: context.store,
      impact: context.impact,
      logger: context.logger,
      now: context.now,
      authenticate: options.authenticate,
      ...(options.onConfigSaved ? { onConfigSaved: options.onConfigSaved } : {}),
      ...(options.clickCaptureStatus ? { clickCaptureStatus: options.clickCaptureStatus } : {}),
    }),
  );
  return router;
}

/**
 * What the relay mounts for its running apps: each app's own routes, and its admin API at
 * `/<platform>/api/admin` behind its own authentication. `/api/admin` (the path the Shopify page has
 * always used) answers whichever app's authentication accepts the request, tried in the apps' order;
 * when none does, the first app's refusal (its headers tell its page what to do).
 */
export function storeAppRouters(context: StoreAppContext, apps: ReadonlyMap<string, StoreApp>): express.Router[] {
  const authenticated = [...apps].flatMap(([platform, app]) => (app.authenticateAdmin ? [{ platform, app, authenticate: app.authenticateAdmin }] : []));
  const configSaved = async (shop: Shop) => {
    await apps.get(shop.platform)?.lifecycle?.configSaved?.(shop);
  };
  // The shop's own platform answers, whichever app's authentication let the request in.
  const clickCaptureStatus = async (shop: Shop) => (await apps.get(shop.platform)?.clickCaptureStatus?.(shop)) ?? null;
  const routers = [...apps.values()].flatMap((app) => app.routers);
  for (const { platform, authenticate } of authenticated) {
    routers.push(prefixed(`/${platform}`, mountAdminApi(context, { authenticate, onConfigSaved: configSaved, clickCaptureStatus })));
  }
  if (authenticated.length > 0) {
    const anyApp: AdminAuthenticator = async (req) => {
      let refusal: Awaited<ReturnType<AdminAuthenticator>> | null = null;
      for (const { authenticate } of authenticated) {
        const identity = await authenticate(req);
        if (identity.ok) return identity;
        refusal ??= identity;
      }
      return refusal!;
    };
    routers.push(mountAdminApi(context, { authenticate: anyApp, onConfigSaved: configSaved, clickCaptureStatus }));
  }
  return routers;
}

function prefixed(path: string, router: express.Router): express.Router {
  const outer = express.Router();
  outer.use(path, router);
  return outer;
}
