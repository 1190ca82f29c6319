import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FakeImpact, startFakeImpact } from '@cartrelay/core/fake-impact';
import { shopifyWebhookRequest } from '@cartrelay/shopify/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.ts';
import { type ServeProcess, createTestDatabase, freePort, postWithRetry, startServe } from './support/serve-process.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SECRET = 'multi-process-secret';
const ORDERS = 400;

describe('two serve processes on one PostgreSQL', () => {
  let fake: FakeImpact;
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  let servers: ServeProcess[] = [];

  beforeAll(async () => {
    fake = await startFakeImpact({ accounts: { IRmulti: 'tok' } });
    const db = await createTestDatabase();
    drop = db.drop;
    env = {
      DATABASE_URL: db.url,
      CARTRELAY_DATA_DIR: await mkdtemp(join(tmpdir(), 'cartrelay-multi-')),
      CARTRELAY_IMPACT_BASE_URL: fake.url,
      SHOPIFY_API_SECRET: SECRET,
      CARTRELAY_SECRET_KEY: 'cd'.repeat(32),
      LOG_LEVEL: 'silent',
    };
    const io = { stdout: () => undefined, stderr: () => undefined, readStdin: async () => '', now: () => new Date(), env, untilSignal: async () => undefined };
    await main(['shops', 'add', '--platform', 'shopify', '--shop', 'multi.myshopify.com', '--impact-account-sid', 'IRmulti', '--impact-auth-token', 'tok', '--config', join(root, 'examples/tracking.json')], io);
    servers = await Promise.all([startServe(env, await freePort()), startServe(env, await freePort())]);
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.kill('SIGTERM')));
    await fake.close();
    await drop();
  });

  it('shares the work: every order converted once, none twice, none lost', { timeout: 120_000 }, async () => {
    const template = await readFile(join(root, 'examples/payloads/shopify-orders-paid.json'), 'utf8');
    const work = Array.from({ length: ORDERS }, (_, n) => {
      const body = template.replaceAll('820982911946154508', String(920982911946154508n + BigInt(n))).replace('"name": "#1001"', `"name": "#M${n}"`);
      return [
        // The same delivery to both processes at once (a retry racing the original), and a second topic.
        { server: 0, request: shopifyWebhookRequest({ shop: 'multi.myshopify.com', topic: 'orders/paid', body, apiSecret: SECRET, eventId: `paid-${n}` }) },
        { server: 1, request: shopifyWebhookRequest({ shop: 'multi.myshopify.com', topic: 'orders/paid', body, apiSecret: SECRET, eventId: `paid-${n}` }) },
        { server: n % 2, request: shopifyWebhookRequest({ shop: 'multi.myshopify.com', topic: 'orders/updated', body, apiSecret: SECRET, eventId: `updated-${n}` }) },
      ];
    }).flat();
    let next = 0;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 24 }, async () => {
        while (next < work.length) {
          const item = work[next++]!;
          statuses.push(await postWithRetry(() => servers[item.server]!.url, '/webhooks/shopify', item.request, 5));
        }
      }),
    );
    expect(statuses.every((status) => status === 200)).toBe(true);

    const deadline = Date.now() + 60_000;
    while (fake.actions.size < ORDERS && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fake.actions.size).toBe(ORDERS);
    expect(fake.conversionsPosted()).toBe(ORDERS);
  });
});
