import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import type { SqlDriver, SqlExecutor, SqlRow, SqlValue } from './sql-driver.ts';

/**
 * node:sqlite, WAL, one connection. Its calls are synchronous, so a transaction cannot interleave
 * with other statements unless it awaits; a promise queue serializes every operation to make sure.
 */
export function openSqliteDriver(path: string): SqlDriver {
  if (path !== ':memory:') createPrivately(path);
  const db = new DatabaseSync(path);
  // First, so that even switching to WAL waits for another connection's lock. SQLite's own wait
  // blocks the thread, so it stays short; the rest of the wait yields to the event loop (whenUnlocked).
  db.exec(`PRAGMA busy_timeout = ${BLOCKING_WAIT_MS}`);
  db.exec('PRAGMA journal_mode = WAL');
  // FULL: an acknowledged webhook survives a power cut, not only a crash. Group commit pays for it.
  db.exec('PRAGMA synchronous = FULL');
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
    query: (sql, params) => serialized(() => whenUnlocked(() => executor.query(sql, params))),
    run: (sql, params) => serialized(() => whenUnlocked(() => executor.run(sql, params))),
    transaction: (work, options) =>
      serialized(async () => {
        // Per transaction: FULL waits for the WAL to reach the disk at COMMIT, NORMAL does not.
        const durable = options?.durable ?? true;
        if (!durable) db.exec('PRAGMA synchronous = NORMAL');
        try {
          await whenUnlocked(async () => db.exec('BEGIN IMMEDIATE'));
          try {
            const result = await work(withinTransaction(db, executor));
            db.exec('COMMIT');
            return result;
          } catch (error) {
            rollBack(db);
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

/** How long a statement waits for another connection's write lock, in all, before it fails. */
const LOCK_WAIT_MS = 5000;
/** How long of that SQLite waits itself, blocking the thread, before whenUnlocked takes over. */
const BLOCKING_WAIT_MS = 20;

/**
 * Runs a statement, again while another connection holds the lock (SQLITE_BUSY), for LOCK_WAIT_MS in
 * all, pausing between tries without blocking the thread. A thread blocked in SQLite's own wait could
 * not run the code that would end the other transaction when that transaction is its own: another
 * connection of this process that awaits between its statements (a CLI command beside `serve`, two
 * stores in one test).
 */
async function whenUnlocked<T>(statement: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
    try {
      return await statement();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/** SQLITE_BUSY and its extended codes (SQLITE_BUSY_RECOVERY, _SNAPSHOT, _TIMEOUT). */
function isBusy(error: unknown): boolean {
  const errcode = (error as { errcode?: unknown } | null)?.errcode;
  return typeof errcode === 'number' && (errcode & 0xff) === 5;
}

/**
 * The transaction's statements, stopped once SQLite has ended the transaction itself (a full disk,
 * an I/O error roll it back): from then on every statement throws that error again. Otherwise the
 * work's own recovery (ROLLBACK TO a savepoint) would fail with "no such savepoint" and hide the
 * cause, or its next statements would run outside any transaction, each committed on its own.
 */
function withinTransaction(db: DatabaseSync, executor: SqlExecutor): SqlExecutor {
  let ended: unknown = null;
  const guard = async <T>(statement: () => Promise<T>): Promise<T> => {
    if (ended) throw ended;
    try {
      return await statement();
    } catch (error) {
      if (!db.isTransaction) ended = error;
      throw error;
    }
  };
  return {
    query: (sql, params) => guard(() => executor.query(sql, params)),
    run: (sql, params) => guard(() => executor.run(sql, params)),
  };
}

/**
 * Undoes the open transaction, if any: after some errors SQLite has already rolled it back itself
 * (disk full, I/O error), and a ROLLBACK then would fail and hide the error that matters. The caller
 * rethrows that one.
 */
function rollBack(db: DatabaseSync): void {
  if (!db.isTransaction) return;
  try {
    db.exec('ROLLBACK');
  } catch {
    // The cause is the error being handled, not this one.
  }
}

/**
 * The database holds customers' personal data: its folder is created 0700 and the database file
 * 0600 before SQLite opens it; SQLite gives its -wal and -shm files the database file's mode. Files
 * left readable by an earlier version are closed to others too.
 */
function createPrivately(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
}
