import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FakeImpact, startFakeImpact } from '@cartrelay/core/fake-impact';
import { shopifyWebhookRequest } from '@cartrelay/shopify/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.ts';
import { type ServeProcess, createTestDatabase, freePort, postWithRetry, startServe } from './support/serve-process.ts';
import { parseEnv } from '../src/env.ts';
import { openRuntime } from '../src/runtime.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SECRET = 'crash-test-secret';
const ORDERS = 240;
const KILLS = 4;

/** The sample order, made unique: ids, number and click id per order. Edited as text to keep the 64-bit ids. */
async function orderBodies(): Promise<string[]> {
  const template = await readFile(join(root, 'examples/payloads/shopify-orders-paid.json'), 'utf8');
  return Array.from({ length: ORDERS }, (_, n) =>
    template
      .replaceAll('820982911946154508', String(820982911946154508n + BigInt(n)))
      .replace('"name": "#1001"', `"name": "#C${n}"`),
  );
}

for (const database of ['SQLite', 'PostgreSQL'] as const) {
  describe(`crash safety on ${database}`, () => {
    let fake: FakeImpact;
    let env: Record<string, string>;
    let dropDatabase: () => Promise<void> = async () => undefined;

    beforeAll(async () => {
      fake = await startFakeImpact({ accounts: { IRcrash: 'tok' } });
      env = {
        CARTRELAY_DATA_DIR: await mkdtemp(join(tmpdir(), 'cartrelay-crash-')),
        CARTRELAY_IMPACT_BASE_URL: fake.url,
        SHOPIFY_API_SECRET: SECRET,
        CARTRELAY_SECRET_KEY: 'ab'.repeat(32),
        CARTRELAY_LEASE_MS: '1500',
        LOG_LEVEL: 'silent',
      };
      if (database === 'PostgreSQL') {
        const db = await createTestDatabase();
        env.DATABASE_URL = db.url;
        dropDatabase = db.drop;
      }
      const io = { stdout: () => undefined, stderr: () => undefined, readStdin: async () => '', now: () => new Date(), env, untilSignal: async () => undefined };
      const added = await main(['shops', 'add', '--platform', 'shopify', '--shop', 'crash.myshopify.com', '--impact-account-sid', 'IRcrash', '--impact-auth-token', 'tok', '--config', join(root, 'examples/tracking.json')], io);
      expect(added).toBe(0);
    });

    afterAll(async () => {
      await fake.close();
      await dropDatabase();
    });

    it(`loses no acknowledged webhook and converts each order once across ${KILLS} SIGKILLs`, { timeout: 120_000 }, async () => {
      const port = await freePort();
      let server: ServeProcess = await startServe(env, port);
      const bodies = await orderBodies();
      const acknowledged = new Set<string>();
      let sending = true;

      // Every order twice (orders/create and orders/paid), each re-sent until answered, as Shopify retries.
      const sender = (async () => {
        const queue = bodies.flatMap((body, n) => [
          { body, topic: 'orders/create', eventId: `create-${n}` },
          { body, topic: 'orders/paid', eventId: `paid-${n}` },
        ]);
        let next = 0;
        await Promise.all(
          Array.from({ length: 8 }, async () => {
            while (next < queue.length) {
              const item = queue[next++]!;
              const request = shopifyWebhookRequest({ shop: 'crash.myshopify.com', topic: item.topic, body: item.body, apiSecret: SECRET, eventId: item.eventId });
              const status = await postWithRetry(() => server.url, '/webhooks/shopify', request);
              if (status === 200) acknowledged.add(`${item.topic}:${item.eventId}`);
            }
          }),
        );
        sending = false;
      })();

      for (let kill = 0; kill < KILLS; kill++) {
        await new Promise((resolve) => setTimeout(resolve, 400 + kill * 150));
        await server.kill('SIGKILL');
        server = await startServe(env, port);
      }
      await sender;
      expect(sending).toBe(false);
      expect(acknowledged.size).toBe(ORDERS * 2);

      // Wait until the relay has nothing left to do (deliveries re-claimed after a kill included).
      const deadline = Date.now() + 60_000;
      const idle = async () => {
        const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { queues: { webhooks: number; deliveries: number } };
        return ready.queues.webhooks === 0 && ready.queues.deliveries === 0;
      };
      while (!((fake.actions.size >= ORDERS && (await idle())) || Date.now() > deadline)) await new Promise((resolve) => setTimeout(resolve, 100));
      await server.kill('SIGTERM');

      // Every acknowledged webhook is in the ledger's inbox, processed.
      const { store } = await openRuntime(parseEnv(env), () => undefined);
      const shop = await store.findShop('shopify', 'crash.myshopify.com');
      const orders = await store.listOrders(shop!.id, { limit: ORDERS * 2 });
      const depth = await store.queueDepth();
      await store.close();
      expect(orders.filter((o) => o.status === 'converted')).toHaveLength(ORDERS);
      expect(depth).toEqual({ webhooks: 0, deliveries: 0, dead: 0 });

      // impact.com holds exactly one conversion per order.
      expect(fake.actions.size).toBe(ORDERS);
      const orderIds = [...fake.actions.values()].map((a) => a.orderId).sort();
      expect(new Set(orderIds).size).toBe(ORDERS);
      // A conversion in flight at the moment of a kill may be sent again; impact.com keeps one action per OrderId.
      const resent = fake.conversionsPosted() - ORDERS;
      // At most what the delivery worker has in flight (32 requests) per kill.
      expect(resent).toBeLessThanOrEqual(KILLS * 32);
      console.info(`${database}: ${ORDERS} orders, ${acknowledged.size} webhooks acknowledged, ${KILLS} SIGKILLs, ${resent} conversion(s) re-sent after a kill`);
    });
  });
}
