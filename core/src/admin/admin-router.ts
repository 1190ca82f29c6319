import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { ZodType } from 'zod';
import type { TrackingConfig } from '../config/tracking-config.ts';
import { parseTrackingConfig } from '../config/tracking-config.ts';
import type { ImpactClient } from '../delivery/impact-client.ts';
import type { DeliveryOutbox } from '../delivery/outbox.ts';
import { planTestAction } from '../ledger/test-action.ts';
import type { PersonalData } from '../privacy/personal-data.ts';
import type { Result } from '../result.ts';
import type { Shop, ShopDirectory } from '../shops/shop-directory.ts';
import type { ShopCursors } from '../shops/shop-cursors.ts';
import { fieldProblems } from '../validation/format-issues.ts';
import {
  type AdminError,
  type AdminShop,
  type ConnectionSaved,
  ConnectionInputSchema,
  ConnectionTestInputSchema,
  type TestActionResult,
} from './contract.ts';
import { type ActionsStore, ActionsQuerySchema, listActions } from './actions.ts';
import { CONNECTION_SAVED_CURSOR, type ClickCaptureStatus, type HomeStore, buildAdminHome } from './home.ts';

/** Who is asking, as the platform's authentication established it. */
export interface AdminIdentity {
  readonly platform: string;
  readonly shopKey: string;
}

