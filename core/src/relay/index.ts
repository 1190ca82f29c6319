export { createDeliveryWorker } from './delivery-worker.ts';
export { createHttpApp } from './http-app.ts';
export { InboxWriter } from './inbox-writer.ts';
export { createRelayMetrics } from './metrics.ts';
export { DEFAULT_RETENTION_MS, type Relay, type RelayOptions, startRelay } from './relay.ts';
export { createWebhookProcessor } from './webhook-processor.ts';
export { WorkerLoop } from './worker-loop.ts';
