import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { isWellFormedJson } from '../json/is-well-formed-json.ts';
import type { PlatformAdapter } from '../platform/platform-adapter.ts';
import type { ShopDirectory } from '../shops/shop-directory.ts';
import type { Store } from '../store/store.ts';
import type { InboxWriter } from './inbox-writer.ts';
import type { RelayMetrics } from './metrics.ts';

export interface HttpAppOptions {
  readonly store: Store;
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

  for (const [platform, adapter] of adapters) {
    app.post(`/webhooks/${platform}`, express.raw({ type: () => true, limit: options.maxBodyBytes ?? 1024 * 1024 }), async (req: Request, res: Response) => {
      const started = process.hrtime.bigint();
      const received = now();
      const headers = req.headers as Record<string, string | undefined>;
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const raw = { headers, body, receivedAt: received };
      const reply = (status: number, outcome: string, topic = 'unknown', message?: string) => {
        metrics.webhooks.inc({ platform, topic, outcome });
        metrics.ackSeconds.observe({ platform }, Number(process.hrtime.bigint() - started) / 1e9);
        if (status >= 400) logger.warn({ platform, topic, status, reason: message }, 'webhook refused');
        res.status(status).json(status < 300 ? { ok: true, outcome } : { error: message ?? outcome });
      };

      const appSecret = options.appSecrets[platform] ?? null;
      const signedWithAppSecret = adapter.webhooks.signedWithAppSecret(raw);
      if (signedWithAppSecret) {
        const verified = adapter.webhooks.verify(raw, { appSecret, shopSecret: null });
        if (!verified.ok) return reply(401, 'rejected_401', undefined, verified.error.reason);
      }
      const identity = adapter.webhooks.identify(raw);
      if (!identity.ok) return reply(identity.error.status, `rejected_${identity.error.status}`, undefined, identity.error.reason);
      if (identity.value.kind === 'ping') return reply(200, 'ping');
      const { shopKey, topic, deliveryId } = identity.value;

      const shop = await shops.find(platform, shopKey);
      // Until a signature holds, nothing the request says becomes a metric label (unbounded series).
      if (!shop) {
        if (identity.value.unknownShopHasNothing && signedWithAppSecret) return reply(200, 'nothing_held', topic);
        return reply(404, 'unknown_shop', undefined, `unknown ${platform} shop ${shopKey}`);
      }
      if (!signedWithAppSecret) {
        // Signed with a secret agreed with this shop: checked once the shop is known.
        const verified = adapter.webhooks.verify(raw, { appSecret, shopSecret: shop.webhookSecret });
        if (!verified.ok) return reply(401, 'rejected_401', undefined, verified.error.reason);
      }

      if (!isWellFormedJson(body)) return reply(400, 'rejected_400', topic, 'body is not valid JSON');

      const stored = await inbox.write({
        shopId: shop.id,
        topic,
        deliveryId,
        receivedAt: received,
        headers: pickHeaders(headers),
        body: body.toString('utf8'),
      });
      return reply(200, stored, topic);
    });
  }

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      res.json({ status: 'ready', queues: await options.store.queueDepth() });
    } catch (error) {
      logger.error({ err: error }, 'store not reachable');
      res.status(503).json({ status: 'unavailable' });
    }
  });
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

/** The headers worth keeping with a stored webhook: the platform's own, never Authorization or cookies. */
function pickHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && /^(x-shopify-|shopify-|x-wc-webhook-|webhook-id|webhook-timestamp|content-type)/.test(name)) kept[name] = value;
  }
  return kept;
}
