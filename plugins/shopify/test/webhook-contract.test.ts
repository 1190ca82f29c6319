import { readFileSync } from 'node:fs';
import { describeWebhookContract } from '@cartrelay/core/testing';
import { shopifyPlugin } from '../src/index.ts';
import { shopifyWebhookRequest } from '../src/testing/signed-webhook.ts';

const SECRET = 'webhook-contract-secret';
const SHOP = 'contract-store.myshopify.com';
const order = readFileSync(new URL('../../../examples/payloads/shopify-orders-paid.json', import.meta.url), 'utf8');

describeWebhookContract({
  plugin: shopifyPlugin,
  env: { SHOPIFY_API_SECRET: SECRET },
  shop: { shopKey: SHOP },
  signed: () => shopifyWebhookRequest({ shop: SHOP, topic: 'orders/paid', body: order, apiSecret: SECRET }),
  signatureHeader: 'x-shopify-hmac-sha256',
  unknownTopic: () => shopifyWebhookRequest({ shop: SHOP, topic: 'products/update', body: '{"id":632910392,"title":"IPod Nano - 8GB"}', apiSecret: SECRET }),
});
