/**
 * npm run bench: figures for the webhook path, printed in one run (not a test; nothing asserts).
 *   1. ceiling: a bare node:http server that only verifies the HMAC of the same body;
 *   2. acknowledged webhooks/s with durable storage, on SQLite and on PostgreSQL (workers off);
 *   3. conversions/s end to end: a backlog of acknowledged webhooks processed into the ledger and
 *      delivered to a fake impact.com, on SQLite;
 *   and each relay process's peak RSS. 50 connections, a 4 KB Shopify order.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShopDirectory, createSecretBox, openStore, parseJson, parseSecretKey, parseTrackingConfig } from '@cartrelay/core';
import { startFakeImpact } from '@cartrelay/core/fake-impact';
import autocannon from 'autocannon';
import { createScratchDatabase } from '@cartrelay/core/scratch-database';

const here = (path: string) => new URL(path, import.meta.url).pathname;
const SECRET = 'bench-shopify-secret';
const KEY = 'ef'.repeat(32);
const SHOP = 'bench.myshopify.com';
const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const E2E_ORDERS = Number(process.env.BENCH_ORDERS ?? 20_000);
/** BENCH_ONLY=ceiling,sqlite,postgres,e2e: run some of the parts (all by default). */
const ONLY = new Set((process.env.BENCH_ONLY ?? 'ceiling,sqlite,postgres,e2e').split(','));

/** A ~4 KB orders/paid body: the sample order trimmed to two lean line items, without pretty-printing. */
const sample = parseJson(readFileSync(here('../examples/payloads/shopify-orders-paid.json'), 'utf8'));
function orderBody(n: number): string {
  if (!sample.ok) throw new Error(sample.error);
  const order = structuredClone(sample.value) as Record<string, unknown> & { line_items: unknown[] };
  order.line_items = (order.line_items.slice(0, 2) as Array<Record<string, unknown>>).map((line) => {
    for (const key of ['price_set', 'total_discount_set', 'attributed_staffs', 'duties', 'tax_lines', 'properties']) delete line[key];
    return line;
  });
  for (const key of Object.keys(order)) if (/_set$/.test(key)) delete order[key];
  for (const key of ['shipping_lines', 'fulfillments', 'refunds', 'returns', 'line_item_groups', 'billing_address', 'shipping_address', 'payment_terms', 'tax_lines', 'discount_applications']) delete order[key];
  delete (order.customer as Record<string, unknown> | undefined)?.default_address;
  order.id = 820982911946154508n + BigInt(n);
  order.admin_graphql_api_id = `gid://shopify/Order/${order.id}`;
  order.name = `#B${n}`;
  // 64-bit ids written as JSON numbers, exactly as Shopify sends them.
  const rawJSON = (JSON as unknown as { rawJSON: (text: string) => unknown }).rawJSON;
  return JSON.stringify(order, (_key, value) => (typeof value === 'bigint' ? rawJSON(value.toString()) : value));
}

/** A signed Shopify orders/paid delivery's headers; `eventId` makes each request a new delivery. */
function webhookHeaders(eventId: string, signature: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-shopify-topic': 'orders/paid',
    'x-shopify-shop-domain': SHOP,
    'x-shopify-api-version': '2026-07',
    'x-shopify-webhook-id': eventId,
    'x-shopify-event-id': eventId,
    'x-shopify-hmac-sha256': signature,
  };
}

const sign = (body: string) => createHmac('sha256', SECRET).update(body).digest('base64');

