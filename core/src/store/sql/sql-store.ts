import type { SecretBox } from '../../crypto/secret-box.ts';
import type { StoreConnection, StorePorts } from '../store.ts';
import { createCapturesSql } from './captures-sql.ts';
import { type InboxWriterThread, createInboxSql } from './inbox-sql.ts';
import { createLedgerSql } from './ledger-sql.ts';
import { createOutboxSql } from './outbox-sql.ts';
import { createPrivacySql } from './privacy-sql.ts';
import { createQueriesSql } from './queries-sql.ts';
import { migrations } from './schema.ts';
import type { SqlDriver } from './sql-driver.ts';
import { createShopsSql } from './shops-sql.ts';

/** SQLite's user_version while the file still holds bytes a data migration rewrote (rebuildIfOwed). */
const REBUILD_OWED = 1;

/**
 * After a data migration rewrote rows that earlier versions kept in plain: SQLite leaves a rewritten
 * row's old bytes in the free space of its page and in the pages it freed, rows deleted before the
 * upgrade (raw payloads purged after the retention period) are still readable in the free list, and
 * the WAL file holds old page images until it is truncated. VACUUM rebuilds the file from the live
 * rows alone and a TRUNCATE checkpoint empties the WAL; only then is the debt, recorded in the
 * migration's own transaction, cleared. A start that could not finish it (another connection held the
 * WAL) leaves it to the next.
 */
async function rebuildIfOwed(driver: SqlDriver): Promise<void> {
  const [owed] = await driver.query<{ user_version: number }>('PRAGMA user_version');
  if (Number(owed?.user_version) !== REBUILD_OWED) return;
  await driver.run('VACUUM');
  const [checkpoint] = await driver.query<{ busy: number }>('PRAGMA wal_checkpoint(TRUNCATE)');
  if (Number(checkpoint?.busy) === 0) await driver.run('PRAGMA user_version = 0');
}

/** The store's ports over one SQL database, and the database itself. */
export type SqlStore = StorePorts & StoreConnection;

/**
 * The store's ports over a SQL driver, one file per port; the same statements serve SQLite and
 * PostgreSQL. It implements ports only: the ledger's use case (core/src/ledger/apply-order-events.ts)
 * runs over it, and storeOf (store.ts) puts the two together. `box` seals at rest what the store keeps
 * of customers and credentials; `inboxWriter`, when given, takes over webhook inserts (SQLite's writer thread).
 */
export function createSqlStore(driver: SqlDriver, options: { readonly box: SecretBox; readonly inboxWriter?: InboxWriterThread }): SqlStore {
  return {
    dialect: driver.dialect,
    ...createShopsSql(driver),
    ...createInboxSql(driver, options.box, options.inboxWriter),
    ...createLedgerSql(driver, options.box),
    ...createOutboxSql(driver, options.box),
    ...createCapturesSql(driver, options.box),
    ...createPrivacySql(driver, options.box),
    ...createQueriesSql(driver, options.box),

    async migrate() {
      await driver.transaction(async (tx) => {
        // Several processes may start at once against one Postgres: the first migrates, the others wait.
        if (driver.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(4242001)');
        await tx.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
        const applied = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
        const steps = migrations(driver.dialect);
        for (const [index, step] of steps.entries()) {
          const version = index + 1;
          if (applied.has(version)) continue;
          if (typeof step === 'function') {
            await step(tx, options.box);
            // Rows written the old way (a new database has none) leave their old bytes in the file: see below.
            if (driver.dialect === 'sqlite' && applied.size > 0) await tx.run(`PRAGMA user_version = ${REBUILD_OWED}`);
          } else for (const statement of step) await tx.run(statement);
          await tx.run('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [version, Date.now()]);
        }
      });
      if (driver.dialect === 'sqlite') await rebuildIfOwed(driver);
    },

    async close() {
      await options.inboxWriter?.close();
      await driver.close();
    },
  };
}
