import { mkdtempSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createImpactClient } from '../delivery/impact-client.ts';
import { createPlatformAdapter } from '../platform/platform-adapter.ts';
import { err, ok } from '../result.ts';
import { ShopDirectory } from '../shops/shop-directory.ts';
import { openStore } from '../store/open-store.ts';
import { createSqlStore } from '../store/sql/sql-store.ts';
import { openSqliteDriver } from '../store/sql/sqlite-driver.ts';
import { startSqliteInboxThread } from '../store/sql/sqlite-inbox-thread.ts';
import { type Store, storeOf } from '../store/store.ts';
import { aConfig, aLine, aSecretBox, anOrder } from '../testing/builders.ts';
import { type FakeImpact, startFakeImpact } from '../testing/fake-impact.ts';
import { type TcpProxy, createScratchDatabase, sessionsIdleInTransaction, startTcpProxy, throughPort } from '../testing/postgres-database.ts';
import type { WebhookEvent } from '../webhooks/webhook-receiver.ts';
import type { InboxLimits } from './inbox-writer.ts';
import { type Relay, startRelay } from './relay.ts';

/** The key every store and shop directory of these tests seals with. */
const box = aSecretBox();

/**
 * The relay when its database fails under it: a full disk (SQLite), a writer that stalls, a network
 * that swallows packets (PostgreSQL). Each must be answered (503 while the inbox cannot take more,
 * /readyz within a second), logged with its cause, and recovered from by itself.
 */

/** A platform whose webhooks name their shop and delivery in headers, unsigned, and say what they mean. */
const testAdapter = createPlatformAdapter({
  platform: 'testshop',
  orderTopics: ['order'],
  orderPayloadDescription: 'an Order',
  normalizeOrder: (payload) => ok(payload as never),
  webhooks: {
    identify: ({ headers }) =>
      headers['x-shop'] && headers['x-delivery']
        ? ok({ kind: 'delivery', shopKey: headers['x-shop'], topic: 'order', deliveryId: headers['x-delivery'] })
        : err({ status: 400, reason: 'x-shop and x-delivery headers required' }),
    signedWithAppSecret: () => true,
    verify: () => ok(true),
    interpret: (_topic, payload) => {
      const event = (payload as { event?: WebhookEvent }).event;
      return event ? ok(event) : err({ code: 'invalid_payload', problems: [{ path: 'event', message: 'required' }] });
    },
    fetchOrder: () => Promise.resolve(err('not used')),
    normalizeShopKey: (raw) => ok(raw),
  },
});

/** An order webhook of about `size` bytes; `note` bytes of it in what was sold (a line's name), which the ledger keeps. */
const orderBody = (n: number, size = 2_000, note = 0) =>
  JSON.stringify({
    event: { kind: 'order', order: anOrder({ id: `O${n}`, number: `${n}`, ...(note ? { lineItems: [aLine({ name: 'x'.repeat(note) })] } : {}) }) },
    padding: 'x'.repeat(Math.max(0, size - note)),
  });

interface Running {
  readonly relay: Relay;
  readonly logs: Array<{ msg: string; err?: { message?: string } }>;
  post(n: number, size?: number, note?: number): Promise<number>;
  ready(): Promise<{ status: number; ms: number; body: { status: string; reason?: string; queues?: { webhooks: number } } }>;
}

async function run(store: Store, impact: FakeImpact, options: { inbox?: Partial<InboxLimits>; workers?: boolean } = {}): Promise<Running> {
  const logs: Running['logs'] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const shops = new ShopDirectory(store, box, { cacheMs: 0 });
  await shops.add({ platform: 'testshop', shopKey: 'one', config: aConfig(), impact: { accountSid: 'IRfaults', authToken: 'tok' } });
  const relay = await startRelay({
    store,
    shops,
    adapters: new Map([['testshop', testAdapter]]),
    impact: createImpactClient({ baseUrl: impact.url }),
    logger,
    appSecrets: {},
    port: 0,
    host: '127.0.0.1',
    leaseMs: 1_000,
    ...(options.inbox ? { inbox: options.inbox } : {}),
    ...(options.workers === false ? { workers: false } : {}),
  });
  return {
    relay,
    logs,
    async post(n, size, note) {
      const response = await fetch(`${relay.url}/webhooks/testshop`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-shop': 'one', 'x-delivery': `d${n}` },
        body: orderBody(n, size, note),
      });
      await response.arrayBuffer();
      return response.status;
    },
    async ready() {
      const started = Date.now();
      const response = await fetch(`${relay.url}/readyz`);
      return { status: response.status, ms: Date.now() - started, body: (await response.json()) as never };
    },
  };
}