function spawnServer(script: string, arg: string): Promise<{ url: string; child: ChildProcess }> {
  // BENCH_NODE_ARGS: extra flags for the servers, e.g. "--cpu-prof --cpu-prof-dir=prof" to profile them.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  // The relay runs with the flags cli/bin/cartrelay.js gives `cartrelay serve`.
  const relayArgs = script === 'relay-server.ts' ? ['--max-semi-space-size=16'] : [];
  const child = spawn(process.execPath, [...relayArgs, ...nodeArgs, here(script), arg], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const url = /ready (\S+)/.exec(chunk.toString())?.[1];
      if (url) resolve({ url, child });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

function cpuSeconds(child: ChildProcess): number {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function peakRssMb(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function stopServer(child: ChildProcess): Promise<void> {
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

/**
 * 50 connections for DURATION_S seconds; every request a new, signed delivery of the same order
 * (event ids are unique within a run, and every run starts from an empty database). Also reports the
 * server's CPU time per request, a figure less at the mercy of a shared machine's speed than req/s.
 */
async function load(url: string, body: string, server: ChildProcess) {
  let n = 0;
  const signature = sign(body);
  const cpuBefore = cpuSeconds(server);
  const result = await autocannon({
    url: `${url}/webhooks/shopify`,
    connections: CONNECTIONS,
    duration: DURATION_S,
    requests: [
      {
        method: 'POST',
        body,
        setupRequest: (request) => {
          const id = n++;
          request.headers = webhookHeaders(`bench-${id}`, signature);
          return request;
        },
      },
    ],
  });
  const ok = result['2xx'];
  const cpuMicros = ((cpuSeconds(server) - cpuBefore) * 1e6) / Math.max(ok, 1);
  return `${(ok / result.duration).toFixed(0)}/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  non-2xx ${result.non2xx}  CPU ${cpuMicros.toFixed(0)} µs/req  RSS ${peakRssMb(server).toFixed(0)} MB`;
}

async function prepareStore(databaseUrl: string | undefined, dataDir: string): Promise<void> {
  const box = createSecretBox(parseSecretKey(KEY)!);
  const store = await openStore({ databaseUrl, dataDir, box });
  const config = parseTrackingConfig(JSON.parse(readFileSync(here('../examples/tracking.json'), 'utf8')));
  if (!config.ok) throw new Error('examples/tracking.json is invalid');
  await new ShopDirectory(store, box).add({ platform: 'shopify', shopKey: SHOP, config: config.value, impact: { accountSid: 'IRbench', authToken: 'tok' } });
  await store.close();
}

const rows: Array<[string, string]> = [];
const body = orderBody(0);
const fake = await startFakeImpact({ accounts: { IRbench: 'tok' } });
console.log(`CartRelay benchmark: ${CONNECTIONS} connections, ${DURATION_S} s per run, ${Buffer.byteLength(body)}-byte Shopify orders/paid body, node ${process.version}`);

// 1. The ceilings: what answering the same request costs without CartRelay's work.
if (ONLY.has('ceiling')) {
  for (const [name, script] of [
    ['bare node:http, HMAC only (ceiling)', 'hmac-server.ts'],
    ['Express 5, HMAC only', 'express-hmac-server.ts'],
  ] as const) {
    const { url, child } = await spawnServer(script, SECRET);
    rows.push([name, await load(url, body, child)]);
    await stopServer(child);
  }
}

// 2. Durable acknowledgement, workers off.
for (const database of ['SQLite', 'PostgreSQL'] as const) {
  if (!ONLY.has(database === 'SQLite' ? 'sqlite' : 'postgres')) continue;
  const dataDir = await mkdtemp(join(tmpdir(), 'cartrelay-bench-'));
  const db = database === 'PostgreSQL' ? await createScratchDatabase('cartrelay_bench') : null;
  await prepareStore(db?.url, dataDir);
  const { url, child } = await spawnServer('relay-server.ts', JSON.stringify({ databaseUrl: db?.url, dataDir, impactUrl: fake.url, secret: SECRET, key: KEY, workers: false }));
  rows.push([`relay, durable ack, ${database}`, await load(url, body, child)]);
  await stopServer(child);
  await db?.drop();
}

// 3. End to end on SQLite: N unique orders acknowledged (workers off), then a relay with its workers
//    on turns the backlog into conversions at the fake impact.com: processing and delivery throughput.
if (ONLY.has('e2e')) {
  const dataDir = await mkdtemp(join(tmpdir(), 'cartrelay-bench-e2e-'));
  await prepareStore(undefined, dataDir);
  const intake = await spawnServer('relay-server.ts', JSON.stringify({ dataDir, impactUrl: fake.url, secret: SECRET, key: KEY, workers: false }));
  const bodies = Array.from({ length: E2E_ORDERS }, (_, n) => orderBody(n + 1));
  const signatures = bodies.map(sign);
  let n = 0;
  const intakeStarted = performance.now();
  await autocannon({
    url: `${intake.url}/webhooks/shopify`,
    connections: CONNECTIONS,
    amount: E2E_ORDERS,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const i = n++ % E2E_ORDERS;
          return {
            ...request,
            body: bodies[i],
            headers: webhookHeaders(`e2e-${i}`, signatures[i]!),
          };
        },
      },
    ],
  });
  const intakeSeconds = (performance.now() - intakeStarted) / 1000;
  await stopServer(intake.child);

  const started = performance.now();
  const { child } = await spawnServer('relay-server.ts', JSON.stringify({ dataDir, impactUrl: fake.url, secret: SECRET, key: KEY, workers: true }));
  while (fake.actions.size < E2E_ORDERS && performance.now() - started < 300_000) await new Promise((resolve) => setTimeout(resolve, 20));
  const seconds = (performance.now() - started) / 1000;
  rows.push([
    'end to end, SQLite',
    `${E2E_ORDERS} orders acknowledged in ${intakeSeconds.toFixed(1)} s; then ${fake.actions.size} conversions processed and delivered in ${seconds.toFixed(1)} s → ${(fake.actions.size / seconds).toFixed(0)} conversions/s  RSS ${peakRssMb(child).toFixed(0)} MB`,
  ]);
  await stopServer(child);
}

await fake.close();
console.log();
for (const [name, figures] of rows) console.log(`${name.padEnd(38)} ${figures}`);
