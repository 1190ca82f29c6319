export { constantTimeEqual, hmacSha256Base64 } from './signatures.ts';
export type { OrderInsights, PlatformAccess, PlatformBusy, PlatformCredentials, RawWebhook, WebhookEvent, WebhookIdentity, WebhookReceiver, WebhookRejection, WebhookSecrets } from './webhook-receiver.ts';
export { pickHeaders, readCredentials } from './webhook-receiver.ts';
export type { InboxOutcome, NewWebhook, WebhookInbox, WebhookRow } from './inbox.ts';
export { processingRetry, waitingRecheckAt } from './processing-retry.ts';
