import type { DeliveryOutcome } from './outbox.ts';
import type { ImpactAnswer } from './impact-client.ts';

/**
 * Decides, in one place, what an answer from impact.com means for a delivery: done, try again
 * (when), rejected for good, or dead-lettered after the last attempt.
 */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** When to look at a queued submission's outcome. */
  readonly submissionCheckDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 12,
  baseDelayMs: 2_000,
  maxDelayMs: 30 * 60_000,
  submissionCheckDelayMs: 5 * 60_000,
};

export function decideOutcome(answer: ImpactAnswer, attempts: number, now: number, policy: RetryPolicy, random: () => number): DeliveryOutcome {
  if (answer.kind === 'queued') {
    return { status: 'done', queuedUri: answer.queuedUri, checkAt: answer.queuedUri ? now + policy.submissionCheckDelayMs : null };
  }
  const later = (error: string, notBefore = 0) =>
    ({ status: 'retry', availableAt: Math.max(now + backoffMs(attempts, policy, random), notBefore), error }) as const;
  const retry = (error: string): DeliveryOutcome =>
    attempts >= policy.maxAttempts ? { status: 'dead', error: `${error}; gave up after ${attempts} attempts` } : later(error);
  if (answer.kind === 'network_error') return retry(`network error: ${answer.error}`);
  const { status } = answer;
  // Rate limiting is the account's state, not this delivery's fault: it never counts as an attempt.
  if (status === 429) return { ...later('HTTP 429 rate limited', rateLimitResetAt(answer.headers, now) ?? 0), uncounted: true, wait: 'rate_limited' };
  // 401/403: credentials that may be fixed by the merchant; retried with backoff rather than dropped.
  if (status >= 500 || status === 408 || status === 401 || status === 403) return retry(`HTTP ${status}${answer.body ? `: ${oneLine(answer.body)}` : ''}`);
  return { status: 'rejected', error: `HTTP ${status}: ${oneLine(answer.body)}` };
}

/** Exponential backoff with full jitter: a random delay up to base × 2^(attempt−1), capped. */
export function backoffMs(attempts: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.max(policy.baseDelayMs / 2, Math.round(random() * ceiling));
}

/**
 * The earliest time a rate-limited account may send again: `Retry-After` (seconds or an HTTP date) or
 * `X-RateLimit-Reset` (epoch seconds, or seconds from now when small).
 */
export function rateLimitResetAt(headers: Readonly<Record<string, string>>, now: number): number | null {
  const retryAfter = headers['retry-after'];
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return now + seconds * 1000;
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return date;
  }
  const reset = Number(headers['x-ratelimit-reset']);
  if (Number.isFinite(reset) && reset > 0) return reset > 1e9 ? reset * 1000 : now + reset * 1000;
  return null;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 500);
}
