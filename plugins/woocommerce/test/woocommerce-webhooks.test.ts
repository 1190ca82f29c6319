import { describe, expect, it } from 'vitest';
import { normalizeSiteUrl, woocommerceWebhooks } from '../src/index.ts';
import { woocommerceWebhookRequest } from '../src/testing/signed-webhook.ts';

const raw = (request: { headers: Record<string, string>; body: string }) => ({ headers: request.headers, body: Buffer.from(request.body), receivedAt: Date.now() });

describe('WooCommerce webhook receiver', () => {
  const request = woocommerceWebhookRequest({ site: 'https://Shop.Example/', topic: 'order.updated', body: '{"id":727}', secret: 's3cret' });

  it('answers the unsigned creation ping', () => {
    expect(woocommerceWebhooks.identify(raw({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'webhook_id=42' }))).toEqual({ ok: true, value: { kind: 'ping' } });
  });

  it('identifies the site (normalized) and the delivery', () => {
    const identity = woocommerceWebhooks.identify(raw(request));
    expect(identity).toMatchObject({ ok: true, value: { kind: 'delivery', shopKey: 'https://shop.example', topic: 'order.updated' } });
  });

  it('tells apart two changes sent within one second, which share WooCommerce’s delivery id, but not a repeat', () => {
    const second = woocommerceWebhookRequest({ site: 'https://shop.example/', topic: 'order.updated', body: '{"id":727,"status":"completed"}', secret: 's3cret' });
    const sameId = { ...second, headers: { ...second.headers, 'x-wc-webhook-delivery-id': request.headers['x-wc-webhook-delivery-id']! } };
    const idOf = (r: typeof request) => {
      const identity = woocommerceWebhooks.identify(raw(r));
      return identity.ok && identity.value.kind === 'delivery' ? identity.value.deliveryId : null;
    };
    expect(idOf(sameId)).not.toBe(idOf(request));
    expect(idOf({ ...request })).toBe(idOf(request));
  });

  it('verifies the signature with the shop’s webhook secret', () => {
    expect(woocommerceWebhooks.verify(raw(request), { appSecret: null, credentials: { webhookSecret: 's3cret' } }).ok).toBe(true);
    expect(woocommerceWebhooks.verify(raw(request), { appSecret: null, credentials: { webhookSecret: 'wrong' } })).toMatchObject({ ok: false, error: { status: 401 } });
    expect(woocommerceWebhooks.verify(raw(request), { appSecret: null, credentials: null })).toMatchObject({ ok: false, error: { status: 401 } });
  });

  it('refuses an unsigned body that is not a ping', () => {
    const { 'x-wc-webhook-signature': _s, ...unsigned } = request.headers;
    expect(woocommerceWebhooks.identify(raw({ headers: unsigned, body: request.body }))).toMatchObject({ ok: false, error: { status: 401 } });
  });

  it('normalizes site URLs as X-WC-Webhook-Source sends them', () => {
    expect(normalizeSiteUrl('https://Shop.Example/')).toEqual({ ok: true, value: 'https://shop.example' });
    expect(normalizeSiteUrl('https://example.com/store/')).toEqual({ ok: true, value: 'https://example.com/store' });
    expect(normalizeSiteUrl('shop.example').ok).toBe(false);
  });

  it('reads order.deleted, whose body is only the id, as the deletion of that order', () => {
    expect(woocommerceWebhooks.interpret('order.deleted', { id: 727 })).toEqual({ ok: true, value: { kind: 'order_deleted', platformOrderId: '727' } });
    expect(woocommerceWebhooks.interpret('order.deleted', { name: 'no id' })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
  });
});
