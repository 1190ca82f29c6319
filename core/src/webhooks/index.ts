export { constantTimeEqual, hmacSha256Base64 } from './signatures.ts';
export type { OrderInsights, PlatformAccess, RawWebhook, WebhookEvent, WebhookIdentity, WebhookReceiver, WebhookRejection, WebhookSecrets } from './webhook-receiver.ts';