/** Why nobody is asking: answered 401 with the message, and with the platform's own headers. */
export interface AdminAuthFailure {
  readonly message: string;
  /** E.g. Shopify's X-Shopify-Retry-Invalid-Session-Request, which makes App Bridge retry with a fresh token. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The platform's half of the admin API: it reads its own credentials from the request (a Shopify
 * session token, a BigCommerce signed payload…) and says which shop is asking, or why nobody is.
 */
export type AdminAuthenticator = (req: Request) => Promise<Result<AdminIdentity, AdminAuthFailure>>;

/** What the admin API reads and queues: orders and deliveries, click captures, data-request exports, test actions. */
export type AdminStore = ActionsStore & Pick<PersonalData, 'listCustomerDataExports'> & Pick<DeliveryOutbox, 'enqueueDeliveries'> & HomeStore & Pick<ShopCursors, 'saveCursor'>;

export interface AdminRouterOptions {
  readonly shops: ShopDirectory;
  readonly store: AdminStore;
  readonly impact: ImpactClient;
  readonly authenticate: AdminAuthenticator;
  readonly logger: Logger;
  readonly now?: () => number;
  /** The platform's follow-up to a saved configuration (Shopify: the pixel learns the click-id parameter). */
  readonly onConfigSaved?: (shop: Shop) => Promise<void>;
  /** The platform's click capture as Home shows it (Shopify's pixel, BigCommerce's scripts, WooCommerce's plugin). */
  readonly clickCaptureStatus?: (shop: Shop) => Promise<ClickCaptureStatus | null>;
}

type Handler = (req: Request, res: Response, shop: Shop) => Promise<void>;

/**
 * The platform-neutral admin API (see contract.ts), mounted at /api/admin by each store app with its
 * own authenticator. Every input is parsed with the contract's schemas; an invalid one changes nothing.
 */
export function createAdminRouter(options: AdminRouterOptions): express.Router {
  const { shops, store, impact, logger } = options;
  const now = options.now ?? Date.now;
  const router = express.Router();
  router.use(express.json({ limit: '512kb' }));

  const fail = (res: Response, status: number, error: string, problems?: AdminError['problems']) => {
    res.status(status).json(problems ? { error, problems } : { error });
  };
  /** Authenticates, finds the shop, and hands both to the handler. */
  const route =
    (handler: Handler) =>
    async (req: Request, res: Response): Promise<void> => {
      const identity = await options.authenticate(req);
      if (!identity.ok) return fail(res.set(identity.error.headers ?? {}), 401, identity.error.message);
      const shop = await shops.find(identity.value.platform, identity.value.shopKey, now());
      if (!shop) return fail(res, 404, `${identity.value.platform} shop ${identity.value.shopKey} is not installed`);
      await handler(req, res, shop);
    };
  const parse = <T>(schema: ZodType<T>, body: unknown, res: Response): T | null => {
    const parsed = schema.safeParse(body ?? {});
    if (parsed.success) return parsed.data;
    fail(res, 400, 'invalid input: nothing was changed', fieldProblems(parsed.error));
    return null;
  };

  router.get(
    '/shop',
    route(async (_req, res, shop) => {
      res.json(adminShop(shop));
    }),
  );

  router.put(
    '/connection',
    route(async (req, res, shop) => {
      const input = parse(ConnectionInputSchema, req.body, res);
      if (!input) return;
      if (!input.authToken && !shop.impact) return fail(res, 400, 'invalid input: nothing was changed', [{ path: 'authToken', message: 'the Auth Token is required the first time' }]);
      // Tested first: credentials impact.com refuses would only pile orders up behind 401s. An
      // impact.com that cannot be reached says nothing about them: saved, with a warning.
      const authToken = input.authToken ?? shop.impact!.authToken;
      const check = await impact.checkConnection({ accountSid: input.accountSid, authToken }, null);
      if (check.problem === 'refused' || check.problem === 'not_found') return fail(res, 400, check.message, [{ path: 'authToken', message: check.message }]);
      await shops.setConnection(shop.id, { accountSid: input.accountSid, authToken: input.authToken }, now());
      await store.saveCursor(shop.id, CONNECTION_SAVED_CURSOR, new Date(now()).toISOString(), now());
      logger.info({ shopId: shop.id, tested: check.ok }, 'impact.com connection saved');
      const saved: ConnectionSaved = {
        ...adminShop((await shops.get(shop.id, now()))!),
        connectionCheck: { ok: check.ok, message: check.message },
        ...(check.ok ? {} : { warning: `Saved without a test: ${check.message}` }),
      };
      res.json(saved);
    }),
  );

  router.post(
    '/connection/test',
    route(async (req, res, shop) => {
      const input = parse(ConnectionTestInputSchema, req.body, res);
      if (!input) return;
      const accountSid = input.accountSid ?? shop.impact?.accountSid;
      const authToken = input.authToken ?? shop.impact?.authToken;
      if (!accountSid || !authToken) return fail(res, 400, 'enter the Account SID and Auth Token to test');
      res.json(await impact.checkConnection({ accountSid, authToken }, input.campaignId ?? shop.config?.program.campaignId ?? null));
    }),
  );

  router.put(
    '/config',
    route(async (req, res, shop) => {
      const config = parseTrackingConfig(req.body);
      if (!config.ok) return fail(res, 400, 'invalid configuration: nothing was changed', config.error);
      await shops.setConfig(shop.id, config.value, now());
      logger.info({ shopId: shop.id }, 'tracking configuration saved');
      const saved = (await shops.get(shop.id, now()))!;
      // Saved either way: a failing follow-up is logged, not the merchant's problem to retry.
      await options.onConfigSaved?.(saved).catch((error: unknown) => logger.warn({ shopId: shop.id, err: error }, 'follow-up to the saved configuration failed'));
      res.json(adminShop(saved));
    }),
  );

  router.post(
    '/test-action',
    route(async (_req, res, shop) => {
      if (!shop.config || !shop.impact) return fail(res, 409, 'connect impact.com and save the program id and action tracker first');
      const at = new Date(now());
      const plan = planTestAction(shop.config, at);
      await store.enqueueDeliveries(shop.id, plan.deliveries, at.getTime());
      const result: TestActionResult = { orderId: plan.orderId, reversalAt: new Date(plan.reversalAt).toISOString() };
      res.status(202).json(result);
    }),
  );

  router.get(
    '/home',
    route(async (_req, res, shop) => {
      res.json(await buildAdminHome(shop, { store, now: now(), clickCaptureStatus: options.clickCaptureStatus }));
    }),
  );

  router.get(
    '/actions',
    route(async (req, res, shop) => {
      const query = parse(ActionsQuerySchema, req.query, res);
      if (!query) return;
      res.json(await listActions(store, shop, query, now()));
    }),
  );

  // What customers/data_request webhooks produced: the merchant hands it to the customer.
  router.get(
    '/data-requests',
    route(async (_req, res, shop) => {
      res.json({ exports: await store.listCustomerDataExports(shop.id) });
    }),
  );

  router.use((_req: Request, res: Response) => fail(res, 404, 'no such admin API route'));
  router.use((error: Error & { type?: string; status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    if (error.type === 'entity.parse.failed') return fail(res, 400, 'the body is not valid JSON');
    if (error.type === 'entity.too.large') return fail(res, 413, 'the body is too large');
    logger.error({ err: error }, 'admin API request failed');
    fail(res, 500, 'internal error');
  });
  return router;
}


function adminShop(shop: Shop): AdminShop {
  return {
    platform: shop.platform,
    shopKey: shop.shopKey,
    active: shop.active,
    connection: { accountSid: shop.impact?.accountSid ?? null, authTokenSet: Boolean(shop.impact?.authToken) },
    config: shop.config as TrackingConfig | null,
  };
}
