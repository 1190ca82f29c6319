import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { isWellFormedJson } from '../json/is-well-formed-json.ts';
import type { PlatformAdapter } from '../platform/platform-adapter.ts';
import type { ShopDirectory } from '../shops/shop-directory.ts';
import type { QueueDepth, RelayQueries } from '../store/relay-queries.ts';
import { hmacSha256Base64 } from '../webhooks/signatures.ts';
import { type InboxWriter, InboxUnavailableError } from './inbox-writer.ts';
import type { RelayMetrics } from './metrics.ts';

export interface HttpAppOptions {
  /** Read by /readyz: the queues' depths. */
  readonly store: Pick<RelayQueries, 'queueDepth'>;
  readonly shops: ShopDirectory;
  readonly adapters: ReadonlyMap<string, PlatformAdapter>;
  readonly inbox: InboxWriter;
  readonly metrics: RelayMetrics;
  readonly logger: Logger;
  /** App-level secrets by platform: SHOPIFY_API_SECRET, BIGCOMMERCE_CLIENT_SECRET. */
  readonly appSecrets: Readonly<Record<string, string | null>>;
  readonly maxBodyBytes?: number;
  readonly now?: () => number;
  /** The store apps' own routes (install, admin page, click beacons), mounted beside the webhooks. */
  readonly routers?: readonly express.Router[];
  /** Express's `trust proxy` behind a load balancer, so that req.ip is the client's (rate limits key on it). */
  readonly trustProxy?: boolean | number | string;
}

/**
 * The relay's HTTP face. A webhook's walk: raw body (size-limited) → signature, when signed with the
 * app's secret → identify (plugin) → known shop → signature, when signed with the shop's secret →
 * well-formed JSON → durable write (group commit) → 200. Signatures are checked in constant time.
 * Answers follow the platforms' retry rules: 2xx accepted, 4xx never worth retrying, 5xx retry.
 */
