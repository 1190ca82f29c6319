import { createHmac, randomBytes } from 'node:crypto';

/** A webhook request as WooCommerce sends it, signed with the webhook's secret (for tests and the demo). */
export function woocommerceWebhookRequest(input: { site: string; topic: string; body: string; secret: string; webhookId?: number }) {
  const [resource, event] = input.topic.split('.');
  return {
    headers: {
      'content-type': 'application/json',
      'user-agent': 'WooCommerce/9.0.0 Hookshot (WordPress/6.5)',
      'x-wc-webhook-source': input.site.endsWith('/') ? input.site : `${input.site}/`,
      'x-wc-webhook-topic': input.topic,
      'x-wc-webhook-resource': resource ?? '',
      'x-wc-webhook-event': event ?? '',
      'x-wc-webhook-id': String(input.webhookId ?? 1),
      'x-wc-webhook-delivery-id': randomBytes(16).toString('hex'),
      'x-wc-webhook-signature': createHmac('sha256', input.secret).update(input.body).digest('base64'),
    },
    body: input.body,
  };
}