async function until(condition: () => Promise<boolean> | boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the relay when its database fails', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    cleanup.length = 0;
  });

  it('SQLite, disk full: webhooks are answered 500 and workers fail, each logging the real cause; both recover once there is room', { timeout: 60_000 }, async () => {
    const impact = await startFakeImpact({ accounts: { IRfaults: 'tok' } });
    cleanup.push(() => impact.close());
    const path = join(mkdtempSync(join(tmpdir(), 'cartrelay-full-')), 'cartrelay.db');
    const driver = openSqliteDriver(path);
    await createSqlStore(driver, { box }).migrate();
    const thread = startSqliteInboxThread(path);
    const store = storeOf(createSqlStore(driver, { box, inboxWriter: thread }));
    cleanup.push(() => store.close());
    const relay = await run(store, impact);
    cleanup.push(() => relay.relay.close());
    const causes = () => relay.logs.filter((line) => line.err?.message?.includes('database or disk is full'));

    // The inbox writer's file may not grow (SQLite's SQLITE_FULL, as from a full disk).
    await thread.pragma('max_page_count = 1');
    expect(await relay.post(1, 50_000)).toBe(500);
    await until(() => causes().some((line) => line.msg === 'request failed'), 'the failed write logged with its cause');

    // Then the processing connection's: the webhook is stored, the order it brings cannot be saved.
    const [pages] = await driver.query<{ page_count: number }>('PRAGMA page_count');
    await driver.query(`PRAGMA max_page_count = ${pages!.page_count}`);
    await thread.pragma('max_page_count = 1073741823');
    expect(await relay.post(1, 50_000, 40_000)).toBe(200);
    await until(() => causes().some((line) => line.msg !== 'request failed'), 'the failed processing logged with its cause');

    // Room again: everything stored is processed, with no help.
    await driver.query('PRAGMA max_page_count = 1073741823');
    expect(await relay.post(2)).toBe(200);
    await until(async () => (await store.queueDepth()).webhooks === 0, 'every webhook processed');
    expect(relay.logs.filter((line) => JSON.stringify(line).includes('cannot rollback'))).toEqual([]);
  });

  it('SQLite, a writer that stalls: the inbox holds what it may and answers 503 beyond it; /readyz says so within a second; all taken once it moves', { timeout: 60_000 }, async () => {
    const impact = await startFakeImpact({ accounts: { IRfaults: 'tok' } });
    cleanup.push(() => impact.close());
    const dataDir = mkdtempSync(join(tmpdir(), 'cartrelay-stall-'));
    const store = await openStore({ dataDir, box });
    cleanup.push(() => store.close());
    // Workers off: on this store they write from the HTTP thread, which a held lock would stall too.
    const relay = await run(store, impact, { inbox: { maxWebhooks: 4, writeTimeoutMs: 20_000 }, workers: false });
    cleanup.push(() => relay.relay.close());

    // Another process holds the write lock: the inbox's commits wait.
    const other = new DatabaseSync(join(dataDir, 'cartrelay.db'));
    other.exec('BEGIN IMMEDIATE');
    const answers = Array.from({ length: 10 }, (_, n) => relay.post(n));
    const refused = await Promise.race([Promise.all(answers.slice(4)), new Promise<number[]>((resolve) => setTimeout(() => resolve([]), 3_000))]);
    expect(refused).toEqual([503, 503, 503, 503, 503, 503]);
    const ready = await relay.ready();
    expect(ready).toMatchObject({ status: 503, body: { status: 'unavailable', reason: 'inbox full' } });
    // Answered, not hung (the bound is loose: CI runs every package's tests at once on two cores).
    expect(ready.ms).toBeLessThan(5_000);

    other.exec('COMMIT');
    other.close();
    expect(await Promise.all(answers.slice(0, 4))).toEqual([200, 200, 200, 200]);
    // The platform delivers the refused ones again.
    for (let n = 4; n < 10; n++) expect(await relay.post(n)).toBe(200);
    expect((await relay.ready()).body).toMatchObject({ status: 'ready', queues: { webhooks: 10 } });
  });

  it('PostgreSQL, a network that swallows packets: 503s instead of hanging or piling up, /readyz 503 within a second, and after it heals everything is processed with no session left idle in transaction', { timeout: 90_000 }, async () => {
    const impact = await startFakeImpact({ accounts: { IRfaults: 'tok' } });
    cleanup.push(() => impact.close());
    const database = await createScratchDatabase();
    cleanup.push(() => database.drop());
    const proxy: TcpProxy = await startTcpProxy({ port: Number(new URL(database.url).port || 5432) });
    cleanup.push(() => proxy.close());
    const store = await openStore({
      databaseUrl: throughPort(database.url, proxy.port),
      dataDir: '',
      box,
      timeouts: { connectMs: 500, statementMs: 500, idleInTransactionMs: 500 },
    });
    cleanup.push(() => store.close());
    const relay = await run(store, impact, { inbox: { maxBytes: 400_000, writeTimeoutMs: 2_000 } });
    cleanup.push(() => relay.relay.close());
    for (let n = 0; n < 5; n++) expect(await relay.post(n)).toBe(200);

    proxy.swallow();
    const started = Date.now();
    // Large bodies: the inbox takes about four before it is full, the rest are refused at once.
    const during = await Promise.all(Array.from({ length: 12 }, (_, n) => relay.post(100 + n, 100_000)));
    expect(during.filter((status) => status === 503).length).toBeGreaterThanOrEqual(8);
    expect(during.every((status) => status === 503 || status === 500)).toBe(true);
    expect(Date.now() - started).toBeLessThan(20_000);
    const ready = await relay.ready();
    // The relay's own second ran out (its answer says so); the loose bound only catches a hang.
    expect(ready).toMatchObject({ status: 503, body: { reason: expect.stringMatching(/database (did not answer within 1000 ms|unreachable)/) } });
    expect(ready.ms).toBeLessThan(5_000);
    expect(relay.logs.some((line) => line.msg === 'webhook refused: the inbox cannot take it now')).toBe(true);

    proxy.heal();
    await until(async () => (await relay.ready()).status === 200, '/readyz ready again');
    // The platform delivers again what was not acknowledged.
    for (let n = 0; n < 12; n++) await until(async () => (await relay.post(100 + n, 100_000)) === 200, `webhook ${100 + n} acknowledged`);
    await until(async () => (await relay.ready()).body.queues?.webhooks === 0, 'every webhook processed', 15_000);
    await until(async () => (await sessionsIdleInTransaction(database.url)) === 0, 'no session idle in transaction');
    await until(() => impact.actions.size >= 17, 'every order converted', 15_000);
    expect(impact.actions.size).toBe(17);
  });
});
