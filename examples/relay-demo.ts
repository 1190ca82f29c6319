/**
 * The relay demo `npm start` runs: the embedded service (SQLite in a fresh temporary folder, or in
 * CARTRELAY_DATA_DIR when it is set: an empty folder, kept afterwards) with a fake impact.com and a
 * fake BigCommerce API on loopback; signed sample webhooks of all three platforms, a redelivery, a
 * refund and a test action are replayed; then what reached impact.com is printed. Nothing leaves
 * this machine, and the temporary folder it made is removed at the end.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeBigCommerce } from '@cartrelay/bigcommerce/fake-api';
import { bigcommerceWebhookRequest } from '@cartrelay/bigcommerce/testing';
import { startFakeImpact } from '@cartrelay/core/fake-impact';
import { shopifyWebhookRequest } from '@cartrelay/shopify/testing';
import { woocommerceWebhookRequest } from '@cartrelay/woocommerce/testing';
import { main } from 'cartrelay';

const here = (path: string) => new URL(path, import.meta.url).pathname;
const print = (line = '') => process.stdout.write(`${line}\n`);
const SHOPIFY_SECRET = 'demo-shopify-api-secret';
const BIGCOMMERCE_SECRET = 'demo-bigcommerce-client-secret';
const WOO_SECRET = 'demo-woocommerce-webhook-secret';

const impact = await startFakeImpact({ accounts: { IRdemoShopify: 'token-s', IRdemoWoo: 'token-w', IRdemoBig: 'token-b' } });
const bigcommerce = await startFakeBigCommerce({ tokens: { demo42: 'bc-access-token' } });
const keptDir = process.env.CARTRELAY_DATA_DIR || null;
const dataDir = keptDir ?? (await mkdtemp(join(tmpdir(), 'cartrelay-demo-')));
// However the demo ends, a folder it made goes (one given in CARTRELAY_DATA_DIR is the caller's, kept).
process.once('exit', () => {
  if (!keptDir) rmSync(dataDir, { recursive: true, force: true });
});
const env = {
  PORT: '0',
  HOST: '127.0.0.1',
  CARTRELAY_DATA_DIR: dataDir,
  CARTRELAY_IMPACT_BASE_URL: impact.url,
  SHOPIFY_API_SECRET: SHOPIFY_SECRET,
  BIGCOMMERCE_CLIENT_SECRET: BIGCOMMERCE_SECRET,
  BIGCOMMERCE_API_URL: bigcommerce.url,
  // impact.com's submissions are checked after half a second, not five minutes: an order's next change waits for it.
  CARTRELAY_SUBMISSION_CHECK_MS: '500',
  LOG_LEVEL: 'error',
};
const quiet = { stdout: () => undefined, stderr: () => undefined, readStdin: async () => '', now: () => new Date(), env, untilSignal: async () => undefined };
const cartrelay = (argv: string[]) => {
  let stdout = '';
  return main(argv, { ...quiet, stdout: (text) => (stdout += text) }).then((code) => ({ code, stdout }));
};

print('CartRelay demo');
print(`  embedded store  ${dataDir}`);
print(`  fake impact.com ${impact.url}`);
print();

const config = here('tracking.json');
for (const [platform, shop, sid, token, extra] of [
  ['shopify', 'demo-store.myshopify.com', 'IRdemoShopify', 'token-s', []],
  ['woocommerce', 'https://shop.example', 'IRdemoWoo', 'token-w', ['--webhook-secret', WOO_SECRET]],
  ['bigcommerce', 'demo42', 'IRdemoBig', 'token-b', ['--access-token', 'bc-access-token']],
] as const) {
  const added = await cartrelay(['shops', 'add', '--platform', platform, '--shop', shop, '--impact-account-sid', sid, '--impact-auth-token', token, '--config', config, ...extra]);
  if (added.code !== 0) throw new Error(`could not add the ${platform} shop`);
}

let stop: () => void = () => undefined;
let listening: (url: string) => void = () => undefined;
const started = new Promise<string>((resolve) => (listening = resolve));
const served = main(['serve'], {
  ...quiet,
  stderr: (line) => {
    const url = /listening on (\S+)/.exec(line)?.[1];
    if (url) listening(url);
  },
  untilSignal: () => new Promise<void>((resolve) => (stop = resolve)),
});
const relay = await started;
print(`cartrelay serve listening on ${relay}`);
print();

const send = async (label: string, path: string, request: { headers: Record<string, string>; body: string }) => {
  const response = await fetch(`${relay}${path}`, { method: 'POST', headers: request.headers, body: request.body });
  const answer = (await response.json()) as { outcome?: string; error?: string };
  print(`  → ${label.padEnd(58)} ${response.status} ${answer.outcome ?? answer.error}`);
};

print('Webhooks in:');
const shopifyOrder = await readFile(here('payloads/shopify-orders-paid.json'), 'utf8');
const shop = 'demo-store.myshopify.com';
await send('shopify orders/create #1001', '/webhooks/shopify', shopifyWebhookRequest({ shop, topic: 'orders/create', body: shopifyOrder, apiSecret: SHOPIFY_SECRET, eventId: 'demo-create' }));
const paid = shopifyWebhookRequest({ shop, topic: 'orders/paid', body: shopifyOrder, apiSecret: SHOPIFY_SECRET, eventId: 'demo-paid' });
await send('shopify orders/paid #1001', '/webhooks/shopify', paid);
await send('shopify orders/paid #1001 (redelivered by Shopify)', '/webhooks/shopify', paid);
await send('shopify orders/paid #1001 (forged signature)', '/webhooks/shopify', shopifyWebhookRequest({ shop, topic: 'orders/paid', body: shopifyOrder, apiSecret: 'not-the-secret' }));

const wooOrder = await readFile(here('payloads/woocommerce-order-created.json'), 'utf8');
await send('woocommerce ping (webhook_id=7)', '/webhooks/woocommerce', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'webhook_id=7' });
await send('woocommerce order.created #727', '/webhooks/woocommerce', woocommerceWebhookRequest({ site: 'https://shop.example', topic: 'order.created', body: wooOrder, secret: WOO_SECRET }));

const bundle = JSON.parse(await readFile(here('payloads/bigcommerce-order-bundle.json'), 'utf8'));
bigcommerce.setOrder('demo42', { order: bundle.order, products: bundle.products, coupons: bundle.coupons });
await send('bigcommerce store/order/statusUpdated #218', '/webhooks/bigcommerce', bigcommerceWebhookRequest({ storeHash: 'demo42', scope: 'store/order/statusUpdated', orderId: 218, auth: { clientSecret: BIGCOMMERCE_SECRET } }));

// Wait for the conversions, then refund one pair of socks on the Shopify order.
await waitFor(() => impact.actions.size >= 3);
const refund = JSON.stringify({
  id: 509562969,
  order_id: '820982911946154508',
  created_at: '2022-01-02T10:00:00-05:00',
  note: 'one pair returned',
  refund_line_items: [{ id: 104689539, line_item_id: '976318377106520349', quantity: 1, subtotal: 14.0, total_tax: 0 }],
  transactions: [],
});
await send('shopify refunds/create (1 × SOCK-MERINO-M)', '/webhooks/shopify', shopifyWebhookRequest({ shop, topic: 'refunds/create', body: refund, apiSecret: SHOPIFY_SECRET }));
const testAction = JSON.parse((await cartrelay(['test-action', '--shop', shop])).stdout);
print(`  → ${'cartrelay test-action --shop demo-store.myshopify.com'.padEnd(58)} queued ${testAction.orderId}`);
// Three conversions, the refund's modification and the test conversion.
await waitFor(() => impact.requests.filter((r) => r.status === 200 && !r.path.includes('APISubmissions')).length >= 5);

print();
print('Delivered to impact.com:');
for (const request of impact.requests.filter((r) => r.status === 200 && !r.path.includes('APISubmissions'))) {
  const f = request.fields;
  const items = Object.keys(f)
    .filter((k) => /^ItemSku\d+$/.test(k))
    .map((k) => `${f[k]}×${f[k.replace('Sku', 'Quantity')]} ${f[k.replace('Sku', 'SubTotal')]}`);
  const changes = Object.keys(f)
    .filter((k) => /^Sku\d*$/.test(k))
    .map((k) => `${f[k]} → ${f[k.replace('Sku', 'Quantity')]}`);
  const detail =
    request.method === 'POST'
      ? `${f.ClickId ? `ClickId=${f.ClickId}` : `MediaPartnerId=${f.MediaPartnerId ?? '-'}`} OrderPromoCode=${f.OrderPromoCode ?? '-'} ${f.CurrencyCode} discount ${f.OrderDiscount}; ${items.join(', ')}`
      : request.method === 'PUT'
        ? `Reason=${f.Reason}; ${changes.join(', ')}`
        : `DispositionCode=${f.DispositionCode}`;
  print(`  ${request.method.padEnd(6)} ${request.path.padEnd(38)} OrderId=${f.OrderId}  ${detail}`);
}
print();
print(`Scheduled: reversal of ${testAction.orderId} (TEST_ACTION) at ${testAction.reversal.scheduledAt}, an hour after the test conversion.`);
if (keptDir) {
  print('See every attempt and impact.com answer with:');
  print(`  CARTRELAY_DATA_DIR=${dataDir} npx cartrelay actions --shop demo-store.myshopify.com`);
} else {
  print('The temporary store is removed now; to keep it (and see every attempt with npx cartrelay actions), set');
  print('CARTRELAY_DATA_DIR to an empty folder. To try the relay yourself: npx cartrelay dev (README: Try it locally).');
}

stop();
await served;
await impact.close();
await bigcommerce.close();

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!condition()) throw new Error('the demo timed out waiting for the relay');
}
