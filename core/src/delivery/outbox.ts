import type { DeliveryKind, PlannedDelivery } from '../ledger/order-lifecycle.ts';
import type { ConversionFields } from '../mapping/conversion.ts';

/**
 * The delivery outbox: what is to be sent to impact.com, claimed with a lease by the delivery worker,
 * an order's deliveries one at a time in planned order (ADR 4). One of the store's ports (ADR 9); its
 * battery: core/src/testing/outbox-contract.ts. An order's deliveries are enqueued by the ledger, in
 * the transaction that plans them (OrderLedger); deliveries of no order (test actions) here.
 */
export interface DeliveryOutbox {
  /** Enqueues deliveries that belong to no order (test actions and their scheduled reversal). */
  enqueueDeliveries(shopId: number, deliveries: ReadonlyArray<PlannedDelivery & { availableAt: number }>, now: number): Promise<number[]>;
  /** Leases deliveries that are due; a delivery waits while an earlier one of the same order is unfinished. */
  claimDeliveries(limit: number, leaseMs: number, now: number): Promise<DeliveryRow[]>;
  /** Records attempts and their outcomes, in one transaction. */
  recordDeliveryOutcomes(outcomes: readonly RecordedOutcome[]): Promise<void>;
  /** Leases delivered submissions whose impact.com processing result is due to be checked. */
  claimSubmissionChecks(limit: number, leaseMs: number, now: number): Promise<DeliveryRow[]>;
  recordSubmissionCheck(id: number, check: SubmissionCheck): Promise<void>;
  /**
   * Makes due now the shop's deliveries that wait for what a reinstall or a reconnection ends (held for
   * an inactive or unconnected shop, or backing off after a failure: ENDED_BY_SHOP_CHANGE); a delivery
   * scheduled for later (a test action's reversal) and a rate limit keep their time. An order's
   * deliveries still go one at a time. Returns how many.
   */
  releaseDeliveries(shopId: number, now: number): Promise<number>;
  /** Puts dead-lettered deliveries back in the queue; returns how many. */
  requeueDeadDeliveries(shopId: number | null, now: number): Promise<number>;
}

/**
 * What a pending delivery waits for, besides the time it was planned for:
 * - `shop_inactive`: its shop was uninstalled when it came up (held, not sent);
 * - `not_connected`: its shop had no impact.com credentials (held, not sent);
 * - `rate_limited`: impact.com rate-limited the account (held, or answered 429), until the limit resets;
 * - `retry_backoff`: it failed (5xx, 401/403, a network error) and waits out its backoff.
 * A delivery that waits for nothing but its time (a test action's reversal, due an hour after its
 * conversion) or for an earlier submission's check has none.
 */
export type DeliveryWait = 'shop_inactive' | 'not_connected' | 'rate_limited' | 'retry_backoff';

export type DeliveryStatus = 'pending' | 'inflight' | 'done' | 'rejected' | 'dead';

export interface DeliveryRow {
  readonly id: number;
  readonly shopId: number;
  readonly orderRef: number | null;
  readonly kind: DeliveryKind;
  readonly method: 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly fields: ConversionFields;
  readonly attempts: number;
  readonly queuedUri: string | null;
}

/** What came of a claimed delivery: an attempt and its outcome, or a hold (nothing was sent). */
export type RecordedOutcome =
  | { readonly id: number; readonly outcome: DeliveryOutcome; readonly attempt: DeliveryAttempt }
  /**
   * Not sent (its shop inactive or not connected, its account rate-limited): back in the queue, the
   * claim's attempt given back. `wait`: what it waits for (default `shop_inactive`).
   */
  | { readonly id: number; readonly held: { readonly until: number; readonly reason: string; readonly wait?: Exclude<DeliveryWait, 'retry_backoff'> } };

export type DeliveryOutcome =
  | { readonly status: 'done'; readonly queuedUri: string | null; readonly checkAt: number | null }
  /**
   * `uncounted`: the answer was no fault of this delivery (429): the attempt is given back. `wait`: what
   * it waits for (default `retry_backoff`; `rate_limited` after a 429).
   */
  | { readonly status: 'retry'; readonly availableAt: number; readonly error: string; readonly uncounted?: boolean; readonly wait?: 'retry_backoff' | 'rate_limited' }
  | { readonly status: 'rejected'; readonly error: string }
  | { readonly status: 'dead'; readonly error: string };

export interface DeliveryAttempt {
  readonly attemptedAt: number;
  readonly durationMs: number;
  readonly httpStatus: number | null;
  readonly detail: string;
}

export type SubmissionCheck =
  | { readonly status: 'pending'; readonly checkAt: number }
  | { readonly status: 'complete' }
  | { readonly status: 'error'; readonly errors: readonly unknown[] }
  /** impact.com has no record of the submission: its outcome cannot be known any more. */
  | { readonly status: 'unknown' };

/** A delivery as the merchant and the operator see it (the read side: RelayQueries.listDeliveries). */
export interface DeliveryListing extends DeliveryRow {
  readonly status: DeliveryStatus;
  /** When a pending delivery is due (a test action's reversal: an hour on). */
  readonly availableAt: number;
  readonly lastError: string | null;
  readonly submissionStatus: string | null;
  readonly submissionErrors: readonly unknown[] | null;
  readonly createdAt: number;
  readonly completedAt: number | null;
  readonly attemptLog: readonly DeliveryAttempt[];
}
