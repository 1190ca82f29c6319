export { type StoreLocation, openStore } from './open-store.ts';
export { createSqlStore } from './sql/sql-store.ts';
export { openPostgresDriver } from './sql/postgres-driver.ts';
export { openSqliteDriver } from './sql/sqlite-driver.ts';
export type * from './store.ts';
