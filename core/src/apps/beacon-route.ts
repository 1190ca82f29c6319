import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Result } from '../result.ts';
import type { FieldProblem } from '../validation/format-issues.ts';
import type { StoreAppContext } from './store-plugin.ts';

/**
 * What a storefront script or pixel reports when a checkout completes, once the platform's parser has
 * read it: the shop (normalized), the click id, and the checkout it came from.
 */
export interface ClickBeacon {
  readonly shopKey: string;
  readonly clickId: string;
  readonly sharedId: string | null;
  /** The order the beacon named, when it did: shown, never what ties the capture to an order. */
  readonly platformOrderId: string | null;
  /** What the shopper's own checkout held (Shopify's checkout token, a BigCommerce cart id): ties the capture to its order. */
  readonly checkoutToken: string;
}

/** One click id reported for one checkout, as the endpoint hands it on. */
export interface CollectedClick extends ClickBeacon {
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** Epoch milliseconds, by the server's clock. */
  readonly capturedAt: number;
}

export interface BeaconRouteOptions {
  /** Where the platform's script posts: `/collect/<platform>`. */
  readonly path: string;
  /** The platform's beacon format, read strictly (anyone can post). */
  readonly parse: (text: string) => Result<ClickBeacon, FieldProblem[]>;
  /**
   * Keeps the click, for a shop CartRelay serves: the first capture per checkout wins, and a click id
   * the order carries wins over any beacon. Whatever came of it, the beacon gets the same answer.
   */
  readonly recordClick: (capture: CollectedClick) => Promise<void>;
  readonly maxBodyBytes?: number;
  /** Beacons allowed per shop and client IP in a window. */
  readonly rateLimit?: { readonly windowMs: number; readonly limit: number };
  /** Requests allowed per client IP in a window, whatever they say: bounds a client that varies the shop. */
  readonly clientRateLimit?: { readonly windowMs: number; readonly limit: number };
  readonly now?: () => number;
}

const USER_AGENT_MAX = 512;

/**
 * The public endpoint of a platform's click-capture script: `POST <path>` with the beacon as JSON, sent
 * as text/plain (CORS-simple) or application/json. Anyone can call it, so the body is parsed strictly
 * and beacons are rate-limited per client IP, and per shop and client IP. Scripts run on any origin
 * (Shopify's pixel sandbox says `null`), so every answer allows any origin, without credentials.
 * Answers: 204 kept (or already kept, or a shop CartRelay does not serve: a prober learns nothing),
 * 400 invalid, 413 too large, 415 other body types, 429 too many.
 */
export function createBeaconRoute(options: BeaconRouteOptions): Router {
  const { path, recordClick } = options;
  const now = options.now ?? Date.now;
  const window = options.rateLimit ?? { windowMs: 60_000, limit: 30 };
  const clientWindow = options.clientRateLimit ?? { windowMs: 60_000, limit: 120 };
  const beacons = new WeakMap<Request, ClickBeacon>();
  const router = express.Router();

  // Browsers never compress a request body: refusing encodings keeps the limit on the bytes read.
  const readBody = express.raw({ type: ['text/plain', 'application/json'], limit: options.maxBodyBytes ?? 2048, inflate: false });

  const parseBeacon = (req: Request, res: Response, next: NextFunction) => {
    if (!Buffer.isBuffer(req.body)) {
      res.status(415).json({ error: 'send the beacon as text/plain or application/json' });
      return;
    }
    const beacon = options.parse(req.body.toString('utf8'));
    if (!beacon.ok) {
      res.status(400).json({ error: 'invalid beacon', problems: beacon.error });
      return;
    }
    beacons.set(req, beacon.value);
    next();
  };

  // Keyed by the parsed shop, so it runs after parsing: a flood against one shop spares the others.
  const limitPerShopAndClient = rateLimit({
    windowMs: window.windowMs,
    limit: window.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => `${beacons.get(req)?.shopKey ?? ''}|${clientKey(req)}`,
    handler: (_req, res) => {
      res.status(429).json({ error: 'too many beacons, retry later' });
    },
  });

  // Before anything is read: a client that names a new shop in each request gets no fresh bucket.
  const limitPerClient = rateLimit({
    windowMs: clientWindow.windowMs,
    limit: clientWindow.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: clientKey,
    handler: (_req, res) => {
      res.status(429).json({ error: 'too many requests, retry later' });
    },
  });

  const keep = async (req: Request, res: Response) => {
    const beacon = beacons.get(req)!;
    await recordClick({
      shopKey: beacon.shopKey,
      platformOrderId: beacon.platformOrderId,
      checkoutToken: beacon.checkoutToken,
      clickId: beacon.clickId,
      sharedId: beacon.sharedId,
      ip: req.ip ?? null,
      userAgent: req.get('user-agent')?.slice(0, USER_AGENT_MAX) ?? null,
      capturedAt: now(),
    });
    // Kept, already kept, or a shop CartRelay does not serve: one answer, so that nobody can list its customers.
    res.status(204).end();
  };

  router.use(path, allowAnyOrigin);
  router
    .route(path)
    .options((_req, res) => {
      res.status(204).end();
    })
    .post(limitPerClient, readBody, parseBeacon, limitPerShopAndClient, keep)
    .all((_req, res) => {
      res.set('Allow', 'POST, OPTIONS').status(405).json({ error: 'method not allowed' });
    });
  router.use(path, collectErrors);
  return router;
}

/** The client's IP as a rate-limit key: IPv6 clients are grouped by /56, since each holds many. */
function clientKey(req: Request): string {
  return req.ip ? ipKeyGenerator(req.ip) : 'unknown';
}

function allowAnyOrigin(_req: Request, res: Response, next: NextFunction) {
  res.set({
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': 'POST, OPTIONS',
    'Access-Control-Allow-Headers': 'Content-Type',
    'Access-Control-Max-Age': '7200',
    'Cache-Control': 'no-store',
  });
  next();
}

// Body-reading failures arrive here, with the CORS headers already set so the browser can read them.
function collectErrors(error: Error & { type?: string; status?: number }, _req: Request, res: Response, next: NextFunction) {
  if (res.headersSent) return next(error);
  if (error.type === 'entity.too.large') {
    res.status(413).json({ error: 'beacon too large' });
    return;
  }
  if (error.status !== undefined && error.status >= 400 && error.status < 500) {
    res.status(error.status).json({ error: error.message });
    return;
  }
  next(error);
}

/**
 * The click-capture route of a platform's app: its beacons, read by its parser, kept as captures of
 * the shop they name (when CartRelay serves it) with `source` saying what captured them.
 */
export function captureBeacons(
  context: Pick<StoreAppContext, 'shops' | 'store' | 'now'>,
  options: { readonly platform: string; readonly path: string; readonly source: string; readonly parse: BeaconRouteOptions['parse'] } & Pick<
    BeaconRouteOptions,
    'maxBodyBytes' | 'rateLimit' | 'clientRateLimit'
  >,
): Router {
  const { platform, source, ...route } = options;
  return createBeaconRoute({
    ...route,
    now: context.now,
    async recordClick(capture) {
      const shop = await context.shops.find(platform, capture.shopKey, context.now());
      if (shop) await context.store.recordClickCapture({ ...capture, shopId: shop.id, source });
    },
  });
}
