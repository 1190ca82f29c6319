export { type StoreLocation, openStore } from './open-store.ts';
export { type SqlStore, createSqlStore } from './sql/sql-store.ts';
export { openPostgresDriver } from './sql/postgres-driver.ts';
export { openSqliteDriver } from './sql/sqlite-driver.ts';
export { storeOf } from './store.ts';
export type * from './store.ts';
