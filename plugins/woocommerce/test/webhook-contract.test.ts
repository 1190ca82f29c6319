import { readFileSync } from 'node:fs';
import { describeWebhookContract } from '@cartrelay/core/testing';
import { woocommercePlugin } from '../src/index.ts';
import { woocommerceWebhookRequest } from '../src/testing/signed-webhook.ts';

const SITE = 'https://contract-shop.example';
const SECRET = 'webhook-contract-secret';
const order = readFileSync(new URL('./fixtures/order-updated.json', import.meta.url), 'utf8');

describeWebhookContract({
  plugin: woocommercePlugin,
  env: {},
  shop: { shopKey: SITE, credentials: { webhookSecret: SECRET } },
  signed: () => woocommerceWebhookRequest({ site: SITE, topic: 'order.updated', body: order, secret: SECRET }),
  signatureHeader: 'x-wc-webhook-signature',
  unknownTopic: () => woocommerceWebhookRequest({ site: SITE, topic: 'product.updated', body: '{"id":799,"name":"Ship Your Idea"}', secret: SECRET }),
});
