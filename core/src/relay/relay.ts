import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { Gauge } from 'prom-client';
import type { ImpactClient } from '../delivery/impact-client.ts';
import type { RetryPolicy } from '../delivery/retry-policy.ts';
import type { PlatformAdapter } from '../platform/platform-adapter.ts';
import type { Shop, ShopDirectory } from '../shops/shop-directory.ts';
import type { Store } from '../store/store.ts';
import type { ClickShareReading } from './click-share-watch.ts';
import { createDeliveryWorker } from './delivery-worker.ts';
import { type HttpAppOptions, createHttpApp } from './http-app.ts';
import { type InboxLimits, InboxWriter } from './inbox-writer.ts';
import { createRelayMetrics } from './metrics.ts';
import { createWebhookProcessor } from './webhook-processor.ts';
import { WorkerLoop } from './worker-loop.ts';

export const DEFAULT_RETENTION_MS = 30 * 24 * 3_600_000;

export interface RelayOptions {
  readonly store: Store;
  readonly shops: ShopDirectory;
  readonly adapters: ReadonlyMap<string, PlatformAdapter>;
  readonly impact: ImpactClient;
  readonly logger: Logger;
  readonly appSecrets: Readonly<Record<string, string | null>>;
  readonly port: number;
  readonly host?: string;
  readonly retryPolicy?: RetryPolicy;
  /** How long a claimed webhook or delivery stays with this process before another may take it over. */
  readonly leaseMs?: number;
  /** How long after an order was placed its conversion may wait for a click id (a pixel's beacon). */
  readonly clickWaitMs?: number;
  /** The store apps' own routes (install, admin page, click beacons). */
  readonly routers?: HttpAppOptions['routers'];
  readonly trustProxy?: HttpAppOptions['trustProxy'];
  /** Jobs run periodically beside the workers (the store apps' reconciliation), each with its idle time. */
  readonly jobs?: ReadonlyArray<{ readonly run: () => Promise<number>; readonly idleMs: number }>;
  /**
   * How long processed webhooks (raw payloads, with customers' personal data) and click captures are
   * kept (ms; default 30 days). Platforms redeliver for hours, not weeks, so dedupe does not need more.
   */
  readonly retentionMs?: number;
  /**
   * What the inbox may hold while the database is slow or away, and how long a webhook waits for its
   * commit; past either, webhooks are answered 503 and the platform delivers them again
   * (defaults: DEFAULT_INBOX_LIMITS).
   */
  readonly inbox?: Partial<InboxLimits>;
  /** false: accept webhooks only (benchmarks of the write path). */
  readonly workers?: boolean;
  /** How long close() waits for requests and work under way (ms; default 10 s). */
  readonly shutdownMs?: number;
  /** A platform app's follow-up to an uninstall, once the shop is deactivated. */
  readonly onUninstalled?: (shop: Shop) => Promise<void>;
  /** Each shop's latest click-id share reading (the click-share watch job), for /metrics. */
  readonly clickShareReadings?: () => readonly ClickShareReading[];
}

export interface Relay {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Starts the HTTP server and the background workers: inbox processing, delivery, submission checks. */
export async function startRelay(options: RelayOptions): Promise<Relay> {
  const { store, shops, adapters, logger } = options;
  const metrics = createRelayMetrics(store, { clickShareReadings: options.clickShareReadings });
  const inbox = new InboxWriter(store, options.inbox);
  for (const [name, help, read] of [
    ['cartrelay_inbox_requests', 'Webhook requests under way, not yet answered (bounded: beyond it, 503)', () => inbox.held.requests],
    ['cartrelay_inbox_request_bytes', 'Their declared bodies, in bytes (bounded: beyond it, 503)', () => inbox.held.requestBytes],
    ['cartrelay_inbox_committing', 'Webhooks handed to a commit that has not settled (bounded: beyond it, 503)', () => inbox.held.committing],
  ] as const) {
    new Gauge({ name, help, registers: [metrics.registry], collect() { this.set(read()); } });
  }
  const app = createHttpApp({ store, shops, adapters, inbox, metrics, logger, appSecrets: options.appSecrets, routers: options.routers ?? [], ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}) });

  const processWebhooks = createWebhookProcessor({
    store,
    shops,
    adapters,
    logger,
    ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
    clickWaitMs: options.clickWaitMs ?? 0,
    maxWaitMs: options.retentionMs ?? DEFAULT_RETENTION_MS,
    ...(options.onUninstalled ? { onUninstalled: options.onUninstalled } : {}),
    onProcessed: (outcome) => {
      metrics.processed.inc({ outcome });
      // Processing has just enqueued deliveries: send them now rather than at the next idle poll.
      if (outcome === 'planned') deliveryLoop?.wake();
    },
  });
  const delivery = createDeliveryWorker({
    store,
    shops,
    impact: options.impact,
    logger,
    ...(options.retryPolicy ? { policy: options.retryPolicy } : {}),
    ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
    onAttempt: (d, outcome, seconds) => {
      metrics.deliveryAttempts.inc({ kind: d.kind, outcome });
      metrics.deliverySeconds.observe({ kind: d.kind }, seconds);
    },
  });
  const onError = (error: unknown) => logger.error({ err: error }, 'worker step failed');
  const loops = options.workers === false
    ? []
    : [
        new WorkerLoop(processWebhooks, { idleMs: 200, onError }),
        new WorkerLoop(delivery.deliver, { idleMs: 200, onError }),
        // Checks fall due submissionCheckDelayMs after each delivery; look for due ones at least as often.
        new WorkerLoop(delivery.checkSubmissions, { idleMs: Math.min(5_000, options.retryPolicy?.submissionCheckDelayMs ?? 5_000), onError }),
        // A batch at a time while anything has expired, then hourly.
        new WorkerLoop(() => store.purgeExpired(Date.now() - (options.retentionMs ?? DEFAULT_RETENTION_MS), 500), { idleMs: 3_600_000, onError }),
        ...(options.jobs ?? []).map((job) => new WorkerLoop(job.run, { idleMs: job.idleMs, onError })),
      ];
  const [processingLoop, deliveryLoop] = loops;
  inbox.onStored(() => processingLoop?.wake());

  // Listening first: a port in use (EADDRINUSE) ends the start with that error, before any work begins.
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(options.port, options.host ?? '0.0.0.0', (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  for (const loop of loops) loop.start();
  server.keepAliveTimeout = 65_000;
  const { port } = server.address() as AddressInfo;
  logger.info({ host: options.host ?? '0.0.0.0', port, database: store.dialect }, 'cartrelay relay listening');

  return {
    url: `http://127.0.0.1:${port}`,
    server,
    /**
     * Stops taking requests and work, and waits for what is under way, at most `shutdownMs` (default
     * 10 s): what is still running then (a slow platform's answer, a long reconciliation) is left to
     * its lease, and another process, or this one restarted, does it again.
     */
    async close() {
      const deadline = options.shutdownMs ?? 10_000;
      const finished = async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await Promise.all(loops.map((loop) => loop.stop()));
        await processWebhooks.drain();
      };
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), deadline);
      });
      const outcome = await Promise.race([finished(), late]);
      clearTimeout(timer);
      if (outcome === 'late') {
        logger.warn({ shutdownMs: deadline }, 'shutdown: work still under way is left to its leases');
        server.closeAllConnections();
      }
    },
  };
}
