/**
 * The little the store needs from a SQL database. Statements use `?` placeholders; the Postgres
 * driver numbers them. Both drivers return plain rows with integers as numbers.
 */
/** A statement parameter; arrays only for Postgres (unnest). */
export type SqlValue = string | number | bigint | null | ReadonlyArray<string | number | null>;
export type SqlRow = Record<string, unknown>;

/** Where a driver reports what it survived (a lost connection); pino's logger is one. */
export interface DriverLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface SqlExecutor {
  query<T extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface SqlDriver extends SqlExecutor {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Runs `work` in one transaction: committed if it resolves, rolled back if it throws. By default
   * the commit has reached the disk when this resolves. `{ durable: false }` is for writes the relay
   * can redo (claims, processing, delivery outcomes): the commit returns without waiting for the
   * disk, so a power cut may undo it (a crash of this process cannot), and the relay then does that
   * work again (ADR 5). SQLite `synchronous = NORMAL`; PostgreSQL `synchronous_commit = off`.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>, options?: { durable?: boolean }): Promise<T>;
  close(): Promise<void>;
}
