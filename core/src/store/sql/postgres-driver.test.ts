import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type TcpProxy,
  createScratchDatabase,
  sessionsIdleInTransaction,
  startTcpProxy,
  terminateConnections,
  throughPort,
} from '../../testing/postgres-database.ts';
import { openPostgresDriver } from './postgres-driver.ts';
import type { SqlDriver } from './sql-driver.ts';

/** PostgreSQL must be running on 127.0.0.1:5432 (.ci/run starts it). */
describe('PostgreSQL driver under database faults', () => {
  let database: { url: string; drop(): Promise<void> };
  let driver: SqlDriver | undefined;
  let proxy: TcpProxy | undefined;
  const warnings: string[] = [];
  const log = { warn: (_fields: Record<string, unknown>, message: string) => void warnings.push(message) };
  const pid = async (on: Pick<SqlDriver, 'query'>) => Number((await on.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0]!.pid);
  const until = async (condition: () => Promise<boolean>, ms = 5_000) => {
    const deadline = Date.now() + ms;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  beforeAll(async () => {
    database = await createScratchDatabase();
    const setup = openPostgresDriver(database.url);
    await setup.run('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    await setup.close();
  });
  afterEach(async () => {
    await driver?.close();
    await proxy?.close();
    driver = undefined;
    proxy = undefined;
    warnings.length = 0;
  });
  afterAll(() => database.drop());

  it('survives the server ending its idle connections (a restart, pg_terminate_backend): logged, and the next statement reconnects', async () => {
    driver = openPostgresDriver(database.url, { log });
    await Promise.all([pid(driver), pid(driver), pid(driver)]);
    const ended = await terminateConnections(database.url);
    expect(ended).toBeGreaterThanOrEqual(1);
    // Without a listener, the pool's 'error' event would have ended this process here.
    await until(async () => warnings.length >= ended);
    expect(warnings[0]).toMatch(/connection lost while idle/);
    expect(await driver.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('survives a connection ended inside a transaction: the transaction fails, its connection is dropped, the next one works', async () => {
    driver = openPostgresDriver(database.url, { log });
    const failed = driver.transaction(async (tx) => {
      await tx.run('INSERT INTO t (id) VALUES (1)');
      await terminateConnections(database.url);
      // The checked-out connection dies between two statements: its 'error' event has a listener.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await tx.run('INSERT INTO t (id) VALUES (2)');
    });
    await expect(failed).rejects.toThrow(/terminat|not queryable/i);
    expect(await driver.transaction(async (tx) => tx.query('SELECT count(*) AS n FROM t'))).toEqual([{ n: 0 }]);
  });

  it('drops a connection whose transaction failed instead of pooling it again', async () => {
    driver = openPostgresDriver(database.url, { max: 1 });
    const before = await driver.transaction((tx) => pid(tx));
    await expect(
      driver.transaction(async (tx) => {
        await tx.run('INSERT INTO t (id) VALUES (7)');
        await tx.run('INSERT INTO t (id) VALUES (7)');
      }),
    ).rejects.toThrow(/duplicate key/);
    const after = await driver.transaction((tx) => pid(tx));
    expect(after).not.toBe(before);
    expect(await driver.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 0 }]);
  });

  it('gives the server its timeouts and keepalive for every connection', async () => {
    driver = openPostgresDriver(database.url, { timeouts: { statementMs: 1_000, idleInTransactionMs: 3_000, keepAliveMs: 7_000 } });
    const settings = await driver.query<{ s: string; i: string; k: string }>(
      "SELECT current_setting('statement_timeout') AS s, current_setting('idle_in_transaction_session_timeout') AS i, current_setting('tcp_keepalives_idle') AS k",
    );
    expect(settings).toEqual([{ s: '1s', i: '3s', k: '7' }]);
    await expect(driver.query('SELECT pg_sleep(3)')).rejects.toThrow(/statement timeout/);
  });

  it('refuses a client timeout shorter than the statement timeout', () => {
    expect(() => openPostgresDriver(database.url, { timeouts: { statementMs: 2_000, queryMs: 1_000 } })).toThrow(/longer than statementMs/);
  });

  it('fails within its timeouts while the network swallows packets, and works again after it heals, with no session left idle in transaction', { timeout: 20_000 }, async () => {
    proxy = await startTcpProxy({ port: Number(new URL(database.url).port || 5432) });
    driver = openPostgresDriver(throughPort(database.url, proxy.port), {
      log,
      timeouts: { connectMs: 500, statementMs: 500, queryMs: 1_000, idleInTransactionMs: 500 },
    });
    expect(await driver.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);

    const started = Date.now();
    // A transaction caught by the break after its first statement: it holds a row lock on the server.
    const caught = driver.transaction(async (tx) => {
      await tx.run('INSERT INTO t (id) VALUES (42)');
      proxy!.swallow();
      await tx.run('INSERT INTO t (id) VALUES (43)');
    });
    await expect(caught).rejects.toThrow(/timeout/i);
    // Pooled and new connections alike: an answer (an error) within the timeouts, not a hang.
    await expect(driver.query('SELECT 1 AS one')).rejects.toThrow(/timeout/i);
    await expect(driver.transaction((tx) => tx.query('SELECT 1 AS one'))).rejects.toThrow(/timeout/i);
    // Within the timeouts, not hung (loose: CI runs every package's tests at once on two cores).
    expect(Date.now() - started).toBeLessThan(20_000);

    proxy.heal();
    await until(async () => (await driver!.query('SELECT 1 AS one').catch(() => [])).length === 1);
    // The server ended the session the break left inside its transaction, and rolled it back.
    await until(async () => (await sessionsIdleInTransaction(database.url)) === 0);
    expect(await driver.query('SELECT id FROM t WHERE id IN (42, 43)')).toEqual([]);
    // And nothing out of step was pooled again: every answer is the answer to its own question.
    const answers = await Promise.all(Array.from({ length: 20 }, (_, n) => driver!.query<{ n: number }>(`SELECT ${n} AS n`)));
    expect(answers.map((rows) => rows[0]!.n)).toEqual(Array.from({ length: 20 }, (_, n) => n));
  });

  it('closes within its timeouts while the network swallows packets (shutdown does not wait for an answer that never comes)', async () => {
    proxy = await startTcpProxy({ port: Number(new URL(database.url).port || 5432) });
    const silent = openPostgresDriver(throughPort(database.url, proxy.port), { timeouts: { statementMs: 500 } });
    await silent.query('SELECT 1');
    proxy.swallow();
    const unanswered = silent.query('SELECT 1').catch((error: Error) => error.message);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await silent.close();
    expect(await unanswered).toMatch(/Query read timeout/);
  });
});
