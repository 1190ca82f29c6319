import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type SecretBox, ShopDirectory, type Store, createSecretBox, generateSecretKey, openStore, parseSecretKey } from '@cartrelay/core';
import type { Env } from './env.ts';
import { UsageError } from './io.ts';

export interface Runtime {
  readonly store: Store;
  readonly shops: ShopDirectory;
  /** Seals credentials at rest; the store apps seal their sessions with it too. */
  readonly box: SecretBox;
  close(): Promise<void>;
}

/** Where the store reports the faults it survives (a lost database connection); pino's logger is one. */
export interface StoreLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * Opens the store named by the environment, with credentials sealed by the configured key. `log`
 * receives what the store survives; without it, those reports become `note` lines.
 */
export async function openRuntime(env: Env, note: (line: string) => void, log?: StoreLog): Promise<Runtime> {
  const box = secretBox(env, note);
  const store = await openStore({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.CARTRELAY_DATA_DIR,
    box,
    timeouts: databaseTimeouts(env),
    log: log ?? { warn: (fields, message) => note(fields.err instanceof Error ? `${message}: ${fields.err.message}` : message) },
  });
  return { store, box, shops: new ShopDirectory(store, box), close: () => store.close() };
}

/** The PostgreSQL timeouts the environment sets; the store's defaults for the rest. */
function databaseTimeouts(env: Env) {
  return {
    ...(env.CARTRELAY_DB_CONNECT_TIMEOUT_MS !== undefined ? { connectMs: env.CARTRELAY_DB_CONNECT_TIMEOUT_MS } : {}),
    ...(env.CARTRELAY_DB_STATEMENT_TIMEOUT_MS !== undefined ? { statementMs: env.CARTRELAY_DB_STATEMENT_TIMEOUT_MS } : {}),
    ...(env.CARTRELAY_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS !== undefined ? { idleInTransactionMs: env.CARTRELAY_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS } : {}),
  };
}
/**
 * The key that seals credentials at rest: CARTRELAY_SECRET_KEY, or for the embedded database a key
 * file created on first run. A shared PostgreSQL needs the key given explicitly, the same in every process.
 */
function secretBox(env: Env, note: (line: string) => void): SecretBox {
  if (env.CARTRELAY_SECRET_KEY) {
    const key = parseSecretKey(env.CARTRELAY_SECRET_KEY);
    if (!key) throw new UsageError('environment: CARTRELAY_SECRET_KEY must be 64 hex characters or base64 of 32 bytes');
    return createSecretBox(key);
  }
  if (env.DATABASE_URL) throw new UsageError('environment: CARTRELAY_SECRET_KEY is required with DATABASE_URL (every process must seal credentials with the same key)');
  const path = join(env.CARTRELAY_DATA_DIR, 'secret.key');
  if (!existsSync(path)) {
    // Only the relay's user may enter the folder that holds the key and the database.
    mkdirSync(env.CARTRELAY_DATA_DIR, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(path, `${generateSecretKey()}\n`, { mode: 0o600, flag: 'wx' });
      chmodSync(path, 0o600);
      note(`created ${path}: the key that encrypts stored credentials. Keep it with the database; set CARTRELAY_SECRET_KEY to use your own.`);
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const key = parseSecretKey(readFileSync(path, 'utf8'));
  if (!key) throw new UsageError(`${path} does not hold a valid key`);
  return createSecretBox(key);
}
