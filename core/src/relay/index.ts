export { type DeliveryThreadOptions, startDeliveryThread } from './delivery-thread.ts';
export { createDeliveryWorker } from './delivery-worker.ts';
export { createRelayLogger } from './logger.ts';
export { createHttpApp } from './http-app.ts';
export { InboxWriter } from './inbox-writer.ts';
export { createRelayMetrics } from './metrics.ts';
export { type Relay, type RelayOptions, startRelay } from './relay.ts';
export { createWebhookProcessor } from './webhook-processor.ts';
export { WorkerLoop } from './worker-loop.ts';
