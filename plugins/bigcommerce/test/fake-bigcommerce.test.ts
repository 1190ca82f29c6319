import { createHash, createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeBigCommerce, startFakeBigCommerce } from '../src/testing/fake-bigcommerce.ts';

/**
 * The fake BigCommerce against the rules it claims to keep (each from BigCommerce's docs, cited in
 * its modules): the token endpoint's one-time codes, signed payloads a real JWT library accepts or
 * refuses, the webhooks and Scripts APIs' refusals, V2 paging and date filters, rate limits, deliveries
 * and the storefront's checkout.
 */
const CLIENT_ID = 'app-client-id';
const CLIENT_SECRET = 'app-client-secret';
const REDIRECT_URI = 'https://app.example/bigcommerce/auth';

/** A clock tests move by hand. */
function manualClock(start = Date.parse('2026-03-05T12:00:00Z')) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms), set: (ms: number) => (time = ms) };
}

async function call(fake: FakeBigCommerce, token: string | null, method: string, path: string, body?: unknown) {
  const response = await fetch(`${fake.url}${path}`, {
    method,
    headers: { accept: 'application/json', 'content-type': 'application/json', ...(token ? { 'x-auth-token': token } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: the tests read the JSON answers field by field
  type Json = any;
  return { status: response.status, headers: response.headers, text, body: text === '' ? undefined : (JSON.parse(text) as Json) };
}

/** A loopback destination that records what it receives and answers `status`. */
async function receiver(status = 200) {
  const received: Array<{ path: string; headers: Record<string, string | string[] | undefined>; body: string }> = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '/', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('the token endpoint', () => {
  let fake: FakeBigCommerce;
  beforeEach(async () => {
    fake = await startFakeBigCommerce({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI });
  });
  afterEach(() => fake.close());

  const exchange = (fields: Record<string, string>) => call(fake, null, 'POST', '/oauth2/token', fields);
  const request = (issued: { code: string; context: string; scope: string }) => ({
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    code: issued.code,
    context: issued.context,
    scope: issued.scope,
    grant_type: 'authorization_code',
    redirect_uri: REDIRECT_URI,
  });

  it('exchanges a code once for a token, answered in the documented shape', async () => {
    const issued = fake.issueAuthCode('abc123', { scope: 'store_v2_orders_read_only store_content_checkout', user: { id: 9, email: 'staff@example.com' } });
    expect(new URLSearchParams(issued.query).get('context')).toBe('stores/abc123');
    const answer = await exchange(request(issued));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      access_token: expect.any(String),
      scope: 'store_v2_orders_read_only store_content_checkout',
      user: { id: 9, username: 'staff@example.com', email: 'staff@example.com' },
      owner: { id: 12345, username: 'owner@example.com', email: 'owner@example.com' },
      context: 'stores/abc123',
      account_uuid: issued.accountUuid,
    });
    expect((await call(fake, answer.body.access_token, 'GET', '/stores/abc123/v3/hooks')).status).toBe(200);
    expect(fake.tokenOf('abc123')).toBe(answer.body.access_token);
    // The token is the store's, not another's.
    expect((await call(fake, answer.body.access_token, 'GET', '/stores/other1/v3/hooks')).status).toBe(401);

    const again = await exchange(request(issued));
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses wrong client credentials, unknown codes, another context, another redirect_uri and other grants', async () => {
    const issued = () => fake.issueAuthCode('abc123', { scope: 'store_v2_orders' });
    expect(await exchange({ ...request(issued()), client_secret: 'guessed' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await exchange({ ...request(issued()), code: 'nope' })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await exchange({ ...request(issued()), context: 'stores/zzz999' })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await exchange({ ...request(issued()), redirect_uri: 'https://evil.example/auth' })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await exchange({ ...request(issued()), grant_type: 'refresh_token' })).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    expect(fake.tokenOf('abc123')).toBeNull();
    expect(fake.calls.filter((entry) => entry.operation === 'token').map((entry) => [entry.store, entry.status])).toEqual([
      ['abc123', 401],
      ['abc123', 400],
      ['zzz999', 400],
      ['abc123', 400],
      ['abc123', 400],
    ]);
  });

  it('revokes the previous token when it issues a new one (a re-auth after a scope change)', async () => {
    const first = (await exchange(request(fake.issueAuthCode('abc123', { scope: 'store_v2_orders' })))).body.access_token;
    const second = (await exchange(request(fake.issueAuthCode('abc123', { scope: 'store_v2_orders store_content_checkout' })))).body.access_token;
    expect(second).not.toBe(first);
    expect((await call(fake, first, 'GET', '/stores/abc123/v3/hooks')).status).toBe(401);
    expect((await call(fake, second, 'GET', '/stores/abc123/v3/hooks')).status).toBe(200);
  });
});

describe('signed_payload_jwt', () => {
  let fake: FakeBigCommerce;
  beforeAll(async () => {
    fake = await startFakeBigCommerce({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  });
  afterAll(() => fake.close());

  const key = new TextEncoder().encode(CLIENT_SECRET);
  const verify = (jwt: string) => jwtVerify(jwt, key, { algorithms: ['HS256'], audience: CLIENT_ID, issuer: 'bc' });

  it('is an HS256 JWT of the client secret with the documented claims', async () => {
    const { payload, protectedHeader } = await verify(fake.signPayloadJwt({ storeHash: 'abc123', url: '/orders' }));
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ aud: CLIENT_ID, iss: 'bc', sub: 'stores/abc123', url: '/orders', channel_id: null, user: { id: 24654, email: 'merchant@example.com' }, owner: { id: 12345 } });
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload.exp! - payload.nbf!).toBe(86_400);
  });

  it('makes the bad ones a verifier must refuse', async () => {
    const now = Math.floor(Date.now() / 1000);
    const bad = {
      'another audience': fake.signPayloadJwt({ storeHash: 'abc123', aud: 'someone-else' }),
      'another secret': fake.signPayloadJwt({ storeHash: 'abc123', secret: 'not-the-secret' }),
      expired: fake.signPayloadJwt({ storeHash: 'abc123', iat: now - 90_000, exp: now - 3_600 }),
      'not valid yet': fake.signPayloadJwt({ storeHash: 'abc123', nbf: now + 3_600 }),
      'alg none': fake.signPayloadJwt({ storeHash: 'abc123', alg: 'none' }),
      HS512: fake.signPayloadJwt({ storeHash: 'abc123', alg: 'HS512' }),
      'another issuer': fake.signPayloadJwt({ storeHash: 'abc123', iss: 'someone' }),
    };
    for (const [name, jwt] of Object.entries(bad)) await expect(verify(jwt), name).rejects.toThrow();
    const { payload } = await verify(fake.signPayloadJwt({ storeHash: 'abc123', claims: { exp: undefined } }));
    expect(payload.exp).toBeUndefined();
  });
});

describe('the webhooks API', () => {
  let fake: FakeBigCommerce;
  let token: string;
  const hook = { scope: 'store/order/created', destination: 'https://app.example/webhooks/bigcommerce', is_active: true, headers: { 'x-secret': 's3cret' } };
  beforeEach(async () => {
    fake = await startFakeBigCommerce({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    token = fake.issueToken('abc123');
  });
  afterEach(() => fake.close());

  it('creates, lists, reads, updates and deletes a hook in the {data, meta} envelope', async () => {
    const created = await call(fake, token, 'POST', '/stores/abc123/v3/hooks', hook);
    expect(created).toMatchObject({ status: 200, body: { data: { ...hook, id: expect.any(Number), client_id: CLIENT_ID, store_hash: 'abc123', created_at: expect.any(Number) }, meta: {} } });
    const id = created.body.data.id;
    const listed = await call(fake, token, 'GET', '/stores/abc123/v3/hooks?scope=store/order/created');
    expect(listed.body).toMatchObject({ data: [{ id }], meta: { pagination: { total: 1, count: 1, current_page: 1, total_pages: 1 } } });
    expect((await call(fake, token, 'PUT', `/stores/abc123/v3/hooks/${id}`, { is_active: false })).body.data.is_active).toBe(false);
    expect((await call(fake, token, 'GET', '/stores/abc123/v3/hooks?is_active=true')).body.data).toEqual([]);
    expect(await call(fake, token, 'PUT', `/stores/abc123/v3/hooks/${id}`, {})).toMatchObject({ status: 422 });
    expect(await call(fake, token, 'DELETE', `/stores/abc123/v3/hooks/${id}`)).toMatchObject({ status: 200, body: { data: { id } } });
    expect(await call(fake, token, 'GET', `/stores/abc123/v3/hooks/${id}`)).toMatchObject({ status: 404, body: { title: `Webhook with id [${id}] not found` } });
  });

  it('answers 422 for a missing destination, a duplicate scope and destination, and a port other than 443', async () => {
    const { destination: _, ...withoutDestination } = hook;
    expect(await call(fake, token, 'POST', '/stores/abc123/v3/hooks', withoutDestination)).toMatchObject({
      status: 422,
      body: { status: 422, title: 'JSON data is missing or invalid', errors: { destination: 'error.path.missing.' } },
    });
    expect((await call(fake, token, 'POST', '/stores/abc123/v3/hooks', hook)).status).toBe(200);
    expect(await call(fake, token, 'POST', '/stores/abc123/v3/hooks', { ...hook, is_active: false })).toMatchObject({ status: 422 });
    expect(await call(fake, token, 'POST', '/stores/abc123/v3/hooks', { ...hook, destination: 'https://app.example:8443/hooks' })).toMatchObject({ status: 422 });
    // A repair that moves another hook onto the same scope and destination is refused too.
    const other = await call(fake, token, 'POST', '/stores/abc123/v3/hooks', { ...hook, scope: 'store/order/statusUpdated' });
    expect(await call(fake, token, 'PUT', `/stores/abc123/v3/hooks/${other.body.data.id}`, { scope: 'store/order/created' })).toMatchObject({ status: 422 });
    expect(fake.hooksOf('abc123')).toHaveLength(2);
  });

  it("lists only the calling client's hooks, and lets BigCommerce deactivate or drop one", async () => {
    const otherApp = fake.issueToken('abc123', { clientId: 'another-app' });
    const mine = (await call(fake, token, 'POST', '/stores/abc123/v3/hooks', hook)).body.data.id;
    const theirs = (await call(fake, otherApp, 'POST', '/stores/abc123/v3/hooks', hook)).body.data.id;
    expect((await call(fake, token, 'GET', '/stores/abc123/v3/hooks')).body.data.map((entry: { id: number }) => entry.id)).toEqual([mine]);
    expect((await call(fake, token, 'GET', `/stores/abc123/v3/hooks/${theirs}`)).status).toBe(404);
    fake.deactivateHook(mine);
    expect((await call(fake, token, 'GET', `/stores/abc123/v3/hooks/${mine}`)).body.data.is_active).toBe(false);
    fake.deleteHook(mine);
    expect((await call(fake, token, 'GET', '/stores/abc123/v3/hooks')).body.data).toEqual([]);
  });
});

describe('the Scripts API', () => {
  let fake: FakeBigCommerce;
  const SRI = `sha384-${createHash('sha384').update('console.log(1)').digest('base64')}`;
  const script = { name: 'CartRelay click capture', src: 'https://app.example/s/landing.js', kind: 'src', load_method: 'defer', location: 'footer', visibility: 'storefront', auto_uninstall: true, consent_category: 'targeting' };
  beforeEach(async () => {
    fake = await startFakeBigCommerce({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  });
  afterEach(() => fake.close());

  it('needs the Checkout Content scope for checkout and all_pages, and an SRI hash on checkout', async () => {
    const content = fake.issueToken('abc123', { scope: 'store_v2_content' });
    const created = await call(fake, content, 'POST', '/stores/abc123/v3/content/scripts', script);
    expect(created).toMatchObject({ status: 200, body: { data: { ...script, uuid: expect.any(String), api_client_id: CLIENT_ID, enabled: true, channel_id: 1, integrity_hashes: [] }, meta: {} } });
    expect(created.body.data.store_hash).toBeUndefined();
    for (const visibility of ['checkout', 'all_pages']) {
      expect((await call(fake, content, 'POST', '/stores/abc123/v3/content/scripts', { ...script, visibility, integrity_hashes: [SRI] })).status, visibility).toBe(403);
    }
    expect((await call(fake, content, 'PUT', `/stores/abc123/v3/content/scripts/${created.body.data.uuid}`, { visibility: 'all_pages', integrity_hashes: [SRI] })).status).toBe(403);

    const checkout = fake.issueToken('abc123', { scope: 'store_v2_content store_content_checkout' });
    expect(await call(fake, checkout, 'POST', '/stores/abc123/v3/content/scripts', { ...script, visibility: 'checkout' })).toMatchObject({ status: 422, body: { errors: { integrity_hashes: expect.any(String) } } });
    expect((await call(fake, checkout, 'POST', '/stores/abc123/v3/content/scripts', { ...script, visibility: 'checkout', integrity_hashes: ['md5-abc'] })).status).toBe(422);
    expect(await call(fake, checkout, 'POST', '/stores/abc123/v3/content/scripts', { ...script, visibility: 'checkout', integrity_hashes: [SRI] })).toMatchObject({
      status: 200,
      body: { data: { visibility: 'checkout', integrity_hashes: [SRI] } },
    });
    expect((await call(fake, fake.issueToken('abc123', { scope: 'store_v2_orders' }), 'GET', '/stores/abc123/v3/content/scripts')).status).toBe(403);
  });

  it('checks kinds and the ten-script limit, lists only its own, and deletes with 204', async () => {
    const token = fake.issueToken('abc123');
    expect((await call(fake, token, 'POST', '/stores/abc123/v3/content/scripts', { ...script, name: undefined })).status).toBe(422);
    expect((await call(fake, token, 'POST', '/stores/abc123/v3/content/scripts', { ...script, src: '' })).status).toBe(422);
    expect((await call(fake, token, 'POST', '/stores/abc123/v3/content/scripts', { ...script, kind: 'script_tag', src: '', html: '<script>1</script>' })).status).toBe(422);
    expect((await call(fake, token, 'POST', '/stores/abc123/v3/content/scripts', { ...script, kind: 'script_tag', src: '', html: '<script>1</script>', load_method: 'default' })).status).toBe(200);
    for (let i = 1; i < 10; i++) expect((await call(fake, token, 'POST', '/stores/abc123/v3/content/scripts', { ...script, name: `script ${i}` })).status).toBe(200);
    expect((await call(fake, token, 'POST', '/stores/abc123/v3/content/scripts', { ...script, name: 'the eleventh' })).status).toBe(422);

    const otherApp = fake.issueToken('abc123', { clientId: 'another-app' });
    expect((await call(fake, otherApp, 'POST', '/stores/abc123/v3/content/scripts', script)).status).toBe(200);
    const listed = await call(fake, token, 'GET', '/stores/abc123/v3/content/scripts?limit=4&page=3');
    expect(listed.body.meta.pagination).toMatchObject({ total: 10, count: 2, per_page: 4, current_page: 3, total_pages: 3 });
    const uuid = listed.body.data[0].uuid;
    expect(await call(fake, token, 'DELETE', `/stores/abc123/v3/content/scripts/${uuid}`)).toMatchObject({ status: 204, text: '' });
    expect((await call(fake, token, 'GET', `/stores/abc123/v3/content/scripts/${uuid}`)).status).toBe(404);
  });

  it('lets a merchant change a consent category or delete a script, and removes auto_uninstall scripts on uninstall', async () => {
    const token = fake.issueToken('abc123');
    const uuid = (await call(fake, token, 'POST', '/stores/abc123/v3/content/scripts', script)).body.data.uuid;
    const kept = (await call(fake, token, 'POST', '/stores/abc123/v3/content/scripts', { ...script, name: 'kept', auto_uninstall: false })).body.data.uuid;
    fake.alterScriptAsMerchant(uuid, { consent_category: 'analytics' });
    expect((await call(fake, token, 'GET', `/stores/abc123/v3/content/scripts/${uuid}`)).body.data.consent_category).toBe('analytics');
    fake.deleteScriptAsMerchant(uuid);
    expect((await call(fake, token, 'GET', `/stores/abc123/v3/content/scripts/${uuid}`)).status).toBe(404);
    const again = (await call(fake, token, 'POST', '/stores/abc123/v3/content/scripts', script)).body.data.uuid;
    fake.uninstall('abc123');
    expect(fake.scriptsOf('abc123').map((entry) => entry.uuid)).toEqual([kept]);
    expect(fake.scriptsOf('abc123').some((entry) => entry.uuid === again)).toBe(false);
    expect((await call(fake, token, 'GET', '/stores/abc123/v3/content/scripts')).status).toBe(401);
  });
});

describe('V2 orders and V3 refunds', () => {
  const clock = manualClock();
  let fake: FakeBigCommerce;
  let token: string;
  beforeEach(async () => {
    clock.set(Date.parse('2026-03-05T12:00:00Z'));
    fake = await startFakeBigCommerce({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, now: clock.now, scope: 'store_v2_orders_read_only' });
    token = fake.issueToken('abc123');
  });
  afterEach(() => fake.close());
  const ids = (answer: { body?: Array<{ id: number }> }) => (answer.body ?? []).map((order) => order.id);

  it('pages orders by id, answers 204 with no body past the last page, and caps limit at 250', async () => {
    for (let i = 0; i < 5; i++) fake.addOrder('abc123');
    const [first, second, third, past] = await Promise.all([1, 2, 3, 4].map((page) => call(fake, token, 'GET', `/stores/abc123/v2/orders?limit=2&page=${page}`)));
    expect([ids(first!), ids(second!), ids(third!)]).toEqual([
      [100, 101],
      [102, 103],
      [104],
    ]);
    expect(past).toMatchObject({ status: 204, text: '' });
    expect(ids(await call(fake, token, 'GET', '/stores/abc123/v2/orders?sort=id:desc&limit=2'))).toEqual([104, 103]);
    expect((await call(fake, token, 'GET', '/stores/abc123/v2/orders?sort=total:asc')).status).toBe(400);

    for (let i = 0; i < 255; i++) fake.addOrder('abc123');
    expect(ids(await call(fake, token, 'GET', '/stores/abc123/v2/orders?limit=500'))).toHaveLength(250);
    expect(ids(await call(fake, token, 'GET', '/stores/abc123/v2/orders'))).toHaveLength(50);
  });

  it('filters on date_modified given in RFC 2822 or ISO 8601, inclusive, and refuses an unencoded offset', async () => {
    const early = fake.addOrder('abc123');
    clock.advance(60_000);
    const late = fake.addOrder('abc123');
    clock.advance(60_000);
    fake.updateOrder('abc123', early.id, { staff_notes: 'touched' });
    expect(early.date_modified).toBe('Thu, 05 Mar 2026 12:02:00 +0000');

    const since = (value: string) => call(fake, token, 'GET', `/stores/abc123/v2/orders?${new URLSearchParams({ min_date_modified: value, sort: 'date_modified:asc' })}`);
    expect(ids(await since('Thu, 05 Mar 2026 12:01:00 +0000'))).toEqual([late.id, early.id]);
    expect(ids(await since('2026-03-05T07:01:30-05:00'))).toEqual([early.id]);
    expect(ids(await call(fake, token, 'GET', `/stores/abc123/v2/orders?${new URLSearchParams({ max_date_modified: '2026-03-05T12:01:00Z' })}`))).toEqual([late.id]);
    expect((await since('2026-03-05T12:03:00Z')).status).toBe(204);
    expect(await call(fake, token, 'GET', '/stores/abc123/v2/orders?min_date_modified=2026-03-05T12:00:00+00:00')).toMatchObject({ status: 400, body: [{ status: 400 }] });
  });

  it('finds an order by cart_id, serves its products, 204 for no coupons, 404 for none', async () => {
    const order = fake.addOrder('abc123', { order: { cart_id: '7e48f7ef-2e88-4817-aea4-b0ed01490114' }, products: [{ sku: 'S-ORAN', quantity: 2, price_inc_tax: '55.9900' }] });
    fake.addOrder('abc123');
    expect(ids(await call(fake, token, 'GET', '/stores/abc123/v2/orders?cart_id=7e48f7ef-2e88-4817-aea4-b0ed01490114'))).toEqual([order.id]);
    expect(await call(fake, token, 'GET', `/stores/abc123/v2/orders/${order.id}`)).toMatchObject({
      status: 200,
      body: { id: order.id, status_id: 11, status: 'Awaiting Fulfillment', total_inc_tax: '111.9800', products: { resource: `/orders/${order.id}/products` } },
    });
    expect((await call(fake, token, 'GET', `/stores/abc123/v2/orders/${order.id}/products`)).body).toMatchObject([{ sku: 'S-ORAN', quantity: 2, quantity_refunded: 0, order_id: order.id }]);
    expect(await call(fake, token, 'GET', `/stores/abc123/v2/orders/${order.id}/coupons`)).toMatchObject({ status: 204, text: '' });
    expect((await call(fake, token, 'GET', '/stores/abc123/v2/orders/999')).status).toBe(404);
    expect((await call(fake, fake.issueToken('abc123', { scope: 'store_v2_content' }), 'GET', `/stores/abc123/v2/orders/${order.id}`)).status).toBe(403);
  });

  it('refunds lines: quantity_refunded grows, a V3 refund is kept, the status goes to 14 then 4', async () => {
    const order = fake.addOrder('abc123', { products: [{ sku: 'S-ORAN', quantity: 2, price_inc_tax: '55.9900' }] });
    clock.advance(1_000);
    const partial = fake.refund('abc123', order.id, [{ sku: 'S-ORAN', quantity: 1 }], { reason: 'too big' });
    expect(partial.order).toMatchObject({ status_id: 14, status: 'Partially Refunded', date_modified: 'Thu, 05 Mar 2026 12:00:01 +0000' });
    expect(partial.events).toEqual([
      { scope: 'store/order/refund/created', data: { type: 'order', id: order.id, refund: { refund_id: partial.refund.id } } },
      { scope: 'store/order/statusUpdated', data: { type: 'order', id: order.id, status: { previous_status_id: 11, new_status_id: 14 } } },
    ]);
    const full = fake.refund('abc123', order.id, [{ sku: 'S-ORAN', quantity: 1 }]);
    expect(full.order.status_id).toBe(4);
    expect((await call(fake, token, 'GET', `/stores/abc123/v2/orders/${order.id}/products`)).body[0]).toMatchObject({ quantity_refunded: 2, is_refunded: true });
    const refunds = await call(fake, token, 'GET', `/stores/abc123/v3/orders/${order.id}/payment_actions/refunds`);
    expect(refunds.body).toMatchObject({ data: [{ id: partial.refund.id, total_amount: 55.99, reason: 'too big', items: [{ item_type: 'PRODUCT', quantity: 1 }] }, { id: full.refund.id }], meta: {} });
    expect(() => fake.refund('abc123', order.id, [{ sku: 'S-ORAN', quantity: 1 }])).toThrow(/cannot refund 3 of 2/);
    expect(fake.setStatus('abc123', order.id, 5).events).toEqual([{ scope: 'store/order/statusUpdated', data: { type: 'order', id: order.id, status: { previous_status_id: 4, new_status_id: 5 } } }]);
  });
});

describe('rate limits', () => {
  const clock = manualClock();
  let fake: FakeBigCommerce;
  let token: string;
  beforeEach(async () => {
    fake = await startFakeBigCommerce({ now: clock.now, rateLimit: { quota: 5, windowMs: 1_000 }, stores: { pro456: { rateLimit: { quota: 450, windowMs: 30_000 } } } });
    token = fake.issueToken('abc123');
  });
  afterEach(() => fake.close());
  /** Window, reset, quota, left. */
  const limits = (headers: Headers) => ['time-window-ms', 'time-reset-ms', 'requests-quota', 'requests-left'].map((name) => headers.get(`x-rate-limit-${name}`));

  it('counts every answer against the store, then answers 429 with the same headers until the window resets', async () => {
    const seen = [];
    for (let i = 0; i < 5; i++) {
      seen.push(limits((await call(fake, token, 'GET', '/stores/abc123/v3/hooks')).headers));
      clock.advance(100);
    }
    expect(seen).toEqual([
      ['1000', '1000', '5', '4'],
      ['1000', '900', '5', '3'],
      ['1000', '800', '5', '2'],
      ['1000', '700', '5', '1'],
      ['1000', '600', '5', '0'],
    ]);
    const limited = await call(fake, token, 'GET', '/stores/abc123/v2/orders');
    expect(limited.status).toBe(429);
    expect(limits(limited.headers)).toEqual(['1000', '500', '5', '0']);
    expect(limited.headers.get('x-retry-after')).toBe('1');
    // Another store has its own quota; a wrong token still spends one.
    expect(limits((await call(fake, 'wrong', 'GET', '/stores/pro456/v3/hooks')).headers)).toEqual(['30000', '30000', '450', '449']);
    clock.advance(500);
    expect(limits((await call(fake, token, 'GET', '/stores/abc123/v3/hooks')).headers)).toEqual(['1000', '1000', '5', '4']);
  });

  it('injects 429s with or without headers and 5xx answers, which spend nothing', async () => {
    fake.failNext('abc123', 1, { rateLimitHeaders: false });
    fake.failNext('abc123', 1, { retryAfterSeconds: 7 });
    fake.failNext('abc123', 1, { status: 503 });
    const bare = await call(fake, token, 'GET', '/stores/abc123/v2/orders');
    expect(bare.status).toBe(429);
    expect(limits(bare.headers)).toEqual([null, null, null, null]);
    const told = await call(fake, token, 'GET', '/stores/abc123/v2/orders');
    expect([told.status, told.headers.get('x-retry-after'), told.headers.get('x-rate-limit-requests-left')]).toEqual([429, '7', '0']);
    expect((await call(fake, token, 'GET', '/stores/abc123/v2/orders')).status).toBe(503);
    expect(fake.quotaLeft('abc123')).toBe(5);
    fake.drainQuota('abc123');
    expect((await call(fake, token, 'GET', '/stores/abc123/v2/orders')).status).toBe(429);
    expect(fake.calls.map((entry) => [entry.operation, entry.status])).toEqual([
      ['orders.list', 429],
      ['orders.list', 429],
      ['orders.list', 503],
      ['orders.list', 429],
    ]);
  });
});

describe('webhook deliveries', () => {
  let fake: FakeBigCommerce;
  let destination: Awaited<ReturnType<typeof receiver>>;
  let token: string;
  beforeEach(async () => {
    fake = await startFakeBigCommerce({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, stores: { abc123: { storeId: '1025646' } } });
    destination = await receiver();
    token = fake.issueToken('abc123');
  });
  afterEach(async () => {
    await fake.close();
    await destination.close();
  });

  it("POSTs the envelope to each active hook of the scope, with the hook's headers and a Standard Webhooks signature", async () => {
    const create = (scope: string, path: string, is_active = true) =>
      call(fake, token, 'POST', '/stores/abc123/v3/hooks', { scope, destination: `${destination.url}${path}`, is_active, headers: { 'x-cartrelay-webhook-secret': 'per-store' } });
    await create('store/order/created', '/created');
    await create('store/order/*', '/wildcard');
    await create('store/order/created', '/inactive', false);
    await create('store/cart/converted', '/cart');
    const at = Date.parse('2026-03-05T12:00:00Z');
    const deliveries = await fake.deliver('abc123', 'store/order/created', { type: 'order', id: 250 }, { at });
    expect(deliveries.map((delivery) => [delivery.destination.replace(destination.url, ''), delivery.status]).sort()).toEqual([
      ['/created', 200],
      ['/wildcard', 200],
    ]);
    const received = destination.received.find((request) => request.path === '/created')!;
    expect(JSON.parse(received.body)).toEqual({
      scope: 'store/order/created',
      store_id: '1025646',
      data: { type: 'order', id: 250 },
      hash: createHash('sha1').update('{"type":"order","id":250}').digest('hex'),
      created_at: at / 1000,
      producer: 'stores/abc123',
    });
    expect(received.headers['x-cartrelay-webhook-secret']).toBe('per-store');
    const id = String(received.headers['webhook-id']);
    const expected = createHmac('sha256', CLIENT_SECRET).update(`${id}.${at / 1000}.${received.body}`).digest('base64');
    expect(received.headers['webhook-timestamp']).toBe(String(at / 1000));
    expect(received.headers['webhook-signature']).toBe(`v1,${expected}`);

    const retry = await fake.redeliver(deliveries[0]!);
    expect(retry.body).toBe(deliveries[0]!.body);
    expect(retry.headers['webhook-id']).toBe(deliveries[0]!.headers['webhook-id']);
    expect(retry.headers['webhook-timestamp']).not.toBe(String(at / 1000));

    const unsigned = await fake.deliver('abc123', 'store/cart/converted', { type: 'cart', id: 'c1', orderId: 250 }, { sign: false });
    expect(unsigned).toHaveLength(1);
    expect(unsigned[0]!.headers['webhook-signature']).toBeUndefined();
    expect(fake.deliveries).toHaveLength(4);
  });

  it('reports an unreachable destination as status 0', async () => {
    await call(fake, token, 'POST', '/stores/abc123/v3/hooks', { scope: 'store/order/created', destination: 'http://127.0.0.1:9/closed' });
    const [delivery] = await fake.deliver('abc123', 'store/order/created', { type: 'order', id: 1 });
    expect(delivery).toMatchObject({ status: 0, error: expect.any(String) });
  });
});

describe('the storefront', () => {
  let fake: FakeBigCommerce;
  let destination: Awaited<ReturnType<typeof receiver>>;
  let storefront: string;
  const SRI = `sha384-${createHash('sha384').update('x').digest('base64')}`;
  beforeAll(async () => {
    fake = await startFakeBigCommerce({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, stores: { abc123: {}, ban789: { consentBanner: true } } });
    destination = await receiver();
    storefront = fake.storefrontUrl('abc123');
    const token = fake.issueToken('abc123');
    const add = (body: Record<string, unknown>) => call(fake, token, 'POST', '/stores/abc123/v3/content/scripts', { kind: 'src', consent_category: 'analytics', ...body });
    await add({ name: 'landing', src: 'https://app.example/landing.js', visibility: 'storefront', load_method: 'defer', location: 'footer' });
    await add({ name: 'everywhere', src: 'https://app.example/all.js', visibility: 'all_pages', integrity_hashes: [SRI], location: 'head' });
    await add({ name: 'checkout', src: 'https://app.example/checkout.js', visibility: 'checkout', integrity_hashes: [SRI], load_method: 'defer', location: 'footer' });
    await add({ name: 'thanks', src: 'https://app.example/thanks.js', visibility: 'order_confirmation', load_method: 'async', location: 'footer' });
    for (const scope of ['store/order/created', 'store/cart/converted']) await call(fake, token, 'POST', '/stores/abc123/v3/hooks', { scope, destination: `${destination.url}/hooks` });
  });
  afterAll(async () => {
    await fake.close();
    await destination.close();
  });

  /** A shopper: keeps the session cookie between requests. */
  function shopper() {
    let cookie = '';
    return async (path: string, init: RequestInit = {}) => {
      const response = await fetch(`${storefront}${path}`, { redirect: 'manual', ...init, headers: { ...(init.headers as Record<string, string>), cookie } });
      cookie = response.headers.get('set-cookie')?.split(';')[0] ?? cookie;
      return response;
    };
  }
  const scriptsIn = (html: string) => [...html.matchAll(/<script src="([^"]+)"([^>]*)>/g)].map(([, src, rest]) => `${src}${rest}`);

  it('renders the registered scripts by visibility, with SRI and crossorigin where hashes are given', async () => {
    const visit = shopper();
    expect(scriptsIn(await (await visit('/')).text())).toEqual([`https://app.example/all.js integrity="${SRI}" crossorigin="anonymous"`, 'https://app.example/landing.js defer']);
    await visit('/cart.php?action=add&product_id=77&qty=2');
    expect(scriptsIn(await (await visit('/checkout')).text())).toEqual([
      `https://app.example/all.js integrity="${SRI}" crossorigin="anonymous"`,
      `https://app.example/checkout.js integrity="${SRI}" crossorigin="anonymous" defer`,
    ]);
    expect(scriptsIn(await (await visit('/checkout/order-confirmation')).text())).toEqual([`https://app.example/all.js integrity="${SRI}" crossorigin="anonymous"`, 'https://app.example/thanks.js async']);
    // Without a cart, checkout sends the shopper back to the cart.
    expect((await shopper()('/checkout')).headers.get('location')).toBe('/cart.php');
  });

  it('leaves out scripts of unknown consent category on a store with a consent banner', async () => {
    const token = fake.issueToken('ban789');
    const add = (name: string, consent?: string) =>
      call(fake, token, 'POST', '/stores/ban789/v3/content/scripts', { name, kind: 'src', src: `https://app.example/${name}.js`, visibility: 'storefront', ...(consent ? { consent_category: consent } : {}) });
    await add('unknown');
    await add('targeted', 'targeting');
    expect(scriptsIn(await (await fetch(fake.storefrontUrl('ban789'))).text())).toEqual(['https://app.example/targeted.js']);
  });

  it('keeps the cart in the session cookie and answers the storefront API that checkout-sdk calls', async () => {
    const visit = shopper();
    expect(await (await visit('/api/storefront/carts')).json()).toEqual([]);
    const created = await visit('/api/storefront/carts', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lineItems: [{ productId: 86, quantity: 3 }] }) });
    const cart = (await created.json()) as { id: string };
    expect(cart).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), cartAmount: 42, lineItems: { physicalItems: [{ sku: 'SOCK-MERINO-M', quantity: 3 }] } });
    expect(await (await visit('/api/storefront/carts')).json()).toMatchObject([{ id: cart.id }]);
    expect(await (await visit('/api/storefront/checkout-settings')).json()).toMatchObject({ context: { checkoutId: cart.id }, storeConfig: { paymentSettings: { bigpayBaseUrl: expect.any(String) } } });
    expect(await (await visit('/api/storefront/form-fields')).json()).toEqual({ customerAccount: [], shippingAddress: [], billingAddress: [] });
    for (const path of [`/api/storefront/checkout/${cart.id}`, `/api/storefront/checkouts/${cart.id}`]) {
      expect(await (await visit(path)).json()).toMatchObject({ id: cart.id, cart: { id: cart.id }, orderId: null, customer: { addresses: [] } });
    }
    expect((await shopper()('/api/storefront/carts')).status).toBe(200);
    expect(await (await shopper()('/api/storefront/carts')).json()).toEqual([]);
  });

  it('places the order as checkout does: a V2 order with the cart id, order/created and cart/converted, then the confirmation', async () => {
    const visit = shopper();
    await visit('/cart.php?action=add', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'product_id=77&qty=1' });
    const [cart] = (await (await visit('/api/storefront/carts')).json()) as Array<{ id: string }>;
    const placed = await visit('/fake/place-order', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'jane@example.com' }) });
    const answer = (await placed.json()) as { orderId: number };
    expect(answer).toMatchObject({ cartId: cart!.id, redirectUrl: '/checkout/order-confirmation', webhooks: [{ scope: 'store/order/created', status: 200 }, { scope: 'store/cart/converted', status: 200 }] });
    const orderId = answer.orderId as number;

    const bodies = destination.received.slice(-2).map((request) => JSON.parse(request.body));
    expect(bodies.map((body) => [body.scope, body.data])).toEqual([
      ['store/order/created', { type: 'order', id: orderId }],
      ['store/cart/converted', { type: 'cart', id: cart!.id, orderId }],
    ]);
    const token = fake.tokenOf('abc123');
    const listed = await call(fake, token, 'GET', `/stores/abc123/v2/orders?cart_id=${cart!.id}`);
    expect(listed.body).toMatchObject([{ id: orderId, cart_id: cart!.id, status_id: 11, billing_address: { email: 'jane@example.com' } }]);
    expect((await call(fake, token, 'GET', `/stores/abc123/v2/orders/${orderId}/products`)).body).toMatchObject([{ sku: 'S-ORAN', quantity: 1, product_id: 77 }]);

    expect(await (await visit(`/api/storefront/checkout/${cart!.id}`)).json()).toMatchObject({ id: cart!.id, orderId });
    expect(await (await visit('/api/storefront/carts')).json()).toEqual([]);
    expect(await (await visit(`/api/storefront/orders/${orderId}`)).json()).toMatchObject({ orderId, cartId: cart!.id });
    expect((await shopper()(`/api/storefront/orders/${orderId}`)).status).toBe(404);
    expect(await (await visit('/checkout/order-confirmation')).text()).toContain(`data-order-id="${orderId}"`);
    expect((await visit('/fake/place-order', { method: 'POST' })).status).toBe(400);
  });

  it('places an order without a browser too, and logs storefront requests', async () => {
    const cart = await fake.createCart('abc123', [{ productId: 86, quantity: 1 }]);
    const placed = await fake.placeOrder('abc123', cart.id);
    expect(placed.order).toMatchObject({ cart_id: cart.id });
    expect(placed.deliveries.map((delivery) => delivery.scope)).toEqual(['store/order/created', 'store/cart/converted']);
    await expect(fake.placeOrder('abc123', cart.id)).rejects.toThrow(/no open cart/);
    expect(fake.calls.some((entry) => entry.operation === 'storefront.place-order' && entry.store === 'abc123' && entry.status === 200)).toBe(true);
  });
});
