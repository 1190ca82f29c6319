export { type ImpactAnswer, type ImpactClient, type ImpactCredentials, type ImpactRequest, type SubmissionAnswer, createImpactClient } from './impact-client.ts';
export { DEFAULT_RETRY_POLICY, type RetryPolicy, backoffMs, decideOutcome, rateLimitResetAt } from './retry-policy.ts';
export { ENDED_BY_SHOP_CHANGE, deliveryWaitOf } from './delivery-wait.ts';
export type {
  DeliveryAttempt,
  DeliveryListing,
  DeliveryOutbox,
  DeliveryOutcome,
  DeliveryRow,
  DeliveryStatus,
  DeliveryWait,
  RecordedOutcome,
  SubmissionCheck,
} from './outbox.ts';
