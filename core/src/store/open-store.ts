import { join } from 'node:path';
import { openPostgresDriver } from './sql/postgres-driver.ts';
import { createSqlStore } from './sql/sql-store.ts';
import { openSqliteDriver } from './sql/sqlite-driver.ts';
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
  const driver = location.databaseUrl
    ? openPostgresDriver(location.databaseUrl, location.schema ? { schema: location.schema } : {})
    : openSqliteDriver(join(location.dataDir, 'cartrelay.db'));
  const store = createSqlStore(driver);
  await store.migrate();
  return store;
}