export function createHttpApp(options: HttpAppOptions): express.Express {
  const { shops, adapters, inbox, metrics, logger } = options;
  const now = options.now ?? Date.now;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);

  // The inbox's door: a webhook request takes a place before its body is read and gives it back once
  // answered; when the inbox holds all it may, 503 at once, its body unread (docs/operations.md).
  app.use('/webhooks', (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST') return next();
    const limit = options.maxBodyBytes ?? 1024 * 1024;
    const declared = Number(req.headers['content-length']);
    try {
      res.once('close', inbox.admit(Number.isFinite(declared) ? Math.min(declared, limit) : limit));
      next();
    } catch (error) {
      next(error);
    }
  });
  for (const [platform, adapter] of adapters) {
    const knownTopics = new Set(['unknown', ...(adapter.webhooks.topics ?? [])]);
    app.post(`/webhooks/${platform}`, express.raw({ type: () => true, limit: options.maxBodyBytes ?? 1024 * 1024 }), async (req: Request, res: Response) => {
      const started = process.hrtime.bigint();
      const received = now();
      const headers = req.headers as Record<string, string | undefined>;
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const raw = { headers, body, receivedAt: received };
      // The topic the request claims, for the operator's log line even when it is refused before it is identified.
      const claimed = adapter.webhooks.identify(raw);
      const claimedTopic = claimed.ok && claimed.value.kind !== 'ping' ? claimed.value.topic : 'unknown';
      /** `logged`: the reason as the operator's log says it, when the answer must say less. */
      const reply = (status: number, outcome: string, topic = 'unknown', message?: string, logged = message) => {
        // Only topics the plugin knows become labels: the topic is the sender's to choose.
        metrics.webhooks.inc({ platform, topic: knownTopics.has(topic) ? topic : 'other', outcome });
        metrics.ackSeconds.observe({ platform }, Number(process.hrtime.bigint() - started) / 1e9);
        if (status >= 400) logger.warn({ platform, topic: topic === 'unknown' ? claimedTopic : topic, status, reason: logged }, 'webhook refused');
        res.status(status).json(status < 300 ? { ok: true, outcome } : { error: message ?? outcome });
      };

      const appSecret = options.appSecrets[platform] ?? null;
      const signedWithAppSecret = adapter.webhooks.signedWithAppSecret(raw);
      if (signedWithAppSecret) {
        const verified = adapter.webhooks.verify(raw, { appSecret, credentials: null });
        if (!verified.ok) return reply(401, 'rejected_401', undefined, verified.error.reason);
      }
      const identity = claimed;
      if (!identity.ok) return reply(identity.error.status, `rejected_${identity.error.status}`, undefined, identity.error.reason);
      if (identity.value.kind === 'ping') return reply(200, 'ping');
      const { shopKey, topic, deliveryId } = identity.value;

      const shop = await shops.find(platform, shopKey);
      if (!signedWithAppSecret) {
        // Signed with a secret agreed with this shop: checked once the shop is known. A shop CartRelay
        // does not serve is answered as a known one with a wrong signature, in the same words and after
        // the same work, so nobody can list its customers.
        if (!shop) {
          hmacSha256Base64(UNKNOWN_SHOP_SECRET, body);
          return reply(401, 'rejected_401', undefined, 'invalid signature', 'no such shop');
        }
        const verified = adapter.webhooks.verify(raw, { appSecret, credentials: shop.credentials });
        if (!verified.ok) return reply(401, 'rejected_401', undefined, 'invalid signature', verified.error.reason);
      }
      // Signed by the platform itself, for a shop CartRelay does not hold (any more): nothing to do.
      if (!shop) return reply(200, 'nothing_held', topic);

      if (!isWellFormedJson(body)) return reply(400, 'rejected_400', topic, 'body is not valid JSON');

      const stored = await inbox.write({
        shopId: shop.id,
        topic,
        deliveryId,
        receivedAt: received,
        headers: adapter.webhooks.keptHeaders?.(headers) ?? {},
        body: body.toString('utf8'),
      });
      // The signature holds, but for a body CartRelay holds for another shop: a replay under this one's headers.
      if (stored === 'refused') return reply(401, 'rejected_401', topic, 'this signed body was delivered for another shop');
      // Ids only: the body (customers' personal data) stays in the store.
      if (stored === 'stored') logger.info({ platform, shopId: shop.id, topic, webhookDeliveryId: deliveryId }, 'webhook stored');
      return reply(200, stored, topic);
    });
  }

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', readiness(options.store, inbox, logger));
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  for (const router of options.routers ?? []) app.use(router);

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use((error: Error & { type?: string; status?: number }, req: Request, res: Response, _next: NextFunction) => {
    const platform = /^\/webhooks\/([^/?]+)/.exec(req.path)?.[1] ?? 'none';
    if (error.type === 'entity.too.large') {
      metrics.webhooks.inc({ platform, topic: 'unknown', outcome: 'rejected_413' });
      res.status(413).json({ error: 'body too large' });
      return;
    }
    if (error instanceof InboxUnavailableError) {
      // Full, or the database too slow to commit in time: nothing is stored unless the platform
      // delivers again, which a 503 asks for.
      metrics.webhooks.inc({ platform, topic: 'unknown', outcome: `unavailable_${error.reason}` });
      logger.warn({ platform, status: 503, reason: error.reason }, 'webhook refused: the inbox cannot take it now');
      res.status(503).set('Retry-After', '5').json({ error: `inbox unavailable (${error.reason}); deliver again later` });
      return;
    }
    if (error.status && error.status >= 400 && error.status < 500) {
      res.status(error.status).json({ error: error.message });
      return;
    }
    // The write did not happen: 500 asks the platform to deliver again.
    logger.error({ err: error, path: req.path }, 'request failed');
    res.status(500).json({ error: 'internal error' });
  });
  return app;
}

/** /readyz answers within this long, whatever the database does. */
const READY_WITHIN_MS = 1_000;

/**
 * /readyz: ready when the store answered a query within a second and the inbox can take webhooks.
 * One probe at a time: while the database does not answer, requests share the probe under way
 * rather than each holding a connection, and each is answered 503 when its second is up.
 */
function readiness(store: Pick<RelayQueries, 'queueDepth'>, inbox: InboxWriter, logger: Logger) {
  let probe: Promise<QueueDepth> | null = null;
  return async (_req: Request, res: Response) => {
    if (!probe) {
      const started = store.queueDepth();
      probe = started;
      started
        .catch((error: unknown) => logger.error({ err: error }, 'readiness: the store did not answer'))
        .finally(() => {
          if (probe === started) probe = null;
        });
    }
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      probe.then((queues) => ({ queues }), () => ({ problem: 'database unreachable' })),
      new Promise<{ problem: string }>((resolve) => {
        timer = setTimeout(() => resolve({ problem: `database did not answer within ${READY_WITHIN_MS} ms` }), READY_WITHIN_MS);
      }),
    ]);
    clearTimeout(timer);
    const held = inbox.held;
    if ('problem' in outcome) return void res.status(503).json({ status: 'unavailable', reason: outcome.problem, inbox: held });
    if (inbox.full) return void res.status(503).json({ status: 'unavailable', reason: 'inbox full', queues: outcome.queues, inbox: held });
    res.json({ status: 'ready', queues: outcome.queues, inbox: held });
  };
}

/** What a request for a shop CartRelay does not serve is hashed with, as a known shop's would be. */
const UNKNOWN_SHOP_SECRET = randomBytes(32).toString('hex');
