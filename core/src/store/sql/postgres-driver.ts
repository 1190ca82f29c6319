import pg from 'pg';
import type { DriverLog, SqlDriver, SqlExecutor, SqlRow, SqlValue } from './sql-driver.ts';

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

/**
 * How long the relay waits on PostgreSQL before it gives up, in milliseconds. Without them a network
 * that swallows packets holds every request and worker forever (docs/operations.md).
 */
export interface PostgresTimeouts {
  /** Opening a connection, or waiting for a pooled one. */
  readonly connectMs: number;
  /** Server side: PostgreSQL cancels a statement that runs longer (`statement_timeout`). */
  readonly statementMs: number;
  /**
   * Client side: no answer for this long means the connection is lost (the server would have cancelled
   * the statement by then); the connection is dropped. Longer than `statementMs`; by default
   * `statementMs` + half of it, at most + 5 s.
   */
  readonly queryMs: number;
  /** Server side: a session left inside a transaction, its client gone, is ended and its locks freed. */
  readonly idleInTransactionMs: number;
  /** TCP keepalive probes on idle connections start after this long, on both ends. */
  readonly keepAliveMs: number;
}

export const DEFAULT_POSTGRES_TIMEOUTS: PostgresTimeouts = {
  connectMs: 5_000,
  statementMs: 30_000,
  queryMs: 35_000,
  idleInTransactionMs: 10_000,
  keepAliveMs: 10_000,
};

export interface PostgresDriverOptions {
  readonly max?: number;
  readonly schema?: string;
  readonly timeouts?: Partial<PostgresTimeouts>;
  /** Where lost connections are reported; the driver carries on without them. */
  readonly log?: DriverLog;
}

/**
 * A pg connection pool. Several processes may share the database; row locks keep them apart.
 *
 * A lost connection (a restart, a failover, `pg_terminate_backend`, a network break) fails the
 * statements under way on it, is logged and dropped, and the next statement opens a new one: the
 * process never dies of it, and whoever asked (a webhook's write, a worker's batch) sees the error
 * and tries again. A connection is dropped whenever a transaction on it failed, so nothing half-done
 * or out of step with the server is ever reused.
 */
