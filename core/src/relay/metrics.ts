import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ShopRecords } from '../shops/shop-records.ts';
import type { RelayQueries } from '../store/relay-queries.ts';
import type { ClickShareReading } from './click-share-watch.ts';

/** The relay's Prometheus metrics, in a registry of its own (so tests can run several relays). */
export function createRelayMetrics(
  store: Pick<RelayQueries, 'queueDepth'> & Pick<ShopRecords, 'listShops'>,
  sources: { readonly clickShareReadings?: (() => readonly ClickShareReading[]) | undefined } = {},
) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cartrelay_' });
  return {
    registry,
    webhooks: new Counter({
      name: 'cartrelay_webhooks_total',
      help: 'Webhooks received, by platform, topic and outcome (stored, duplicate, rejected_401, …)',
      labelNames: ['platform', 'topic', 'outcome'] as const,
      registers: [registry],
    }),
    ackSeconds: new Histogram({
      name: 'cartrelay_webhook_ack_seconds',
      help: 'Time from request to acknowledgement, durable write included',
      labelNames: ['platform'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    processed: new Counter({
      name: 'cartrelay_webhooks_processed_total',
      help: 'Stored webhooks processed, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    deliveryAttempts: new Counter({
      name: 'cartrelay_delivery_attempts_total',
      help: 'Attempts to deliver to impact.com, by kind and outcome',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
    deliverySeconds: new Histogram({
      name: 'cartrelay_delivery_seconds',
      help: 'impact.com request latency',
      labelNames: ['kind'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'cartrelay_queue_depth',
      help: 'Items waiting: webhooks to process, deliveries to send, dead-lettered deliveries',
      labelNames: ['queue'] as const,
      registers: [registry],
      async collect() {
        const depth = await store.queueDepth();
        this.set({ queue: 'webhooks' }, depth.webhooks);
        this.set({ queue: 'deliveries' }, depth.deliveries);
        this.set({ queue: 'dead' }, depth.dead);
      },
    }),
    shopsNeedingMerchant: new Gauge({
      name: 'cartrelay_shops_access_lost',
      help: 'Installed shops whose platform refused the app’s credentials for good (a revoked refresh token…): the merchant must open the app',
      labelNames: ['platform'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const shop of await store.listShops()) if (shop.active && shop.accessProblem) this.inc({ platform: shop.platform });
      },
    }),
    clickIdShareDrop: new Gauge({
      name: 'cartrelay_click_id_share_drop',
      help: 'Shops whose share of orders attributed by click id fell below half of its own level (1) or not (0), evaluated daily: a storefront may be losing the click id',
      labelNames: ['platform', 'shop'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const reading of sources.clickShareReadings?.() ?? []) this.set({ platform: reading.platform, shop: reading.shop }, reading.dropped ? 1 : 0);
      },
    }),
  };
}

export type RelayMetrics = ReturnType<typeof createRelayMetrics>;
