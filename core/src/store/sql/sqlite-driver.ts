import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import type { SqlDriver, SqlExecutor, SqlRow, SqlValue } from './sql-driver.ts';

/**
 * node:sqlite, WAL, one connection. Its calls are synchronous, so a transaction cannot interleave
 * with other statements unless it awaits; a promise queue serializes every operation to make sure.
 */
export function openSqliteDriver(path: string): SqlDriver {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL');
  // FULL: an acknowledged webhook survives a power cut, not only a crash. Group commit pays for it.
  db.exec('PRAGMA synchronous = FULL');
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec('PRAGMA foreign_keys = ON');
  // A 16 MB page cache: the ledger and queues are read back soon after they are written.
  db.exec('PRAGMA cache_size = -16384');
  db.exec('PRAGMA temp_store = MEMORY');
  db.exec('PRAGMA wal_autocheckpoint = 10000');

  const statements = new Map<string, ReturnType<DatabaseSync['prepare']>>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const executor: SqlExecutor = {
    async query<T extends SqlRow>(sql: string, params: readonly SqlValue[] = []) {
      return prepared(sql).all(...(params as SQLInputValue[])) as T[];
    },
    async run(sql, params = []) {
      return Number(prepared(sql).run(...(params as SQLInputValue[])).changes);
    },
  };

  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work, work);
    queue = result.catch(() => undefined);
    return result;
  };

  return {
    dialect: 'sqlite',
    query: (sql, params) => serialized(() => executor.query(sql, params)),
    run: (sql, params) => serialized(() => executor.run(sql, params)),
    transaction: (work, options) =>
      serialized(async () => {
        // Per transaction: FULL waits for the WAL to reach the disk at COMMIT, NORMAL does not.
        const durable = options?.durable ?? true;
        if (!durable) db.exec('PRAGMA synchronous = NORMAL');
        try {
          db.exec('BEGIN IMMEDIATE');
          try {
            const result = await work(executor);
            db.exec('COMMIT');
            return result;
          } catch (error) {
            db.exec('ROLLBACK');
            throw error;
          }
        } finally {
          // Also when BEGIN itself failed (busy): the connection never stays non-durable.
          if (!durable) db.exec('PRAGMA synchronous = FULL');
        }
      }),
    close: () => serialized(async () => db.close()),
  };
}
