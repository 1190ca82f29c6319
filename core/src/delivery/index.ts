export { type ImpactAnswer, type ImpactClient, type ImpactCredentials, type ImpactRequest, type SubmissionAnswer, createImpactClient } from './impact-client.ts';
export { DEFAULT_RETRY_POLICY, type RetryPolicy, backoffMs, decideOutcome, rateLimitResetAt } from './retry-policy.ts';