export function openPostgresDriver(connectionString: string, options: PostgresDriverOptions = {}): SqlDriver {
  const given = Object.fromEntries(Object.entries(options.timeouts ?? {}).filter(([, value]) => value !== undefined));
  const statementMs = options.timeouts?.statementMs ?? DEFAULT_POSTGRES_TIMEOUTS.statementMs;
  const queryMs = statementMs + Math.min(5_000, Math.round(statementMs / 2));
  const timeouts: PostgresTimeouts = { ...DEFAULT_POSTGRES_TIMEOUTS, queryMs, ...given };
  // The server's cancellation must come first: a client that gives up first drops a working connection.
  if (timeouts.queryMs <= timeouts.statementMs) throw new RangeError(`PostgreSQL timeouts: queryMs (${timeouts.queryMs}) must be longer than statementMs (${timeouts.statementMs})`);
  const keepAliveSeconds = Math.max(1, Math.round(timeouts.keepAliveMs / 1000));
  const serverOptions = [
    ...(options.schema ? [`-c search_path=${options.schema}`] : []),
    // The server's own keepalive: a session whose client vanished with the network is noticed and
    // ended, instead of holding a connection slot until the operating system's two hours.
    `-c tcp_keepalives_idle=${keepAliveSeconds}`,
    '-c tcp_keepalives_interval=5',
    '-c tcp_keepalives_count=3',
  ];
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 16,
    types,
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: timeouts.keepAliveMs,
    options: serverOptions.join(' '),
  });
  const log = options.log;
  // An idle pooled connection that dies emits 'error' on the pool; unheard, it would end the process.
  // pg-pool has already dropped it; the next statement connects anew.
  pool.on('error', (error) => log?.warn({ err: error }, 'database connection lost while idle; reconnecting on next use'));
  // And every connection hears its own errors for as long as it lives: between the pool's listener
  // and the one a statement adds (withClient) there are moments (a connection handed over, released,
  // ended) when a FATAL from the server would otherwise find no listener and end the process. Whoever
  // uses the connection learns of the loss from its statement.
  pool.on('connect', (client) => client.on('error', () => undefined));

  // A statement with no answer within queryMs: the connection is lost (the server would have
  // cancelled the statement by then), so it is cut, which fails the statement. One watchdog for all
  // connections rather than pg's query_timeout, which arms a timer and closures per query and, under
  // load, cost about 60 MB more memory.
  const asking = new Map<pg.PoolClient, number>();
  const cut = new WeakSet<pg.PoolClient>();
  const watchdog = setInterval(
    () => {
      const now = Date.now();
      for (const [client, since] of asking) {
        if (now - since <= timeouts.queryMs) continue;
        asking.delete(client);
        cut.add(client);
        (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      }
    },
    Math.max(50, Math.min(1_000, Math.round(timeouts.queryMs / 10))),
  );
  watchdog.unref();
  const ask = async (client: pg.PoolClient, sql: string, params: readonly SqlValue[] = []): Promise<pg.QueryResult> => {
    asking.set(client, Date.now());
    try {
      // pg's callback form: its promise form cost about 60 MB more memory under load (the benchmark's batches).
      return await new Promise<pg.QueryResult>((resolve, reject) =>
        client.query(numbered(sql), params as unknown[], (error: Error, result: pg.QueryResult) => (error ? reject(error) : resolve(result))),
      );
    } catch (error) {
      if (cut.has(client)) throw new Error(`Query read timeout: no answer from the database within ${timeouts.queryMs} ms`, { cause: error });
      throw error;
    } finally {
      asking.delete(client);
    }
  };

  const on = (client: pg.PoolClient): SqlExecutor => ({
    async query<T extends SqlRow>(sql: string, params?: readonly SqlValue[]) {
      return (await ask(client, sql, params)).rows as T[];
    },
    async run(sql, params) {
      return (await ask(client, sql, params)).rowCount ?? 0;
    },
  });
  /**
   * A transaction's statements, stopped once its connection failed (no answer in time, lost): from
   * then on each throws that first error again, so the work's own recovery (ROLLBACK TO a savepoint)
   * reports the cause rather than "not queryable".
   */
  const within = (client: pg.PoolClient, failed: () => Error | null): SqlExecutor => {
    const executor = on(client);
    let broken: unknown = null;
    const guard = async <T>(statement: () => Promise<T>): Promise<T> => {
      const lost = broken ?? failed();
      if (lost) throw lost;
      try {
        return await statement();
      } catch (error) {
        if (!answeredByServer(error)) broken = error;
        throw error;
      }
    };
    return {
      query: (sql, params) => guard(() => executor.query(sql, params)),
      run: (sql, params) => guard(() => executor.run(sql, params)),
    };
  };

  /**
   * `use` on a pooled connection, which goes back to the pool only if `use` succeeded. While checked
   * out it has no pool listener: a connection lost meanwhile would otherwise be an unhandled 'error'
   * event, which ends the process.
   */
  const withClient = async <T>(use: (client: pg.PoolClient, lost: () => Error | null) => Promise<T>, during: string): Promise<T> => {
    const client = await pool.connect();
    let lost: Error | null = null;
    const onLost = (error: Error) => {
      lost = error;
      // A connection the watchdog cut is reported by the statement that timed out.
      if (!cut.has(client)) log?.warn({ err: error }, `database connection lost ${during}; it is dropped and the work tried again`);
    };
    client.on('error', onLost);
    try {
      const result = await use(client, () => lost);
      client.removeListener('error', onLost);
      client.release();
      return result;
    } catch (error) {
      client.removeListener('error', onLost);
      // Never back into the pool: whatever state the failure left it in goes with it.
      client.release(lost ?? (error instanceof Error ? error : new Error(String(error))));
      throw error;
    }
  };

  return {
    dialect: 'postgres',
    query: (sql, params) => withClient((client) => on(client).query(sql, params), 'during a statement'),
    run: (sql, params) => withClient((client) => on(client).run(sql, params), 'during a statement'),
    transaction: (work, options) =>
      withClient(async (client, lost) => {
        try {
          // One round trip for both: this transaction's commit need not wait for the WAL flush.
          await ask(client, options?.durable === false ? 'BEGIN; SET LOCAL synchronous_commit = off' : 'BEGIN');
          const result = await work(within(client, lost));
          await ask(client, 'COMMIT');
          return result;
        } catch (error) {
          // The server answered with an error (a constraint, a cancelled statement) or the work threw:
          // the connection works, so roll back now and free the locks at once. Anything else (no answer
          // in time, the connection gone) leaves the connection out of step: it is dropped, which makes
          // the server roll back too.
          if (!lost() && answeredByServer(error)) await ask(client, 'ROLLBACK').catch(() => undefined);
          throw error;
        }
      }, 'during a transaction'),
    close: async () => {
      // The watchdog keeps watching until every connection is back: a silent one would hold pool.end() forever.
      await pool.end();
      clearInterval(watchdog);
    },
  };
}

/**
 * True when the failure left the connection in step with the server: an error the server sent
 * (it carries a SQLSTATE and is not fatal to the session) or one thrown by the transaction's own code.
 * Timeouts and lost connections have no SQLSTATE.
 */
function answeredByServer(error: unknown): boolean {
  if (error instanceof pg.DatabaseError) return error.severity !== 'FATAL' && error.severity !== 'PANIC';
  if (!(error instanceof Error)) return true;
  return !/Query read timeout|Connection terminated|not queryable|ECONNRESET|EPIPE|ETIMEDOUT/.test(error.message);
}
