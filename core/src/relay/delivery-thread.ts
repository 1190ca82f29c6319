import { Worker } from 'node:worker_threads';
import type { RetryPolicy } from '../delivery/retry-policy.ts';
import type { StoreLocation } from '../store/open-store.ts';

/** What the delivery thread needs to open its own store and reach impact.com. */
export interface DeliveryThreadOptions {
  readonly location: StoreLocation;
  /** The key that opens the shops' sealed credentials, as hex. */
  readonly secretKeyHex: string;
  readonly impactBaseUrl: string;
  readonly logLevel: string;
  readonly leaseMs?: number;
  readonly retryPolicy?: RetryPolicy;
}

export interface DeliveryThread {
  wake(): void;
  stop(): Promise<void>;
}

/** Starts deliveries on a thread of their own; resolves once it is running. */
export async function startDeliveryThread(
  options: DeliveryThreadOptions,
  onAttempt: (kind: string, outcome: string, seconds: number) => void,
): Promise<DeliveryThread> {
  const worker = new Worker(new URL('./delivery-thread-main.ts', import.meta.url), { workerData: options });
  let stopped: () => void = () => undefined;
  await new Promise<void>((resolve, reject) => {
    worker.on('message', (message: { type: string; kind?: string; outcome?: string; seconds?: number }) => {
      if (message.type === 'ready') resolve();
      else if (message.type === 'attempt') onAttempt(message.kind!, message.outcome!, message.seconds!);
      else if (message.type === 'stopped') stopped();
    });
    worker.once('error', reject);
  });
  return {
    wake: () => worker.postMessage('wake'),
    async stop() {
      await new Promise<void>((resolve) => {
        stopped = resolve;
        worker.postMessage('stop');
      });
      await worker.terminate();
    },
  };
}
