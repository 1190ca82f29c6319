import pg from 'pg';
import type { SqlDriver, SqlExecutor, SqlRow, SqlValue } from './sql-driver.ts';

/** `?` → `$1, $2 …`. The store's SQL has no `?` inside string literals. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

// int8 (bigint) and numeric columns come back as strings by default; ours are epoch milliseconds and counts.
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** A pg connection pool. Several processes may share the database; row locks keep them apart. */
export function openPostgresDriver(connectionString: string, options: { max?: number; schema?: string } = {}): SqlDriver {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 16,
    types,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  const on = (client: pg.Pool | pg.PoolClient): SqlExecutor => ({
    async query<T extends SqlRow>(sql: string, params: readonly SqlValue[] = []) {
      return (await client.query(numbered(sql), params as unknown[])).rows as T[];
    },
    async run(sql, params = []) {
      return (await client.query(numbered(sql), params as unknown[])).rowCount ?? 0;
    },
  });
  const executor = on(pool);
  return {
    dialect: 'postgres',
    query: executor.query,
    run: executor.run,
    async transaction(work, options) {
      const client = await pool.connect();
      try {
        // One round trip for both: this transaction's commit need not wait for the WAL flush.
        await client.query(options?.durable === false ? 'BEGIN; SET LOCAL synchronous_commit = off' : 'BEGIN');
        const result = await work(on(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
