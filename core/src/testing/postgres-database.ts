import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server tests and the benchmark use: PostgreSQL on 127.0.0.1:5432 with trust auth. */
export const ADMIN_DATABASE_URL = process.env.CARTRELAY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh, empty PostgreSQL database, and a way to drop it. */
export async function createScratchDatabase(prefix = 'cartrelay_test'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** A network fault between the relay and its database: see tcp-proxy.ts. */
export { type TcpProxy, startTcpProxy } from './tcp-proxy.ts';

/** Runs one statement on `url` over a connection of its own, outside any pool under test. */
async function once<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Ends every other session on `url`'s database, as a restart, a failover or an idle timeout would
 * (`pg_terminate_backend`). Returns how many it ended.
 */
export async function terminateConnections(url: string): Promise<number> {
  const rows = await once<{ ended: boolean }>(
    url,
    'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  return rows.filter((row) => row.ended).length;
}

/** Sessions on `url`'s database sitting inside a transaction with nothing running (they hold their locks). */
export async function sessionsIdleInTransaction(url: string): Promise<number> {
  const [row] = await once<{ n: string }>(
    url,
    "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'",
  );
  return Number(row?.n ?? 0);
}

/** `url` with its host and port replaced, e.g. to go through a TcpProxy on 127.0.0.1. */
export function throughPort(url: string, port: number): string {
  const rewritten = new URL(url);
  rewritten.hostname = '127.0.0.1';
  rewritten.port = String(port);
  return rewritten.toString();
}
