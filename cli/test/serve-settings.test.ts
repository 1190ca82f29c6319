import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FakeImpact, startFakeImpact } from '@cartrelay/core/fake-impact';
import { shopifyWebhookRequest } from '@cartrelay/shopify/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.ts';
import { type ServeProcess, freePort, startServe } from './support/serve-process.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = fileURLToPath(new URL('../bin/cartrelay.js', import.meta.url));
const SHOPIFY_SECRET = 'serve-settings-secret';
const shop = 'logs-store.myshopify.com';

/** `cartrelay serve` as a process: the address it binds, a port already taken, and what it logs. */
describe('cartrelay serve settings', () => {
  let impact: FakeImpact;
  let env: Record<string, string>;
  const running: ServeProcess[] = [];

  beforeAll(async () => {
    impact = await startFakeImpact({ accounts: { IRlogs: 'logs-token' } });
    env = {
      CARTRELAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'cartrelay-serve-settings-')),
      CARTRELAY_IMPACT_BASE_URL: impact.url,
      SHOPIFY_API_SECRET: SHOPIFY_SECRET,
      LOG_LEVEL: 'info',
    };
    const io = { stdout: () => undefined, stderr: () => undefined, readStdin: async () => '', now: () => new Date(), env, untilSignal: async () => undefined };
    const added = await main(['shops', 'add', '--platform', 'shopify', '--shop', shop, '--impact-account-sid', 'IRlogs', '--impact-auth-token', 'logs-token', '--config', join(root, 'examples/tracking.json')], io);
    expect(added).toBe(0);
  });
  afterAll(async () => {
    await Promise.all(running.map((serve) => serve.kill('SIGTERM')));
    await impact?.close();
  });

  it('binds HOST and says so; by default every interface, with the URL that reaches it from this machine', async () => {
    const loopback = await startServe({ ...env, HOST: '127.0.0.1' }, await freePort());
    running.push(loopback);
    expect(loopback.output()).toMatch(new RegExp(`cartrelay serve: listening on ${loopback.url.replace(/\./g, '\\.')} \\(sqlite\\)`));

    const port = await freePort();
    const everywhere = await startServe(env, port);
    running.push(everywhere);
    expect(everywhere.output()).toContain(`cartrelay serve: listening on http://0.0.0.0:${port} (every interface; from this machine http://127.0.0.1:${port}) (sqlite)`);
  });

  it('says "port N is in use" and exits 2 when the port is taken', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const child = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(2);
      expect(stderr).toBe(`cartrelay serve: port ${port} is in use on 127.0.0.1: stop what holds it, or set PORT\n`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('logs one line per stored webhook and per delivered conversion, ids only, and the topic of a refused webhook', async () => {
    const serve = await startServe({ ...env, HOST: '127.0.0.1' }, await freePort());
    running.push(serve);
    const body = await readFile(join(root, 'examples/payloads/shopify-orders-paid.json'), 'utf8');
    const post = (request: { headers: Record<string, string>; body: string }) => fetch(`${serve.url}/webhooks/shopify`, { method: 'POST', headers: request.headers, body: request.body });
    expect((await post(shopifyWebhookRequest({ shop, topic: 'orders/paid', body, apiSecret: SHOPIFY_SECRET, eventId: 'logs-paid' }))).status).toBe(200);
    expect((await post(shopifyWebhookRequest({ shop, topic: 'orders/cancelled', body, apiSecret: 'forged' }))).status).toBe(401);

    const lines = () =>
      serve
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    await expect.poll(() => lines().filter((line) => line.msg === 'delivered to impact.com').length, { timeout: 15_000 }).toBe(1);
    const stored = lines().filter((line) => line.msg === 'webhook stored');
    expect(stored).toEqual([expect.objectContaining({ level: 30, platform: 'shopify', shopId: expect.any(Number), topic: 'orders/paid', webhookDeliveryId: 'orders/paid:logs-paid' })]);
    const [delivered] = lines().filter((line) => line.msg === 'delivered to impact.com');
    expect(delivered).toMatchObject({ level: 30, shopId: stored[0]!.shopId, deliveryId: expect.any(Number), kind: 'conversion', orderId: '1001' });
    expect(lines().find((line) => line.msg === 'webhook refused')).toMatchObject({ platform: 'shopify', topic: 'orders/cancelled', status: 401 });
    // No customer's data in the log: the sample's email, name and address appear nowhere.
    const payload = JSON.parse(body) as { email: string; customer: { first_name: string }; billing_address: { address1: string } };
    for (const personal of [payload.email, payload.customer.first_name, payload.billing_address.address1]) expect(serve.output()).not.toContain(personal);
  });
});
