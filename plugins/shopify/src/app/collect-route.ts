import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { type ClickBeacon, parseClickBeacon } from './collect-beacon.ts';

export const COLLECT_PATH = '/collect/shopify';

/** One click id reported by the web pixel for one order, as the endpoint hands it on. */
export interface CollectedClick {
  readonly shopKey: string;
  /** The REST (numeric) order id, when the pixel saw the order. */
  readonly platformOrderId: string | null;
  readonly checkoutToken: string | null;
  readonly clickId: string;
  readonly sharedId: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** Epoch milliseconds, by the server's clock. */
  readonly capturedAt: number;
}

export type RecordClickOutcome = 'recorded' | 'already_captured' | 'unknown_shop';

export interface CollectRouterOptions {
  /** Keeps the click: the first capture per order wins, and a click id the order carries wins over any beacon. */
  readonly recordClick: (capture: CollectedClick) => Promise<RecordClickOutcome>;
  readonly maxBodyBytes?: number;
  /** Beacons allowed per shop and client IP in a window. */
  readonly rateLimit?: { readonly windowMs: number; readonly limit: number };
  /** Requests allowed per client IP in a window, whatever they say: bounds a client that varies the shop. */
  readonly clientRateLimit?: { readonly windowMs: number; readonly limit: number };
  readonly now?: () => number;
}

const USER_AGENT_MAX = 512;

/**
 * The public endpoint of the web pixel: `POST /collect/shopify` with the beacon as JSON, sent as
 * text/plain (CORS-simple) or application/json. Anyone can call it, so the body is parsed strictly and
 * beacons are rate-limited per shop and client IP. The pixel runs in Shopify's sandbox on any origin
 * (even `null`), so every answer allows any origin, without credentials.
 * Answers: 204 kept (or already kept: a forger learns nothing), 400 invalid, 404 unknown shop,
 * 413 too large, 415 other body types, 429 too many.
 */
export function createCollectRouter(options: CollectRouterOptions): Router {
  const { recordClick } = options;
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
    const beacon = parseClickBeacon(req.body.toString('utf8'));
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
    const outcome = await recordClick({
      shopKey: beacon.shopKey,
      platformOrderId: beacon.platformOrderId,
      checkoutToken: beacon.checkoutToken,
      clickId: beacon.clickId,
      sharedId: beacon.sharedId,
      ip: req.ip ?? null,
      userAgent: req.get('user-agent')?.slice(0, USER_AGENT_MAX) ?? null,
      capturedAt: now(),
    });
    if (outcome === 'unknown_shop') {
      res.status(404).json({ error: 'unknown shop' });
      return;
    }
    res.status(204).end();
  };

  router.use(COLLECT_PATH, allowAnyOrigin);
  router
    .route(COLLECT_PATH)
    .options((_req, res) => {
      res.status(204).end();
    })
    .post(limitPerClient, readBody, parseBeacon, limitPerShopAndClient, keep)
    .all((_req, res) => {
      res.set('Allow', 'POST, OPTIONS').status(405).json({ error: 'method not allowed' });
    });
  router.use(COLLECT_PATH, collectErrors);
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
