import { readJsonFixture } from '@cartrelay/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBigCommerceWebhooks } from '../src/index.ts';
import { type FakeBigCommerce, startFakeBigCommerce } from '../src/testing/fake-bigcommerce.ts';
import { bigcommerceWebhookRequest } from '../src/testing/signed-webhook.ts';

const raw = (request: { headers: Record<string, string>; body: string }, receivedAt = Date.now()) => ({ headers: request.headers, body: Buffer.from(request.body), receivedAt });
const fixture = (name: string) => readJsonFixture(new URL(`./fixtures/${name}.json`, import.meta.url));

describe('BigCommerce webhook receiver', () => {
  let api: FakeBigCommerce;
  let webhooks: ReturnType<typeof createBigCommerceWebhooks>;
  beforeAll(async () => {
    api = await startFakeBigCommerce({ tokens: { abc123: 'token' } });
    webhooks = createBigCommerceWebhooks({ apiBaseUrl: api.url });
  });
  afterAll(() => api.close());

  it('identifies the store from producer, and the delivery from scope and hash', () => {
    const body = JSON.stringify(fixture('webhook-store-order-created'));
    const identity = webhooks.identify(raw({ headers: {}, body: body.replace('{store_hash}', 'ABC123') }));
    expect(identity).toEqual({ ok: true, value: { kind: 'delivery', shopKey: 'abc123', topic: 'store/order/created', deliveryId: 'store/order/created:dd70c0976e06b67aaf671e73f49dcb79230ebf9d' } });
    expect(webhooks.identify(raw({ headers: {}, body: '{"scope":' }))).toMatchObject({ ok: false, error: { status: 400 } });
  });

  it('verifies Standard Webhooks signatures with the client secret, within five minutes', () => {
    const at = Date.now();
    const request = bigcommerceWebhookRequest({ storeHash: 'abc123', scope: 'store/order/created', orderId: 250, auth: { clientSecret: 'client-secret' }, at });
    expect(webhooks.verify(raw(request, at), { appSecret: 'client-secret', shopSecret: null }).ok).toBe(true);
    expect(webhooks.verify(raw(request, at), { appSecret: 'another', shopSecret: null })).toMatchObject({ ok: false, error: { status: 401 } });
    expect(webhooks.verify(raw(request, at + 6 * 60_000), { appSecret: 'client-secret', shopSecret: null })).toMatchObject({ ok: false, error: { reason: 'webhook-timestamp is too old or in the future' } });
  });

  it('accepts the per-store secret header on hooks without signatures', () => {
    const request = bigcommerceWebhookRequest({ storeHash: 'abc123', scope: 'store/order/created', orderId: 250, auth: { storeSecret: 'store-secret' } });
    expect(webhooks.verify(raw(request), { appSecret: null, shopSecret: 'store-secret' }).ok).toBe(true);
    expect(webhooks.verify(raw(request), { appSecret: null, shopSecret: 'other' }).ok).toBe(false);
    expect(webhooks.verify(raw({ headers: {}, body: request.body }), { appSecret: null, shopSecret: 'store-secret' }).ok).toBe(false);
  });

  it('interprets order scopes, the refund scope included, as an order to fetch', () => {
    for (const name of ['webhook-store-order-created', 'webhook-store-order-statusUpdated', 'webhook-store-order-refund-created']) {
      const payload = fixture(name);
      expect(webhooks.interpret(payload.scope, payload)).toEqual({ ok: true, value: { kind: 'order_reference', platformOrderId: '250' } });
    }
    expect(webhooks.interpret('store/product/updated', {})).toMatchObject({ ok: true, value: { kind: 'ignored' } });
  });

  it('fetches and normalizes the order, its products and coupons (204 when none)', async () => {
    api.setOrder('abc123', { order: { ...fixture('v2-order'), id: 250, status_id: 11 }, products: fixture('v2-order-products'), coupons: [] });
    const order = await webhooks.fetchOrder!({ shopKey: 'abc123', accessToken: 'token' }, '250');
    expect(order.ok && order.value).toMatchObject({ id: '250', paymentState: 'paid', discountCodes: [] });
    expect(await webhooks.fetchOrder!({ shopKey: 'abc123', accessToken: 'wrong' }, '250')).toMatchObject({ ok: false, error: expect.stringMatching(/HTTP 401/) });
    expect(await webhooks.fetchOrder!({ shopKey: 'abc123', accessToken: null }, '250')).toMatchObject({ ok: false });
  });
});
