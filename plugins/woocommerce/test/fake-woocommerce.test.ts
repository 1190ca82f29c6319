import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pkg from '@woocommerce/woocommerce-rest-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeApiKey, FakeWooCommerce } from '../src/testing/fake-woocommerce.ts';
import { startFakeWooCommerce } from '../src/testing/fake-woocommerce.ts';

// A CommonJS module with `exports.default`: under Node's ESM the default import is `module.exports`.
type RestApiClass = typeof pkg extends { default: infer C } ? C : typeof pkg;
const WooCommerceRestApi = ((pkg as { default?: unknown }).default ?? pkg) as RestApiClass;

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A tiny receiver: records what it is sent and answers `status()`. */
async function startReceiver(status: (r: Received) => number = () => 200) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      res.writeHead(status(r), { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** An independent RFC 5849 signer (query-string parameters), to craft requests the client would not send. */
function oauthQuery(input: { method: string; url: string; key: string; secret: string; nonce?: string; timestamp?: number; params?: Record<string, string> }): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const params: Record<string, string> = {
    ...input.params,
    oauth_consumer_key: input.key,
    oauth_nonce: input.nonce ?? randomBytes(16).toString('hex'),
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: String(input.timestamp ?? Math.floor(Date.now() / 1000)),
    oauth_version: '1.0',
  };
  const normalized = Object.keys(params)
    .map((k) => [enc(k), enc(params[k]!)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const base = `${input.method}&${enc(input.url)}&${enc(normalized)}`;
  const signature = createHmac('sha1', `${enc(input.secret)}&`).update(base).digest('base64');
  return new URLSearchParams({ ...params, oauth_signature: signature }).toString();
}

const client = (fake: FakeWooCommerce, key: Pick<FakeApiKey, 'consumer_key' | 'consumer_secret'>, secret = key.consumer_secret) => new WooCommerceRestApi({ url: fake.url, consumerKey: key.consumer_key, consumerSecret: secret, version: 'wc/v3' });

async function failure(promise: Promise<unknown>): Promise<{ status: number; data: { code: string; message: string; data: { status: number } } }> {
  try {
    await promise;
  } catch (error) {
    const response = (error as { response?: { status: number; data: { code: string; message: string; data: { status: number } } } }).response;
    if (response) return response;
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('fake WooCommerce', () => {
  let fake: FakeWooCommerce;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let receiverStatus: number;

  beforeEach(async () => {
    fake = await startFakeWooCommerce();
    receiverStatus = 200;
    receiver = await startReceiver(() => receiverStatus);
  });
  afterEach(async () => {
    await fake.close();
    await receiver.close();
  });

  const createWebhook = async (key: FakeApiKey, topic: string, secret = 's3cret') => {
    const { data } = await client(fake, key).post('webhooks', { name: topic, topic, delivery_url: `${receiver.url}/hooks`, secret });
    return data as { id: number; status: string };
  };

  describe('REST API authentication', () => {
    it('accepts the real client over OAuth 1.0a (HMAC-SHA256 in the query) and refuses a wrong secret or a revoked key', async () => {
      const key = fake.createKey('read_write');
      fake.createOrder({ lineItems: [{ sku: 'A', quantity: 1, price: '5.00' }] });
      const ok = await client(fake, key).get('orders');
      expect(ok.status).toBe(200);
      expect(ok.data).toHaveLength(1);

      const wrong = await failure(client(fake, key, `cs_${'0'.repeat(40)}`).get('orders'));
      expect(wrong.status).toBe(401);
      expect(wrong.data).toEqual({ code: 'woocommerce_rest_authentication_error', message: 'Invalid signature - provided signature does not match.', data: { status: 401 } });

      fake.revokeKey(key.key_id);
      const revoked = await failure(client(fake, key).get('orders'));
      expect(revoked.status).toBe(401);
      expect(revoked.data.message).toBe('Consumer key is invalid.');
    });

    it('checks HMAC-SHA1 too, refuses a replayed nonce and an old timestamp, and answers without credentials as WooCommerce does', async () => {
      const key = fake.createKey('read');
      const url = `${fake.url}/wp-json/wc/v3/orders`;
      const query = oauthQuery({ method: 'GET', url, key: key.consumer_key, secret: key.consumer_secret, params: { per_page: '5' } });
      expect((await fetch(`${url}?${query}`)).status).toBe(200);
      const replay = await fetch(`${url}?${query}`);
      expect(replay.status).toBe(401);
      expect(await replay.json()).toMatchObject({ code: 'woocommerce_rest_authentication_error', message: 'Invalid nonce - nonce has already been used.' });
      const old = await fetch(`${url}?${oauthQuery({ method: 'GET', url, key: key.consumer_key, secret: key.consumer_secret, timestamp: Math.floor(Date.now() / 1000) - 16 * 60 })}`);
      expect(await old.json()).toMatchObject({ message: 'Invalid timestamp.' });
      const missing = await fetch(`${url}?oauth_consumer_key=${key.consumer_key}`);
      expect(await missing.json()).toMatchObject({ code: 'woocommerce_rest_authentication_missing_parameter', message: 'Missing OAuth parameters oauth_timestamp, oauth_nonce, oauth_signature, oauth_signature_method' });
      const anonymous = await fetch(url);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toEqual({ code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.', data: { status: 401 } });
    });

    it('lets a read key read but not write, and takes keys over Basic auth', async () => {
      const key = fake.createKey('read');
      const denied = await failure(client(fake, key).post('webhooks', { topic: 'order.created', delivery_url: `${receiver.url}/x` }));
      expect(denied.status).toBe(401);
      expect(denied.data).toMatchObject({ code: 'woocommerce_rest_authentication_error', message: 'The API key provided does not have write permissions.' });
      expect(fake.webhooks).toHaveLength(0);
      const basic = (secret: string) => ({ authorization: `Basic ${Buffer.from(`${key.consumer_key}:${secret}`).toString('base64')}` });
      expect((await fetch(`${fake.url}/wp-json/wc/v3/orders`, { headers: basic(key.consumer_secret) })).status).toBe(200);
      const bad = await fetch(`${fake.url}/wp-json/wc/v3/orders`, { headers: basic('cs_nope') });
      expect(bad.status).toBe(401);
      expect(await bad.json()).toMatchObject({ message: 'Consumer secret is invalid.' });
    });
  });

  describe('app authorization (wc-auth)', () => {
    const authorizeUrl = (params: Record<string, string>) => `${fake.url}/wc-auth/v1/authorize?${new URLSearchParams(params)}`;
    const valid = () => ({ app_name: 'CartRelay', scope: 'read_write', user_id: 'state-123', return_url: `${receiver.url}/return`, callback_url: `${receiver.url}/callback` });

    it('shows Approve and Deny; Approve posts the key to callback_url and redirects with success=1', async () => {
      const page = await (await fetch(authorizeUrl(valid()))).text();
      expect(page).toContain('CartRelay would like to connect to your store');
      const approve = /href="([^"]+)" class="button button-primary wc-auth-approve">Approve</.exec(page)![1]!.replace(/&amp;/g, '&');
      const deny = /href="([^"]+)" class="button wc-auth-deny">Deny</.exec(page)![1]!.replace(/&amp;/g, '&');
      expect(deny).toBe(`${receiver.url}/return?success=0&user_id=state-123`);

      const granted = await fetch(approve, { redirect: 'manual' });
      expect(granted.status).toBe(302);
      expect(granted.headers.get('location')).toBe(`${receiver.url}/return?success=1&user_id=state-123`);
      const posted = receiver.received.find((r) => r.url === '/callback')!;
      expect(posted.headers['content-type']).toBe('application/json;charset=UTF-8');
      const body = JSON.parse(posted.body) as Record<string, unknown>;
      const key = fake.keys.at(-1)!;
      expect(body).toEqual({ key_id: key.key_id, user_id: 'state-123', consumer_key: key.consumer_key, consumer_secret: key.consumer_secret, key_permissions: 'read_write' });
      expect(key.consumer_key).toMatch(/^ck_[0-9a-f]{40}$/);
      expect(key.consumer_secret).toMatch(/^cs_[0-9a-f]{40}$/);
      expect(key.description).toMatch(/^CartRelay - API \(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\)$/);
      expect((await client(fake, key).get('orders')).status).toBe(200);
    });

    it('deletes the key and shows the error when the callback does not answer 200', async () => {
      receiverStatus = 500;
      const result = await fake.approve(authorizeUrl(valid()));
      expect(result).toEqual({ status: 'refused', redirectTo: null, callbackStatus: 500, error: 'An error occurred in the request and at the time were unable to send the consumer data' });
      expect(fake.keys).toHaveLength(0);
      const page = await fetch(`${fake.url}/wc-auth/v1/access_granted/?${new URLSearchParams({ ...valid(), wc_auth_nonce: 'wrong' })}`);
      expect(page.status).toBe(401);
      expect(await page.text()).toContain('Error: Invalid nonce verification.');
    });

    it('approves programmatically, denies with success=0, and refuses invalid requests with WooCommerce’s messages', async () => {
      expect(await fake.approve(authorizeUrl(valid()))).toEqual({ status: 'approved', redirectTo: `${receiver.url}/return?success=1&user_id=state-123`, callbackStatus: 200, error: null });
      expect(fake.deny(authorizeUrl(valid()))).toBe(`${receiver.url}/return?success=0&user_id=state-123`);
      const { app_name: _dropped, ...noName } = valid();
      const missing = await fetch(authorizeUrl(noName));
      expect(missing.status).toBe(401);
      expect(await missing.text()).toContain('Error: Missing parameter app_name.');
      expect(await (await fetch(authorizeUrl({ ...valid(), scope: 'admin' }))).text()).toContain('Error: Invalid scope admin.');
      expect(await (await fetch(authorizeUrl({ ...valid(), user_id: '0' }))).text()).toContain('Error: Missing parameter user_id.');
      const strict = await startFakeWooCommerce({ requireHttpsCallback: true });
      try {
        const refused = await strict.approve(`${strict.url}/wc-auth/v1/authorize?${new URLSearchParams(valid())}`);
        expect(refused).toMatchObject({ status: 'refused', error: 'The callback_url needs to be over SSL' });
      } finally {
        await strict.close();
      }
    });
  });

  describe('webhooks', () => {
    it('creates (always active, ping sent as a form), lists with totals, updates, and deletes only with force', async () => {
      const key = fake.createKey();
      const api = client(fake, key);
      const created = await api.post('webhooks', { name: 'Orders', topic: 'order.updated', delivery_url: `${receiver.url}/hooks`, secret: 's3cret', status: 'paused' });
      expect(created.status).toBe(201);
      expect(created.data).toMatchObject({ name: 'Orders', status: 'active', topic: 'order.updated', resource: 'order', event: 'updated', hooks: ['woocommerce_update_order', 'woocommerce_order_refunded', 'woocommerce_delete_order_refund'], date_modified: null });
      expect(created.data).not.toHaveProperty('secret');
      const ping = receiver.received.at(-1)!;
      expect(ping.body).toBe(`webhook_id=${created.data.id}`);
      expect(ping.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(ping.headers['user-agent']).toMatch(/^WooCommerce\/[\d.]+ Hookshot \(WordPress\/[\d.]+\)$/);
      expect(ping.headers['x-wc-webhook-signature']).toBeUndefined();
      expect(fake.webhook(created.data.id)).toMatchObject({ secret: 's3cret', pending_delivery: false });

      await api.post('webhooks', { topic: 'order.created', delivery_url: `${receiver.url}/hooks` });
      const list = await api.get('webhooks', { per_page: 1, status: 'active' });
      expect(list.headers['x-wp-total']).toBe('2');
      expect(list.headers['x-wp-totalpages']).toBe('1'); // search_webhooks: limit 1 gives one page
      const paged = await api.get('webhooks', { per_page: 2, page: 1 });
      expect(paged.data.map((w: { id: number }) => w.id)).toEqual([2, 1]);

      const paused = await api.put(`webhooks/${created.data.id}`, { status: 'paused' });
      expect(paused.data.status).toBe('paused');
      expect((await api.get('webhooks', { status: 'paused' })).data).toHaveLength(1);
      const notForced = await failure(api.delete(`webhooks/${created.data.id}`));
      expect(notForced.status).toBe(501);
      expect(notForced.data.code).toBe('woocommerce_rest_trash_not_supported');
      expect((await api.delete(`webhooks/${created.data.id}`, { force: true })).status).toBe(200);
      const gone = await failure(api.get(`webhooks/${created.data.id}`));
      expect(gone).toMatchObject({ status: 400, data: { code: 'woocommerce_rest_shop_webhook_invalid_id' } });
    });

    it('creates the webhook even when the ping fails, and pings again at the next save', async () => {
      receiverStatus = 404;
      const key = fake.createKey();
      const created = await createWebhook(key, 'order.created');
      expect(created.status).toBe('active');
      expect(fake.pings.at(-1)).toMatchObject({ status: 404, result: 'Error: Delivery URL returned response code: 404' });
      expect(fake.webhook(created.id)!.pending_delivery).toBe(true);
      receiverStatus = 200;
      await client(fake, key).put(`webhooks/${created.id}`, { name: 'renamed' });
      expect(fake.pings).toHaveLength(2);
      expect(fake.webhook(created.id)!.pending_delivery).toBe(false);
    });

    it('delivers orders with WooCommerce’s headers and a signature over the raw body', async () => {
      const key = fake.createKey();
      const webhook = await createWebhook(key, 'order.created', 'top&amp;secret');
      const deleted = await createWebhook(key, 'order.deleted');
      const order = fake.createOrder({ lineItems: [{ sku: 'SOCK', name: 'Socks', quantity: 2, price: '12.50' }], meta: { _cartrelay_landing: '/x?irclickid=abc' } });
      fake.trashOrder(order.id);
      await fake.settled();
      const hooks = receiver.received.filter((r) => r.headers['x-wc-webhook-id'] !== undefined);
      expect(hooks).toHaveLength(2);
      const [created, trashed] = hooks as [Received, Received];
      expect(created.headers).toMatchObject({
        'content-type': 'application/json',
        'x-wc-webhook-source': `${fake.url}/`,
        'x-wc-webhook-topic': 'order.created',
        'x-wc-webhook-resource': 'order',
        'x-wc-webhook-event': 'created',
        'x-wc-webhook-id': String(webhook.id),
      });
      expect(created.headers['x-wc-webhook-delivery-id']).toMatch(/^[0-9a-f]{32}$/);
      // The secret is HTML-entity-decoded before signing (wp_specialchars_decode).
      expect(created.headers['x-wc-webhook-signature']).toBe(createHmac('sha256', 'top&secret').update(created.body).digest('base64'));
      expect(created.body).toContain('"\\/x?irclickid=abc"');
      // The payload is built when the queued delivery runs: the order was trashed by then.
      expect(JSON.parse(created.body)).toMatchObject({ id: order.id, status: 'trash', line_items: [{ sku: 'SOCK', quantity: 2, subtotal: '25.00', total: '25.00', price: 12.5 }] });
      expect(trashed.headers['x-wc-webhook-id']).toBe(String(deleted.id));
      expect(trashed.body).toBe(`{"id":${order.id}}`);
    });

    it('disables a webhook on the 7th consecutive failure (more than 5), and a success resets the count', async () => {
      const key = fake.createKey();
      const webhook = await createWebhook(key, 'order.created');
      fake.receiverDown = true;
      for (let i = 0; i < 3; i++) fake.createOrder({ lineItems: [{ sku: 'A', quantity: 1, price: '1.00' }] });
      await fake.settled();
      expect(fake.webhook(webhook.id)).toMatchObject({ status: 'active', failure_count: 3 });
      fake.receiverDown = false;
      fake.createOrder({ lineItems: [{ sku: 'A', quantity: 1, price: '1.00' }] });
      await fake.settled();
      expect(fake.webhook(webhook.id)).toMatchObject({ status: 'active', failure_count: 0 });

      fake.failDeliveriesTo(receiver.url);
      for (let i = 0; i < 6; i++) fake.createOrder({ lineItems: [{ sku: 'A', quantity: 1, price: '1.00' }] });
      await fake.settled();
      expect(fake.webhook(webhook.id)).toMatchObject({ status: 'active', failure_count: 6 });
      fake.createOrder({ lineItems: [{ sku: 'A', quantity: 1, price: '1.00' }] });
      await fake.settled();
      expect(fake.webhook(webhook.id)).toMatchObject({ status: 'disabled', failure_count: 6 });
      expect(fake.deliveries.at(-1)).toMatchObject({ status: null, success: false, webhookStatusAfter: 'disabled' });
      // Nothing is queued for a disabled webhook.
      fake.createOrder({ lineItems: [{ sku: 'A', quantity: 1, price: '1.00' }] });
      await fake.settled();
      expect(fake.deliveries.filter((d) => d.webhookId === webhook.id)).toHaveLength(11);
      // Made active again, the count is still 6: one more failure disables it again.
      await client(fake, key).put(`webhooks/${webhook.id}`, { status: 'active' });
      fake.createOrder({ lineItems: [{ sku: 'A', quantity: 1, price: '1.00' }] });
      await fake.settled();
      expect(fake.webhook(webhook.id)!.status).toBe('disabled');
    });
  });

  describe('orders and refunds', () => {
    it('lists with modified_after (strictly after), pagination headers, and `any` leaving out the trash', async () => {
      fake.setNow('2024-05-01T10:00:00Z');
      const key = fake.createKey('read');
      const api = client(fake, key);
      const made = [1, 2, 3, 4].map(() => fake.createOrder({ lineItems: [{ sku: 'A', quantity: 1, price: '3.00' }] }));
      expect(made.map((o) => o.date_modified_gmt)).toEqual(['2024-05-01T10:00:00', '2024-05-01T10:00:01', '2024-05-01T10:00:02', '2024-05-01T10:00:03']);
      fake.trashOrder(made[0]!.id);
      const since = made[1]!.date_modified_gmt!;
      const page1 = await api.get('orders', { modified_after: since, dates_are_gmt: true, per_page: 1, orderby: 'modified', order: 'asc' });
      // made[0] (trashed at :04) is out because of `any`; made[1] is not strictly after.
      expect(page1.headers['x-wp-total']).toBe('2');
      expect(page1.headers['x-wp-totalpages']).toBe('2');
      expect(page1.headers.link).toContain('rel="next"');
      expect(page1.data.map((o: { id: number }) => o.id)).toEqual([made[2]!.id]);
      const page2 = await api.get('orders', { modified_after: since, dates_are_gmt: true, per_page: 1, orderby: 'modified', order: 'asc', page: 2 });
      expect(page2.data.map((o: { id: number }) => o.id)).toEqual([made[3]!.id]);
      const trash = await api.get('orders', { status: 'trash' });
      expect(trash.data.map((o: { id: number; status: string }) => [o.id, o.status])).toEqual([[made[0]!.id, 'trash']]);
      const bad = await failure(api.get('orders', { per_page: 101 }));
      expect(bad).toMatchObject({ status: 400, data: { code: 'rest_invalid_param' } });
    });

    it('refunds lines as WooCommerce does: negative quantities and totals, _refunded_item_id, refunded when nothing is left', async () => {
      const key = fake.createKey();
      const api = client(fake, key);
      await createWebhook(key, 'order.updated');
      await fake.settled();
      const order = fake.createOrder({
        lineItems: [
          { sku: 'SOCK', quantity: 2, price: '12.50' },
          { sku: 'CAP', quantity: 1, price: '20.00' },
        ],
        coupons: [{ code: 'PODCAST', discount: '9.00' }],
      });
      expect(order.total).toBe('36.00');
      const [sock, cap] = order.line_items as [(typeof order.line_items)[number], (typeof order.line_items)[number]];
      expect(sock.total).toBe('20.00');
      const partial = await fake.refundOrder(order.id, { lines: [{ lineItemId: sock.id, quantity: 1 }], reason: 'too small' });
      expect(partial.amount).toBe('10.00');
      expect(partial.line_items).toEqual([expect.objectContaining({ sku: 'SOCK', quantity: -1, subtotal: '-10.00', total: '-10.00', price: 10, meta_data: [expect.objectContaining({ key: '_refunded_item_id', value: String(sock.id) })] })]);
      const fetched = await api.get(`orders/${order.id}`);
      expect(fetched.data.status).toBe('processing');
      expect(fetched.data.refunds).toEqual([{ id: partial.id, reason: 'too small', total: '-10.00' }]);
      expect((await api.get(`orders/${order.id}/refunds/${partial.id}`)).data).toEqual(partial);

      await fake.refundOrder(order.id, { lines: [{ lineItemId: sock.id, quantity: 1 }, { lineItemId: cap.id, quantity: 1 }] });
      expect(fake.order(order.id)!.status).toBe('refunded');
      expect(fake.order(order.id)!.refunds.map((r) => r.total)).toEqual(['-26.00', '-10.00']);
      await expect(fake.refundOrder(order.id, { lines: [], amount: '0.01' })).rejects.toThrow('Invalid refund amount.');
      await fake.settled();
      const updates = () => receiver.received.filter((r) => r.headers['x-wc-webhook-topic'] === 'order.updated');
      expect(updates()).toHaveLength(2);
      expect(JSON.parse(updates()[1]!.body)).toMatchObject({ id: order.id, status: 'refunded' });
      // Two changes before the queue runs: one pending action per (webhook, order), its payload built when it runs.
      fake.updateOrder(order.id, { meta: { note: 'first' } });
      fake.updateOrder(order.id, { meta: { note: 'second' } });
      await fake.settled();
      expect(updates()).toHaveLength(3);
      expect(JSON.parse(updates()[2]!.body).meta_data).toEqual([expect.objectContaining({ key: 'note', value: 'second' })]);
    });
  });
});
