import { describeWebhookContract } from '@cartrelay/core/testing';
import { bigcommercePlugin } from '../src/index.ts';
import { bigcommerceWebhookRequest } from '../src/testing/signed-webhook.ts';

const CLIENT_SECRET = 'webhook-contract-client-secret';
const STORE = 'abc123';

describeWebhookContract({
  plugin: bigcommercePlugin,
  env: { BIGCOMMERCE_CLIENT_SECRET: CLIENT_SECRET },
  shop: { shopKey: STORE, credentials: { accessToken: 'token' } },
  // Standard Webhooks, signed with the app's client secret.
  signed: () => bigcommerceWebhookRequest({ storeHash: STORE, scope: 'store/order/statusUpdated', orderId: 218, auth: { clientSecret: CLIENT_SECRET } }),
  signatureHeader: 'webhook-signature',
  unknownTopic: () => bigcommerceWebhookRequest({ storeHash: STORE, scope: 'store/product/updated', orderId: 77, auth: { clientSecret: CLIENT_SECRET } }),
});
