import { join } from 'node:path';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { PostgresTimeouts } from './sql/postgres-driver.ts';
import type { DriverLog } from './sql/sql-driver.ts';
import { createSqlStore } from './sql/sql-store.ts';
import { openSqliteDriver } from './sql/sqlite-driver.ts';
import { startSqliteInboxThread } from './sql/sqlite-inbox-thread.ts';
import { type Store, storeOf } from './store.ts';

export interface StoreLocation {
  /** A postgres:// URL; absent → the embedded SQLite database in `dataDir`. */
  readonly databaseUrl?: string | undefined;
  readonly dataDir: string;
  /**
   * Seals at rest what the store keeps of customers (raw payloads, what is sent to impact.com) and of
   * shops' credentials: a copied database file or backup shows neither. The same key in every process.
   */
  readonly box: SecretBox;
  /** Postgres schema to use (tests isolate themselves with one). */
  readonly schema?: string;
  /** PostgreSQL: how long to wait on the database before giving up (defaults: DEFAULT_POSTGRES_TIMEOUTS). */
  readonly timeouts?: Partial<PostgresTimeouts>;
  /** Where the store reports faults it survives (a lost database connection). */
  readonly log?: DriverLog;
}

/** Opens the store, brings its schema up to date, and puts the ledger's use case over its ports (storeOf). */
export async function openStore(location: StoreLocation): Promise<Store> {
  if (location.databaseUrl) {
    // Loaded only when used: the embedded default need not carry pg in memory.
    const { openPostgresDriver } = await import('./sql/postgres-driver.ts');
    const driver = openPostgresDriver(location.databaseUrl, {
      ...(location.schema ? { schema: location.schema } : {}),
      ...(location.timeouts ? { timeouts: location.timeouts } : {}),
      ...(location.log ? { log: location.log } : {}),
    });
    const store = createSqlStore(driver, { box: location.box });
    try {
      await store.migrate();
    } catch (error) {
      // Unreachable or refusing: let the process end instead of holding a pool open.
      await store.close().catch(() => undefined);
      throw error;
    }
    return storeOf(store);
  }
  const path = join(location.dataDir, 'cartrelay.db');
  const driver = openSqliteDriver(path);
  // Migrate first: the writer thread prepares its insert against the webhooks table.
  await createSqlStore(driver, { box: location.box }).migrate();
  return storeOf(createSqlStore(driver, { box: location.box, inboxWriter: startSqliteInboxThread(path) }));
}
