import { mkdtempSync } from 'node:fs';
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
});
