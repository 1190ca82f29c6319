/**
 * When a stored webhook that could not be processed is looked at again: the one policy for
 * processing, as decideOutcome (core/src/delivery/retry-policy.ts) is for delivery.
 */

/**
 * A webhook that failed (a fetch from the platform, an error while applying it, anything thrown):
 * every failure counts, backing off from 5 s to an hour, and the webhook is dead-lettered (status
 * failed) at the attempt limit, alone.
 */
export function processingRetry(
  attempts: number,
  maxAttempts: number,
  now: number,
  reason: string,
): { readonly kind: 'retry'; readonly outcome: string; readonly availableAt: number } | { readonly kind: 'finish'; readonly status: 'failed'; readonly outcome: string } {
  if (attempts >= maxAttempts) return { kind: 'finish', status: 'failed', outcome: `given up after ${attempts} attempts: ${reason}` };
  return { kind: 'retry', outcome: reason, availableAt: now + Math.min(3_600_000, 5_000 * 2 ** attempts) };
}

/**
 * A webhook waiting for its shop (installed again, configured), which no failure counts against: a
 * reinstall or a saved configuration releases it at once, and this recheck covers a change made
 * while it was in hand — every 5 minutes, then hourly once it is an hour old.
 */
export function waitingRecheckAt(receivedAt: number, now: number): number {
  return now + (now - receivedAt > 3_600_000 ? 3_600_000 : 300_000);
}
