import { mkdtempSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SqlDriver } from './sql-driver.ts';
import { openSqliteDriver } from './sqlite-driver.ts';

const SYNCHRONOUS = { NORMAL: 1, FULL: 2 };

describe('SQLite driver', () => {
  let driver: SqlDriver;
  afterEach(() => driver.close());
  const synchronous = async (tx: Pick<SqlDriver, 'query'> = driver) => Number((await tx.query<{ synchronous: number }>('PRAGMA synchronous'))[0]?.synchronous);

  it('waits for the disk at COMMIT, except in transactions marked not durable, and restores it after them', async () => {
    driver = openSqliteDriver(join(mkdtempSync(join(tmpdir(), 'cartrelay-driver-')), 'db.sqlite'));
    expect(await synchronous()).toBe(SYNCHRONOUS.FULL);
    expect(await driver.transaction((tx) => synchronous(tx), { durable: false })).toBe(SYNCHRONOUS.NORMAL);
    expect(await synchronous()).toBe(SYNCHRONOUS.FULL);
    await expect(driver.transaction(() => Promise.reject(new Error('boom')), { durable: false })).rejects.toThrow('boom');
    expect(await synchronous()).toBe(SYNCHRONOUS.FULL);
    expect(await driver.transaction((tx) => synchronous(tx))).toBe(SYNCHRONOUS.FULL);
  });

  it('waits for another connection of this process that awaits inside its transaction, without blocking the thread it needs', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cartrelay-driver-')), 'db.sqlite');
    driver = openSqliteDriver(path);
    await driver.run('CREATE TABLE t (x INTEGER)');
    const other = openSqliteDriver(path);
    try {
      const order: string[] = [];
      let holding: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (holding = resolve));
      // The other connection's transaction ends only after a timer: a thread blocked waiting for its lock never would.
      const first = other.transaction(async (tx) => {
        await tx.run('INSERT INTO t VALUES (1)');
        holding();
        await new Promise((resolve) => setTimeout(resolve, 200));
        order.push('first committed');
      });
      await held;
      const second = driver.transaction(async (tx) => {
        order.push('second began');
        return tx.run('INSERT INTO t VALUES (2)');
      });
      await Promise.all([first, second]);
      expect(order).toEqual(['first committed', 'second began']);
      expect(await driver.query('SELECT x FROM t ORDER BY x')).toEqual([{ x: 1 }, { x: 2 }]);
    } finally {
      await other.close();
    }
  });

  it('stays durable when a non-durable transaction cannot even begin (another writer holds the lock)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cartrelay-driver-')), 'db.sqlite');
    driver = openSqliteDriver(path);
    await driver.run('CREATE TABLE t (x INTEGER)');
    const other = new DatabaseSync(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(driver.transaction(() => Promise.resolve(1), { durable: false })).rejects.toThrow(/locked|busy/i);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(await synchronous()).toBe(SYNCHRONOUS.FULL);
  }, 20_000);

  it('reports a full disk as such, not as a failed rollback, and writes again once there is room', async () => {
    driver = openSqliteDriver(join(mkdtempSync(join(tmpdir(), 'cartrelay-driver-')), 'db.sqlite'));
    await driver.run('CREATE TABLE t (x TEXT)');
    // SQLite's own SQLITE_FULL, as from a full disk: the file may not grow. Like ENOSPC at COMMIT,
    // it rolls the whole transaction back by itself.
    const [pages] = await driver.query<{ page_count: number }>('PRAGMA page_count');
    await driver.query(`PRAGMA max_page_count = ${pages!.page_count}`);
    const write = () => driver.transaction(async (tx) => tx.run('INSERT INTO t (x) VALUES (?)', ['x'.repeat(100_000)]));
    await expect(write()).rejects.toThrow('database or disk is full');
    await expect(write()).rejects.toThrow('database or disk is full');
    // Work that recovers from a failed step with a savepoint hears the cause too, and nothing it does
    // after SQLite ended the transaction runs outside it (each statement committed on its own).
    const recovering = driver.transaction(async (tx) => {
      await tx.run('SAVEPOINT step');
      try {
        await tx.run('INSERT INTO t (x) VALUES (?)', ['x'.repeat(100_000)]);
      } catch {
        await tx.run('ROLLBACK TO SAVEPOINT step');
      }
      await tx.run("INSERT INTO t (x) VALUES ('after')");
    });
    await expect(recovering).rejects.toThrow('database or disk is full');
    await driver.query('PRAGMA max_page_count = 1073741823');
    expect(await driver.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 0 }]);
    await expect(write()).resolves.toBe(1);
    expect(await synchronous()).toBe(SYNCHRONOUS.FULL);
  });

  it('creates the database and its WAL files readable by their owner only, in a folder only the owner may enter', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'cartrelay-driver-')), 'data');
    const path = join(folder, 'db.sqlite');
    driver = openSqliteDriver(path);
    await driver.transaction((tx) => tx.run('CREATE TABLE t (x TEXT)'));
    const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);
    expect(mode(folder)).toBe('700');
    for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(mode(file)).toBe('600');
  });
});
