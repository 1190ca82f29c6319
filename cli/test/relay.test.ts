import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeBigCommerce, type FakeBigCommerce } from '@cartrelay/bigcommerce/fake-api';
import { bigcommerceWebhookRequest } from '@cartrelay/bigcommerce/testing';
import { type FakeImpact, startFakeImpact } from '@cartrelay/core/fake-impact';
import { shopifyWebhookRequest } from '@cartrelay/shopify/testing';
import { woocommerceWebhookRequest } from '@cartrelay/woocommerce/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const example = (path: string) => join(root, 'examples', path);
const SHOPIFY_SECRET = 'shopify-app-secret';
const BC_CLIENT_SECRET = 'bc-client-secret';
const WOO_SECRET = 'woo-webhook-secret';

/** The relay as an operator runs it: the cartrelay command, in-process, against fakes on loopback. */
describe('cartrelay serve', () => {
  let fake: FakeImpact;
  let bigcommerce: FakeBigCommerce;
  let env: Record<string, string>;
  let stop: () => void;
  let served: Promise<number>;
  let url: string;

  const run = async (argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      readStdin: async () => '',
      now: () => new Date(),
      env,
      untilSignal: () => new Promise<void>(() => undefined),
    });
    return { code, stdout, stderr };
  };
  const post = (path: string, request: { headers: Record<string, string>; body: string }) =>
    fetch(`${url}${path}`, { method: 'POST', headers: request.headers, body: request.body });
  const until = async (condition: () => boolean, what: string) => {
    for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 50));
    if (!condition()) throw new Error(`timed out waiting for ${what}`);
  };

  beforeAll(async () => {
    fake = await startFakeImpact({ accounts: { IRshopify: 'tok-1', IRwoo: 'tok-2', IRbc: 'tok-3' } });
    bigcommerce = await startFakeBigCommerce({ tokens: { abc123: 'bc-access-token' } });
    const dataDir = await mkdtemp(join(tmpdir(), 'cartrelay-serve-'));
    env = {
      PORT: '0',
      HOST: '127.0.0.1',
      CARTRELAY_DATA_DIR: dataDir,
      CARTRELAY_IMPACT_BASE_URL: fake.url,
      SHOPIFY_API_SECRET: SHOPIFY_SECRET,
      BIGCOMMERCE_CLIENT_SECRET: BC_CLIENT_SECRET,
      BIGCOMMERCE_API_URL: bigcommerce.url,
      // impact.com's submissions are checked after half a second, not five minutes: an order's next change waits for it.
      CARTRELAY_SUBMISSION_CHECK_MS: '500',
      LOG_LEVEL: 'silent',
    };
    const config = example('tracking.json');
    expect((await run(['shops', 'add', '--platform', 'shopify', '--shop', 'demo-store.myshopify.com', '--impact-account-sid', 'IRshopify', '--impact-auth-token', 'tok-1', '--config', config])).code).toBe(0);
    expect((await run(['shops', 'add', '--platform', 'woocommerce', '--shop', 'https://shop.example', '--impact-account-sid', 'IRwoo', '--impact-auth-token', 'tok-2', '--config', config, '--webhook-secret', WOO_SECRET])).code).toBe(0);
    expect((await run(['shops', 'add', '--platform', 'bigcommerce', '--shop', 'abc123', '--impact-account-sid', 'IRbc', '--impact-auth-token', 'tok-3', '--config', config, '--access-token', 'bc-access-token'])).code).toBe(0);

    let resolveSignal: () => void = () => undefined;
    const signal = new Promise<void>((resolve) => (resolveSignal = resolve));
    stop = resolveSignal;
    let listening: (line: string) => void = () => undefined;
    const started = new Promise<string>((resolve) => (listening = resolve));
    served = main(['serve'], {
      stdout: () => undefined,
      stderr: (line) => listening(line),
      readStdin: async () => '',
      now: () => new Date(),
      env,
      untilSignal: () => signal,
    });
    url = /listening on (\S+)/.exec(await started)![1]!;
  });

  afterAll(async () => {
    stop();
    expect(await served).toBe(0);
    await fake.close();
    await bigcommerce.close();
  });

  it('lists the shops without their secrets', async () => {
    const { stdout, stderr, code } = await run(["shops", "list"]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).not.toMatch(/tok-|woo-webhook-secret|bc-access-token/);
    const shops = JSON.parse(stdout) as Array<{ shop: string; credentials: string[] }>;
    expect(shops.map((s) => s.shop)).toEqual(['demo-store.myshopify.com', 'https://shop.example', 'abc123']);
    // What each shop's credentials hold, by name only.
    expect(shops.map((s) => s.credentials)).toEqual([[], ['webhookSecret'], ['accessToken']]);
  });

  it('acknowledges a signed Shopify order once, however often it is delivered, and converts it once', async () => {
    const body = await readFile(example('payloads/shopify-orders-paid.json'), 'utf8');
    const request = shopifyWebhookRequest({ shop: 'demo-store.myshopify.com', topic: 'orders/paid', body, apiSecret: SHOPIFY_SECRET, eventId: 'evt-1' });
    const answers = await Promise.all([post('/webhooks/shopify', request), post('/webhooks/shopify', request)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const created = shopifyWebhookRequest({ shop: 'demo-store.myshopify.com', topic: 'orders/create', body, apiSecret: SHOPIFY_SECRET, eventId: 'evt-0' });
    expect((await post('/webhooks/shopify', created)).status).toBe(200);
    await until(() => fake.actions.has('IRshopify|67890|1001'), 'the Shopify conversion');
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.requests.filter((r) => r.path === '/Advertisers/IRshopify/Conversions')).toHaveLength(1);
    expect(fake.actions.get('IRshopify|67890|1001')!.fields).toMatchObject({ ClickId: 'Sa3Ro1WvsxyNUNU2BdWqJ3NbUkGw4CXoJS0G3Q0', ItemSku4: 'SOCK-MERINO-M', ItemQuantity4: '3' });
  });

  it('turns a Shopify refund into a modification with the absolute quantity', async () => {
    const refund = JSON.stringify({
      id: 509562969,
      order_id: '820982911946154508',
      created_at: '2022-01-02T10:00:00-05:00',
      refund_line_items: [{ id: 104689539, line_item_id: '976318377106520349', quantity: 1, subtotal: 14.0, total_tax: 0 }],
      transactions: [],
    });
    expect((await post('/webhooks/shopify', shopifyWebhookRequest({ shop: 'demo-store.myshopify.com', topic: 'refunds/create', body: refund, apiSecret: SHOPIFY_SECRET }))).status).toBe(200);
    await until(() => (fake.actions.get('IRshopify|67890|1001')?.modifications.length ?? 0) > 0, 'the modification');
    expect(fake.actions.get('IRshopify|67890|1001')!.items['SOCK-MERINO-M']).toBe(2);
  });

  it('reverses a converted order that Shopify cancels, with ORDER_ERROR', async () => {
    const body = (await readFile(example('payloads/shopify-orders-paid.json'), 'utf8'))
      .replaceAll('820982911946154508', '820982911946154999')
      .replace('"name": "#1001"', '"name": "#1002"');
    await post('/webhooks/shopify', shopifyWebhookRequest({ shop: 'demo-store.myshopify.com', topic: 'orders/paid', body, apiSecret: SHOPIFY_SECRET }));
    await until(() => fake.actions.has('IRshopify|67890|1002'), 'the conversion of #1002');
    const cancelled = body
      .replace('"cancelled_at": null', '"cancelled_at": "2022-01-03T09:00:00-05:00"')
      .replace('"financial_status": "paid"', '"financial_status": "refunded"')
      .replace(/"updated_at": "[^"]*"/, '"updated_at": "2022-01-03T09:00:00-05:00"');
    await post('/webhooks/shopify', shopifyWebhookRequest({ shop: 'demo-store.myshopify.com', topic: 'orders/cancelled', body: cancelled, apiSecret: SHOPIFY_SECRET }));
    await until(() => fake.actions.get('IRshopify|67890|1002')?.state === 'REVERSED', 'the reversal of #1002');
    expect(fake.actions.get('IRshopify|67890|1002')!.dispositionCode).toBe('ORDER_ERROR');
  });

  it('converts a signed WooCommerce order and answers the creation ping', async () => {
    const ping = await fetch(`${url}/webhooks/woocommerce`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'webhook_id=42' });
    expect(ping.status).toBe(200);
    const body = await readFile(example('payloads/woocommerce-order-created.json'), 'utf8');
    const answer = await post('/webhooks/woocommerce', woocommerceWebhookRequest({ site: 'https://shop.example', topic: 'order.created', body, secret: WOO_SECRET }));
    expect(answer.status).toBe(200);
    await until(() => fake.actions.has('IRwoo|67890|727'), 'the WooCommerce conversion');
    expect(fake.actions.get('IRwoo|67890|727')!.fields).toMatchObject({ ClickId: 'Wo0Click8xYz', OrderPromoCode: 'podcast-may' });
  });

  it('fetches a BigCommerce order named by a signed webhook and converts it', async () => {
    const bundle = JSON.parse(await readFile(example('payloads/bigcommerce-order-bundle.json'), 'utf8'));
    bigcommerce.setOrder('abc123', { order: bundle.order, products: bundle.products, coupons: bundle.coupons });
    const request = bigcommerceWebhookRequest({ storeHash: 'abc123', scope: 'store/order/statusUpdated', orderId: 218, auth: { clientSecret: BC_CLIENT_SECRET } });
    expect((await post('/webhooks/bigcommerce', request)).status).toBe(200);
    await until(() => fake.actions.has('IRbc|67890|218'), 'the BigCommerce conversion');
    expect(fake.actions.get('IRbc|67890|218')!.fields).toMatchObject({ OrderId: '218', OrderPromoCode: 'S2549JM0Y', ItemSku1: 'S-ORAN' });
  });

  it('answers 401, 400 and 413 deliberately, storing nothing, and an unknown shop as a known one', async () => {
    const body = await readFile(example('payloads/shopify-orders-paid.json'), 'utf8');
    const forged = shopifyWebhookRequest({ shop: 'demo-store.myshopify.com', topic: 'orders/paid', body, apiSecret: 'wrong-secret' });
    expect((await post('/webhooks/shopify', forged)).status).toBe(401);
    const { 'x-shopify-hmac-sha256': _gone, ...unsigned } = shopifyWebhookRequest({ shop: 'demo-store.myshopify.com', topic: 'orders/paid', body, apiSecret: SHOPIFY_SECRET }).headers;
    expect((await post('/webhooks/shopify', { headers: unsigned, body })).status).toBe(401);
    // The signature is checked first: a forged compliance webhook gets 401 for an unknown shop,
    // and so does a forged request with its topic missing.
    const forgedRedact = shopifyWebhookRequest({ shop: 'elsewhere.myshopify.com', topic: 'customers/redact', body: '{"shop_id":1}', apiSecret: 'wrong-secret' });
    expect((await post('/webhooks/shopify', forgedRedact)).status).toBe(401);
    const { 'x-shopify-topic': _topic, ...topicless } = forged.headers;
    expect((await post('/webhooks/shopify', { headers: topicless, body })).status).toBe(401);
    // Signed by Shopify for a shop CartRelay does not hold: nothing to do, and nothing to learn from the answer.
    const unknown = shopifyWebhookRequest({ shop: 'elsewhere.myshopify.com', topic: 'orders/paid', body, apiSecret: SHOPIFY_SECRET });
    expect((await post('/webhooks/shopify', unknown)).status).toBe(200);
    const malformed = shopifyWebhookRequest({ shop: 'demo-store.myshopify.com', topic: 'orders/paid', body: '{"id": 1,', apiSecret: SHOPIFY_SECRET });
    expect((await post('/webhooks/shopify', malformed)).status).toBe(400);
    const huge = shopifyWebhookRequest({ shop: 'demo-store.myshopify.com', topic: 'orders/paid', body: JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }), apiSecret: SHOPIFY_SECRET });
    expect((await post('/webhooks/shopify', huge)).status).toBe(413);
    const wooForged = woocommerceWebhookRequest({ site: 'https://shop.example', topic: 'order.created', body: '{}', secret: 'not-the-secret' });
    expect((await post('/webhooks/woocommerce', wooForged)).status).toBe(401);
    // A site CartRelay does not serve gets the very same answer as a wrong signature for one it does.
    const wooStranger = woocommerceWebhookRequest({ site: 'https://stranger.example', topic: 'order.created', body: '{}', secret: 'not-the-secret' });
    const strangerAnswer = await post('/webhooks/woocommerce', wooStranger);
    const knownAnswer = await post('/webhooks/woocommerce', wooForged);
    expect([strangerAnswer.status, await strangerAnswer.text()]).toEqual([knownAnswer.status, await knownAnswer.text()]);
    const bcWrong = bigcommerceWebhookRequest({ storeHash: 'abc123', scope: 'store/order/created', orderId: 1, auth: { storeSecret: 'guess' } });
    expect((await post('/webhooks/bigcommerce', bcWrong)).status).toBe(401);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    // Unverified requests never name a topic in the metrics: their headers could be anything.
    expect(metrics).toMatch(/cartrelay_webhooks_total\{platform="shopify",topic="unknown",outcome="rejected_401"\} 4/);
    expect(metrics).toMatch(/cartrelay_queue_depth\{queue="dead"\} 0/);
  });

  it('sends a test action now and schedules its TEST_ACTION reversal an hour later', async () => {
    const { code, stdout } = await run(['test-action', '--shop', 'demo-store.myshopify.com']);
    expect(code).toBe(0);
    const { orderId, reversal } = JSON.parse(stdout);
    expect(Date.parse(reversal.scheduledAt) - Date.now()).toBeGreaterThan(59 * 60_000);
    await until(() => fake.actions.has(`IRshopify|67890|${orderId}`), 'the test conversion');
    expect(fake.actions.get(`IRshopify|67890|${orderId}`)!.state).toBe('PENDING');
    const listing = JSON.parse((await run(['actions', '--shop', 'demo-store.myshopify.com', '--json'])).stdout);
    const scheduled = listing.otherDeliveries.find((d: { kind: string }) => d.kind === 'reversal');
    expect(scheduled).toMatchObject({ status: 'pending', fields: { OrderId: orderId, DispositionCode: 'TEST_ACTION' } });
  });

  it('lists each order with its deliveries, attempts and impact.com’s answers', async () => {
    const { stdout } = await run(['actions', '--shop', 'demo-store.myshopify.com', '--status', 'converted', '--json']);
    const { orders } = JSON.parse(stdout);
    const order = orders.find((o: { orderId: string }) => o.orderId === '1001');
    expect(order).toMatchObject({ platformOrderId: '820982911946154508', orderId: '1001', status: 'converted', checks: [] });
    expect(order.deliveries.map((d: { kind: string; status: string }) => `${d.kind}:${d.status}`)).toEqual(['conversion:done', 'modification:done']);
    expect(order.deliveries[0].attempts[0]).toMatchObject({ httpStatus: 200, answer: expect.stringMatching(/^done: QUEUED \/Advertisers\/IRshopify\/APISubmissions\/\d+$/) });
  });

  it('validates the shops commands’ input', async () => {
    expect(await run(['shops', 'add', '--platform', 'shopify', '--shop', 'not a domain', '--impact-account-sid', 'x', '--impact-auth-token', 'y', '--config', example('tracking.json')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--shop: "not a domain" is not a shop domain/) });
    const add = (platform: string, shop: string, ...credentials: string[]) =>
      run(['shops', 'add', '--platform', platform, '--shop', shop, '--impact-account-sid', 'x', '--impact-auth-token', 'y', '--config', example('tracking.json'), ...credentials]);
    expect(await add('woocommerce', 'https://other.example')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--webhook-secret is required for woocommerce/) });
    // Credentials from a file are checked against the platform's own schema.
    const credentials = join(env.CARTRELAY_DATA_DIR!, 'credentials.json');
    await writeFile(credentials, JSON.stringify({ webhookSecret: 'header-secret' }));
    expect(await add('bigcommerce', 'def456', '--credentials', credentials)).toMatchObject({ code: 2, stderr: expect.stringMatching(/--access-token is required for bigcommerce/) });
    await writeFile(credentials, JSON.stringify({ accessToken: 42 }));
    expect(await add('bigcommerce', 'def456', '--credentials', credentials)).toMatchObject({ code: 2, stderr: expect.stringMatching(/credentials: accessToken: .*string/) });
    await writeFile(credentials, '["not", "an object"]');
    expect(await add('bigcommerce', 'def456', '--credentials', credentials)).toMatchObject({ code: 2, stderr: expect.stringMatching(/--credentials: expected a JSON object/) });
    expect((await run(['shops', 'list'])).stdout).not.toMatch(/def456/);
    await writeFile(credentials, JSON.stringify({ accessToken: 'bc-token-2', webhookSecret: 'header-secret' }));
    expect(await add('bigcommerce', 'def456', '--credentials', credentials)).toMatchObject({ code: 0 });
    const added = (JSON.parse((await run(['shops', 'list'])).stdout) as Array<{ shop: string; credentials: string[] }>).find((s) => s.shop === 'def456');
    expect(added?.credentials).toEqual(['accessToken', 'webhookSecret']);
    const badConfig = join(env.CARTRELAY_DATA_DIR!, 'bad.json');
    await writeFile(badConfig, JSON.stringify({ version: 1, program: { campaignId: 'x', actionTrackerId: '1' } }));
    expect(await run(['shops', 'config-set', '--shop', 'abc123', '--config', badConfig])).toMatchObject({ code: 2, stderr: expect.stringMatching(/program\.campaignId: must be a number of 1 to 10 digits/) });
    expect(JSON.parse((await run(['shops', 'config-get', '--shop', 'abc123'])).stdout).program).toEqual({ campaignId: '12345', actionTrackerId: '67890' });
  });
});
