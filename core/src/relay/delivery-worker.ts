import type { Logger } from 'pino';
import type { ImpactClient } from '../delivery/impact-client.ts';
import type { DeliveryOutbox, DeliveryRow, RecordedOutcome } from '../delivery/outbox.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, decideOutcome, rateLimitResetAt } from '../delivery/retry-policy.ts';
import type { ShopDirectory } from '../shops/shop-directory.ts';
import { GroupCommit } from './group-commit.ts';

export interface DeliveryWorkerOptions {
  readonly store: DeliveryOutbox;
  readonly shops: ShopDirectory;
  readonly impact: ImpactClient;
  readonly logger: Logger;
  readonly policy?: RetryPolicy;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly batchSize?: number;
  /**
   * Requests to impact.com in flight at once. 16 lanes at impact.com's usual 100-300 ms are 50-160
   * requests/s per process, far above its 1,000 requests/hour per account; 32 bought no speed against
   * a loopback fake either, and every request in flight holds memory.
   */
  readonly concurrency?: number;
  readonly leaseMs?: number;
  readonly onAttempt?: (delivery: DeliveryRow, outcome: string, seconds: number) => void;
}

/**
 * Sends due deliveries to impact.com and records what came of each attempt; then checks queued
 * submissions for errors impact.com found later (contract errors). A rate-limited account is held
 * back as a whole; other shops go on.
 */
export function createDeliveryWorker(options: DeliveryWorkerOptions): { deliver: () => Promise<number>; checkSubmissions: () => Promise<number> } {
  const { store, shops, impact, logger } = options;
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const batchSize = options.batchSize ?? 128;
  const concurrency = options.concurrency ?? 16;
  const leaseMs = options.leaseMs ?? 30_000;
  const pausedUntil = new Map<number, number>();
  // Outcomes finishing together share one transaction; each is recorded before its lane moves on.
  const outcomes = new GroupCommit<RecordedOutcome, void>(
    async (batch) => {
      await store.recordDeliveryOutcomes(batch);
      return batch.map(() => undefined);
    },
    { lingerMs: 5 },
  );

  /** Sends one delivery; resolves once sent, with the promise of its outcome being recorded. */
  async function deliverOne(delivery: DeliveryRow): Promise<{ recorded: Promise<void> }> {
    const started = now();
    const shop = await shops.get(delivery.shopId);
    const paused = pausedUntil.get(delivery.shopId) ?? 0;
    if (!shop?.active || !shop.impact || paused > started) {
      // Not sent: held back until the shop is active (reinstalled) and connected again, or its account's rate limit resets.
      const until = paused > started ? paused : started + 3_600_000;
      const [wait, reason] = !shop?.active
        ? (['shop_inactive', 'shop inactive'] as const)
        : !shop.impact
          ? (['not_connected', 'impact.com account not connected'] as const)
          : (['rate_limited', 'account rate-limited'] as const);
      return { recorded: outcomes.submit({ id: delivery.id, held: { until, reason, wait } }) };
    }
    const answer = await impact.send(delivery, shop.impact);
    const finished = now();
    const outcome = decideOutcome(answer, delivery.attempts, finished, policy, random);
    if (answer.kind === 'http_error' && answer.status === 429) {
      pausedUntil.set(delivery.shopId, rateLimitResetAt(answer.headers, finished) ?? finished + 60_000);
    }
    const recorded = outcomes.submit({
      id: delivery.id,
      outcome,
      attempt: {
        attemptedAt: started,
        durationMs: finished - started,
        httpStatus: answer.kind === 'network_error' ? null : answer.status,
        detail: answer.kind === 'queued' ? `QUEUED ${answer.queuedUri ?? ''}`.trim() : answer.kind === 'network_error' ? answer.error : answer.body.slice(0, 1000),
      },
    });
    options.onAttempt?.(delivery, outcome.status, (finished - started) / 1000);
    const context = { shopId: delivery.shopId, deliveryId: delivery.id, kind: delivery.kind, orderId: delivery.fields.OrderId };
    if (outcome.status !== 'done') logger.warn({ ...context, outcome }, 'delivery not accepted');
    // Ids only (the fields name customers): one line per delivery impact.com took.
    else logger.info({ ...context, queuedUri: answer.kind === 'queued' ? answer.queuedUri : null }, 'delivered to impact.com');
    return { recorded };
  }

  return {
    async deliver() {
      const deliveries = await store.claimDeliveries(batchSize, leaseMs, now());
      let next = 0;
      // A lane moves on once a request is answered; outcomes are committed together in the background,
      // and the batch is done only when all are recorded.
      const recorded: Array<Promise<void>> = [];
      const failed = (delivery: DeliveryRow) => (error: unknown) =>
        logger.error({ err: error, deliveryId: delivery.id }, 'delivery failed unexpectedly; its lease will run out and it will be tried again');
      const lanes = Array.from({ length: Math.min(concurrency, deliveries.length) }, async () => {
        while (next < deliveries.length) {
          const delivery = deliveries[next++]!;
          try {
            recorded.push((await deliverOne(delivery)).recorded.catch(failed(delivery)));
          } catch (error) {
            failed(delivery)(error);
          }
        }
      });
      await Promise.all(lanes);
      await Promise.all(recorded);
      return deliveries.length;
    },

    async checkSubmissions() {
      const due = await store.claimSubmissionChecks(batchSize, leaseMs, now());
      for (const delivery of due) {
        const shop = await shops.get(delivery.shopId);
        if (!shop?.impact || !delivery.queuedUri) continue;
        const answer = await impact.getSubmission(delivery.queuedUri, shop.impact);
        if (answer.kind === 'complete') await store.recordSubmissionCheck(delivery.id, { status: 'complete' });
        else if (answer.kind === 'error') {
          await store.recordSubmissionCheck(delivery.id, { status: 'error', errors: answer.errors });
          logger.warn({ shopId: delivery.shopId, deliveryId: delivery.id, errors: answer.errors }, 'impact.com reported errors for a submission');
        } else if (answer.kind === 'not_found' || answer.kind === 'not_followed') {
          // Never checkable again: stop asking, and let the order's next change go out.
          await store.recordSubmissionCheck(delivery.id, { status: 'unknown' });
          const context = { shopId: delivery.shopId, deliveryId: delivery.id, queuedUri: delivery.queuedUri };
          if (answer.kind === 'not_found') logger.warn(context, 'impact.com has no record of this submission');
          else logger.error({ ...context, error: answer.error }, 'impact.com gave a submission address outside its base URL: not followed');
        } else await store.recordSubmissionCheck(delivery.id, { status: 'pending', checkAt: now() + policy.submissionCheckDelayMs });
      }
      return due.length;
    },
  };
}
