import { readJsonFixture } from '@cartrelay/core/testing';
import { describe, expect, it } from 'vitest';
import { shopifyWebhooks } from '../src/index.ts';
import { shopifyWebhookRequest } from '../src/testing/signed-webhook.ts';

const SECRET = 'hush';
const raw = (request: { headers: Record<string, string>; body: string }) => ({ headers: request.headers, body: Buffer.from(request.body), receivedAt: Date.now() });

describe('Shopify webhook receiver', () => {
  const request = shopifyWebhookRequest({ shop: 'My-Store.myshopify.com', topic: 'orders/paid', body: '{"id":1}', apiSecret: SECRET, eventId: 'evt-9' });

  it('identifies the shop, topic and duplicate key (topic + X-Shopify-Event-Id)', () => {
    expect(shopifyWebhooks.identify(raw(request))).toEqual({ ok: true, value: { kind: 'delivery', shopKey: 'my-store.myshopify.com', topic: 'orders/paid', deliveryId: 'orders/paid:evt-9' } });
  });

  it('accepts the Events delivery headers without the X- prefix', () => {
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.replace(/^x-shopify-/, 'shopify-'), v]));
    expect(shopifyWebhooks.identify(raw({ headers, body: request.body })).ok).toBe(true);
    expect(shopifyWebhooks.verify(raw({ headers, body: request.body }), { appSecret: SECRET, credentials: null }).ok).toBe(true);
  });

  it('verifies base64(HMAC-SHA256) of the raw body with the app secret', () => {
    expect(shopifyWebhooks.verify(raw(request), { appSecret: SECRET, credentials: null })).toEqual({ ok: true, value: true });
    expect(shopifyWebhooks.verify(raw(request), { appSecret: 'other', credentials: null })).toEqual({ ok: false, error: { status: 401, reason: 'invalid HMAC signature' } });
    expect(shopifyWebhooks.verify(raw({ ...request, body: '{"id":2}' }), { appSecret: SECRET, credentials: null }).ok).toBe(false);
    expect(shopifyWebhooks.verify(raw(request), { appSecret: null, credentials: null }).ok).toBe(false);
  });

  it('refuses missing headers: 401 without a signature (checked first), 400 without topic or shop', () => {
    const { 'x-shopify-hmac-sha256': _h, ...unsigned } = request.headers;
    expect(shopifyWebhooks.signedWithAppSecret(raw({ headers: unsigned, body: request.body }))).toBe(true);
    expect(shopifyWebhooks.verify(raw({ headers: unsigned, body: request.body }), { appSecret: 'secret', credentials: null })).toMatchObject({
      ok: false,
      error: { status: 401, reason: 'missing X-Shopify-Hmac-Sha256' },
    });
    const { 'x-shopify-topic': _t, ...noTopic } = request.headers;
    expect(shopifyWebhooks.identify(raw({ headers: noTopic, body: request.body }))).toMatchObject({ ok: false, error: { status: 400 } });
    expect(shopifyWebhooks.identify(raw({ headers: { ...request.headers, 'x-shopify-shop-domain': 'evil.example.com' }, body: request.body }))).toMatchObject({ ok: false, error: { status: 400 } });
  });

  it('interprets refunds/create as a refund of the order, by line', () => {
    const refund = readJsonFixture(new URL('./fixtures/refunds-create.json', import.meta.url));
    const event = shopifyWebhooks.interpret('refunds/create', refund);
    expect(event.ok && event.value.kind).toBe('refund');
    if (event.ok && event.value.kind === 'refund') {
      expect(event.value.platformOrderId).toBe(String(refund.order_id));
      expect(event.value.refund.lines).toEqual(refund.refund_line_items.map((l: { line_item_id: bigint | number; quantity: number }) => ({ lineId: String(l.line_item_id), quantity: l.quantity })));
    }
  });

  it('ignores topics that change no order', () => {
    expect(shopifyWebhooks.interpret('products/update', {})).toEqual({ ok: true, value: { kind: 'ignored', reason: 'topic products/update carries no order change' } });
  });

  it('refuses a lifecycle or privacy topic whose signed payload names another shop than the header (a replayed body)', () => {
    const bodies: Record<string, (shop: string) => unknown> = {
      'app/uninstalled': (shop) => ({ id: 954889, domain: 'shop.example.com', myshopify_domain: shop }),
      'shop/redact': (shop) => ({ shop_id: 954889, shop_domain: shop }),
      'customers/redact': (shop) => ({ shop_id: 954889, shop_domain: shop, customer: { id: 1 }, orders_to_redact: [] }),
      'customers/data_request': (shop) => ({ shop_id: 954889, shop_domain: shop, customer: { id: 1 }, orders_requested: [] }),
    };
    for (const [topic, body] of Object.entries(bodies)) {
      const own = shopifyWebhooks.identify(raw(shopifyWebhookRequest({ shop: 'victim.myshopify.com', topic, body: JSON.stringify(body('Victim.myshopify.com')), apiSecret: SECRET })));
      expect(own.ok).toBe(true);
      const replayed = shopifyWebhooks.identify(raw(shopifyWebhookRequest({ shop: 'victim.myshopify.com', topic, body: JSON.stringify(body('attacker.myshopify.com')), apiSecret: SECRET })));
      expect(replayed).toEqual({ ok: false, error: { status: 401, reason: expect.stringContaining('attacker.myshopify.com') } });
      // An order's body (it names no shop) under a lifecycle topic.
      const order = shopifyWebhooks.identify(raw(shopifyWebhookRequest({ shop: 'victim.myshopify.com', topic, body: '{"id":820982911946154508}', apiSecret: SECRET })));
      expect(order).toEqual({ ok: false, error: { status: 401, reason: expect.stringContaining('names no shop') } });
    }
  });

  it('reads the privacy-law payloads as Shopify documents them', () => {
    // https://shopify.dev/docs/apps/build/privacy-law-compliance (2026-07 reference sample).
    const redact = { shop_id: 954889, shop_domain: 'shop.myshopify.com', customer: { id: 191167, email: 'john@example.com', phone: '555-625-1199' }, orders_to_redact: [299938, 280263, 220458] };
    expect(shopifyWebhooks.interpret('customers/redact', redact)).toEqual({
      ok: true,
      value: { kind: 'customer_redact', customer: { customerId: '191167', email: 'john@example.com', platformOrderIds: ['299938', '280263', '220458'] } },
    });
    const request = { shop_id: 954889, shop_domain: 'shop.myshopify.com', orders_requested: [299938], customer: { id: 191167, email: 'john@example.com', phone: null }, data_request: { id: 9999 } };
    expect(shopifyWebhooks.interpret('customers/data_request', request)).toEqual({
      ok: true,
      value: { kind: 'customer_data_request', customer: { customerId: '191167', email: 'john@example.com', platformOrderIds: ['299938'] }, requestId: '9999' },
    });
    expect(shopifyWebhooks.interpret('shop/redact', { shop_id: 954889, shop_domain: 'shop.myshopify.com' })).toEqual({ ok: true, value: { kind: 'shop_redact' } });
    expect(shopifyWebhooks.interpret('app/uninstalled', { id: 548380009, myshopify_domain: 'shop.myshopify.com' })).toEqual({ ok: true, value: { kind: 'shop_uninstalled' } });
    expect(shopifyWebhooks.interpret('customers/redact', { customer: 'nobody' }).ok).toBe(false);
  });

  it('reads a reconciled order (the GraphQL order node) as an order', () => {
    const interpreted = shopifyWebhooks.interpret('orders/reconciled', readJsonFixture(new URL('./fixtures/graphql-order-1001.json', import.meta.url)));
    expect(interpreted.ok && interpreted.value.kind === 'order' && interpreted.value.order.number).toBe('1001');
  });
});
