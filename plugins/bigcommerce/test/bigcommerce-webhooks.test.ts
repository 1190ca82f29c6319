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
    expect(identity).toEqual({
      ok: true,
      value: { kind: 'delivery', shopKey: 'abc123', topic: 'store/order/created', deliveryId: 'store/order/created:dd70c0976e06b67aaf671e73f49dcb79230ebf9d:1561479335' },
    });
    expect(webhooks.identify(raw({ headers: {}, body: '{"scope":' }))).toMatchObject({ ok: false, error: { status: 400 } });
  });

  it('tells a retry (same hash and time) from a second event with the same data (same hash, later)', () => {
    const payload = { ...fixture('webhook-store-order-statusUpdated'), producer: 'stores/abc123' };
    const idOf = (body: unknown) => {
      const identity = webhooks.identify(raw({ headers: {}, body: JSON.stringify(body) }));
      return identity.ok && identity.value.kind === 'delivery' ? identity.value.deliveryId : null;
    };
    expect(idOf(payload)).toBe(idOf({ ...payload }));
    expect(idOf({ ...payload, created_at: payload.created_at + 60 })).not.toBe(idOf(payload));
  });

  it('verifies Standard Webhooks signatures with the client secret, within five minutes', () => {
    const at = Date.now();
    const request = bigcommerceWebhookRequest({ storeHash: 'abc123', scope: 'store/order/created', orderId: 250, auth: { clientSecret: 'client-secret' }, at });
    expect(webhooks.verify(raw(request, at), { appSecret: 'client-secret', credentials: null }).ok).toBe(true);
    expect(webhooks.verify(raw(request, at), { appSecret: 'another', credentials: null })).toMatchObject({ ok: false, error: { status: 401 } });
    expect(webhooks.verify(raw(request, at + 6 * 60_000), { appSecret: 'client-secret', credentials: null })).toMatchObject({ ok: false, error: { reason: 'webhook-timestamp is too old or in the future' } });
  });

  it('takes the store’s header as proof even beside a signature too old to check (a retry hours later)', () => {
    const at = Date.now() - 6 * 3_600_000;
    const signed = bigcommerceWebhookRequest({ storeHash: 'abc123', scope: 'store/order/created', orderId: 250, auth: { clientSecret: 'client-secret' }, at });
    const request = { ...signed, headers: { ...signed.headers, 'x-cartrelay-webhook-secret': 'store-secret' } };
    const credentials = { accessToken: 'token', webhookSecret: 'store-secret' };
    expect(webhooks.verify(raw(request), { appSecret: 'client-secret', credentials }).ok).toBe(true);
    expect(webhooks.verify(raw(request), { appSecret: 'client-secret', credentials: { ...credentials, webhookSecret: 'other' } })).toMatchObject({ ok: false, error: { status: 401 } });
  });

  it('accepts the per-store secret header on hooks without signatures', () => {
    const request = bigcommerceWebhookRequest({ storeHash: 'abc123', scope: 'store/order/created', orderId: 250, auth: { storeSecret: 'store-secret' } });
    expect(webhooks.verify(raw(request), { appSecret: null, credentials: { accessToken: 'token', webhookSecret: 'store-secret' } }).ok).toBe(true);
    expect(webhooks.verify(raw(request), { appSecret: null, credentials: { accessToken: 'token', webhookSecret: 'other' } }).ok).toBe(false);
    expect(webhooks.verify(raw({ headers: {}, body: request.body }), { appSecret: null, credentials: { accessToken: 'token', webhookSecret: 'store-secret' } }).ok).toBe(false);
  });

  it('interprets order scopes, the refund scope included, as an order to fetch', () => {
    for (const name of ['webhook-store-order-created', 'webhook-store-order-statusUpdated', 'webhook-store-order-refund-created']) {
      const payload = fixture(name);
      expect(webhooks.interpret(payload.scope, payload)).toEqual({ ok: true, value: { kind: 'order_reference', platformOrderId: '250' } });
    }
    expect(webhooks.interpret('store/product/updated', {})).toMatchObject({ ok: true, value: { kind: 'ignored' } });
  });

  it('reads a converted cart as its order, with the cart the checkout script named', () => {
    const converted = { scope: 'store/cart/converted', data: { type: 'cart', id: '7e48f7ef-2e88-4817-aea4-b0ed01490114', orderId: 252 } };
    expect(webhooks.interpret(converted.scope, converted)).toEqual({
      ok: true,
      value: { kind: 'order_reference', platformOrderId: '252', checkoutToken: '7e48f7ef-2e88-4817-aea4-b0ed01490114' },
    });
  });

  it('fetches nothing for an order moved to Incomplete (an abandoned checkout)', () => {
    const payload = fixture('webhook-store-order-statusUpdated');
    const incomplete = { ...payload, data: { ...payload.data, status: { previous_status_id: 1, new_status_id: 0 } } };
    expect(webhooks.interpret(incomplete.scope, incomplete)).toMatchObject({ ok: true, value: { kind: 'ignored' } });
  });

  it('fetches and normalizes the order, its products and coupons (204 when none)', async () => {
    api.setOrder('abc123', { order: { ...fixture('v2-order'), id: 250, status_id: 11 }, products: fixture('v2-order-products'), coupons: [] });
    const order = await webhooks.fetchOrder!({ shopKey: 'abc123', credentials: { accessToken: 'token' } }, '250');
    expect(order.ok && order.value).toMatchObject({ id: '250', paymentState: 'paid', discountCodes: [] });
    expect(await webhooks.fetchOrder!({ shopKey: 'abc123', credentials: { accessToken: 'wrong' } }, '250')).toMatchObject({ ok: false, error: expect.stringMatching(/HTTP 401/) });
    expect(await webhooks.fetchOrder!({ shopKey: 'abc123', credentials: null }, '250')).toMatchObject({ ok: false });
  });
});
