import { join } from 'node:path';
import { createSqlStore } from './sql/sql-store.ts';
import { openSqliteDriver } from './sql/sqlite-driver.ts';
import { startSqliteInboxThread } from './sql/sqlite-inbox-thread.ts';
import type { Store } from './store.ts';

export interface StoreLocation {
  /** A postgres:// URL; absent → the embedded SQLite database in `dataDir`. */
  readonly databaseUrl?: string | undefined;
  readonly dataDir: string;
  /** Postgres schema to use (tests isolate themselves with one). */
  readonly schema?: string;
}

/** Opens the store and brings its schema up to date. */
export async function openStore(location: StoreLocation): Promise<Store> {
  if (location.databaseUrl) {
    // Loaded only when used: the embedded default need not carry pg in memory.
    const { openPostgresDriver } = await import('./sql/postgres-driver.ts');
    const store = createSqlStore(openPostgresDriver(location.databaseUrl, location.schema ? { schema: location.schema } : {}));
    await store.migrate();
    return store;
  }
  const path = join(location.dataDir, 'cartrelay.db');
  const driver = openSqliteDriver(path);
  // Migrate first: the writer thread prepares its insert against the webhooks table.
  await createSqlStore(driver).migrate();
  return createSqlStore(driver, { inboxWriter: startSqliteInboxThread(path) });
}
