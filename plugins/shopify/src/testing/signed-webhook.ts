import { createHmac, randomUUID } from 'node:crypto';

/** A webhook request as Shopify sends it, signed with the app's API secret (for tests, the demo and the benchmark). */
export function shopifyWebhookRequest(input: { shop: string; topic: string; body: string; apiSecret: string; eventId?: string }) {
  return {
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': input.topic,
      'x-shopify-shop-domain': input.shop,
      'x-shopify-api-version': '2026-07',
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-event-id': input.eventId ?? randomUUID(),
      'x-shopify-triggered-at': new Date().toISOString(),
      'x-shopify-hmac-sha256': createHmac('sha256', input.apiSecret).update(input.body).digest('base64'),
    },
    body: input.body,
  };
}
