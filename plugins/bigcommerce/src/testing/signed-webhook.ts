import { createHash, createHmac, randomUUID } from 'node:crypto';

/**
 * A BigCommerce order webhook: `{scope, store_id, data: {type, id}, hash, created_at, producer}`,
 * signed with Standard Webhooks headers (key = the app's client secret) or carrying the store secret header.
 */
export function bigcommerceWebhookRequest(input: {
  storeHash: string;
  scope: string;
  orderId: number;
  auth: { clientSecret: string } | { storeSecret: string };
  at?: number;
  extraData?: Record<string, unknown>;
}) {
  const at = input.at ?? Date.now();
  const data = { type: 'order', id: input.orderId, ...input.extraData };
  const body = JSON.stringify({
    scope: input.scope,
    store_id: '1025646',
    data,
    hash: createHash('sha1').update(JSON.stringify({ scope: input.scope, data, at })).digest('hex'),
    created_at: Math.floor(at / 1000),
    producer: `stores/${input.storeHash}`,
  });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if ('clientSecret' in input.auth) {
    const id = `msg_${randomUUID()}`;
    const timestamp = String(Math.floor(at / 1000));
    headers['webhook-id'] = id;
    headers['webhook-timestamp'] = timestamp;
    headers['webhook-signature'] = `v1,${createHmac('sha256', input.auth.clientSecret).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
  } else {
    headers['x-cartrelay-webhook-secret'] = input.auth.storeSecret;
  }
  return { headers, body };
}
