/**
 * The delivery thread's entry: its own store connection, sending due deliveries to impact.com and
 * checking submissions, so that sending does not compete with processing for the main thread.
 * Messages in: 'wake', 'stop'. Out: {type:'ready'}, {type:'attempt', kind, outcome, seconds}, {type:'stopped'}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createSecretBox } from '../crypto/secret-box.ts';
import { createImpactClient } from '../delivery/impact-client.ts';
import { ShopDirectory } from '../shops/shop-directory.ts';
import { openStore } from '../store/open-store.ts';
import { createDeliveryWorker } from './delivery-worker.ts';
import type { DeliveryThreadOptions } from './delivery-thread.ts';
import { createRelayLogger } from './logger.ts';
import { WorkerLoop } from './worker-loop.ts';

const options = workerData as DeliveryThreadOptions;
const port = parentPort!;
const logger = createRelayLogger(options.logLevel, { thread: 'delivery' });
const store = await openStore(options.location, { inboxThread: false });
const shops = new ShopDirectory(store, createSecretBox(Buffer.from(options.secretKeyHex, 'hex')));
const worker = createDeliveryWorker({
  store,
  shops,
  impact: createImpactClient({ baseUrl: options.impactBaseUrl }),
  logger,
  ...(options.retryPolicy ? { policy: options.retryPolicy } : {}),
  ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
  onAttempt: (delivery, outcome, seconds) => port.postMessage({ type: 'attempt', kind: delivery.kind, outcome, seconds }),
});
const onError = (error: unknown) => logger.error({ err: error }, 'delivery step failed');
const deliverLoop = new WorkerLoop(worker.deliver, { idleMs: 200, onError });
const checkLoop = new WorkerLoop(worker.checkSubmissions, { idleMs: 5_000, onError });
deliverLoop.start();
checkLoop.start();

port.on('message', async (message: string) => {
  if (message === 'wake') deliverLoop.wake();
  if (message === 'stop') {
    await Promise.all([deliverLoop.stop(), checkLoop.stop()]);
    await store.close();
    port.postMessage({ type: 'stopped' });
  }
});
port.postMessage({ type: 'ready' });
