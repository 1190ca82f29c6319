import type { DeliveryWait, RecordedOutcome } from './outbox.ts';

/**
 * The waits a change to the shop ends (it was installed again, or its impact.com connection saved):
 * such deliveries are due at once. A delivery scheduled for later keeps its time (impact.com asks that
 * a test action be reversed no sooner than an hour after it), and so does a rate limit, which is the
 * account's and not the shop's.
 */
export const ENDED_BY_SHOP_CHANGE: readonly DeliveryWait[] = ['shop_inactive', 'not_connected', 'retry_backoff'];

/** What a delivery put back in the queue waits for; null when its outcome ends it (done, rejected, dead). */
export function deliveryWaitOf(recorded: RecordedOutcome): DeliveryWait | null {
  if ('held' in recorded) return recorded.held.wait ?? 'shop_inactive';
  if (recorded.outcome.status !== 'retry') return null;
  return recorded.outcome.wait ?? 'retry_backoff';
}
