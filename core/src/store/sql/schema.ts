import type { SecretBox } from '../../crypto/secret-box.ts';
import { addOrderSearch } from './order-search-migration.ts';
import { sealPersonalData } from './seal-personal-data.ts';
import type { SqlExecutor } from './sql-driver.ts';

/** A migration that rewrites rows in JavaScript (sealing what earlier versions kept in plain), in the migration's transaction. */
export type DataMigration = (tx: SqlExecutor, box: SecretBox) => Promise<void>;

/** A list of statements, or a data migration. */
export type Migration = readonly string[] | DataMigration;

/**
 * Schema migrations, applied in order on start, each a list of statements or a data migration. Times are epoch
 * milliseconds; JSON is text. The two dialects differ only in how an id column is declared and in
 * PostgreSQL-only storage settings. A webhook's body and a delivery's fields live apart from their
 * status rows: the status changes several times, and rewriting the payload with it each time would
 * multiply the writes.
 */
export function migrations(dialect: 'sqlite' | 'postgres'): readonly Migration[] {
  const id = dialect === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'BIGSERIAL PRIMARY KEY';
  const ref = dialect === 'sqlite' ? 'INTEGER' : 'BIGINT';
  const time = dialect === 'sqlite' ? 'INTEGER' : 'BIGINT';
  const steps: Migration[] = [
    `CREATE TABLE shops (
       id ${id},
       platform TEXT NOT NULL,
       shop_key TEXT NOT NULL,
       active INTEGER NOT NULL DEFAULT 1,
       config_json TEXT NOT NULL,
       impact_account_sid TEXT NOT NULL,
       impact_auth_token_sealed TEXT NOT NULL,
       webhook_secret_sealed TEXT,
       access_token_sealed TEXT,
       created_at ${time} NOT NULL,
       updated_at ${time} NOT NULL,
       UNIQUE (platform, shop_key)
     );
     CREATE TABLE webhooks (
       id ${id},
       shop_id ${ref} NOT NULL REFERENCES shops(id),
       topic TEXT NOT NULL,
       delivery_id TEXT NOT NULL,
       received_at ${time} NOT NULL,
       status TEXT NOT NULL DEFAULT 'pending',
       attempts INTEGER NOT NULL DEFAULT 0,
       available_at ${time} NOT NULL,
       lease_until ${time},
       outcome TEXT,
       processed_at ${time},
       UNIQUE (shop_id, delivery_id)
     );
     CREATE INDEX webhooks_ready ON webhooks (status, available_at);
     CREATE TABLE webhook_bodies (
       webhook_id ${ref} PRIMARY KEY REFERENCES webhooks(id),
       headers_json TEXT NOT NULL,
       body TEXT NOT NULL
     );
     CREATE TABLE orders (
       id ${id},
       shop_id ${ref} NOT NULL REFERENCES shops(id),
       platform_order_id TEXT NOT NULL,
       status TEXT NOT NULL DEFAULT 'none',
       action_tracker_id TEXT,
       impact_order_id TEXT,
       customer_id_key TEXT,
       customer_email_key TEXT,
       entry_json TEXT NOT NULL,
       explain_json TEXT NOT NULL DEFAULT '[]',
       created_at ${time} NOT NULL,
       updated_at ${time} NOT NULL,
       UNIQUE (shop_id, platform_order_id)
     );
     CREATE UNIQUE INDEX orders_impact_key ON orders (shop_id, action_tracker_id, impact_order_id) WHERE action_tracker_id IS NOT NULL;
     CREATE INDEX orders_customer_id ON orders (shop_id, customer_id_key) WHERE customer_id_key IS NOT NULL;
     CREATE INDEX orders_customer_email ON orders (shop_id, customer_email_key) WHERE customer_email_key IS NOT NULL;
     CREATE TABLE deliveries (
       id ${id},
       shop_id ${ref} NOT NULL REFERENCES shops(id),
       order_ref ${ref} REFERENCES orders(id),
       kind TEXT NOT NULL,
       method TEXT NOT NULL,
       path TEXT NOT NULL,
       status TEXT NOT NULL DEFAULT 'pending',
       attempts INTEGER NOT NULL DEFAULT 0,
       available_at ${time} NOT NULL,
       lease_until ${time},
       queued_uri TEXT,
       submission_status TEXT,
       submission_errors_json TEXT,
       last_error TEXT,
       created_at ${time} NOT NULL,
       completed_at ${time}
     );
     CREATE INDEX deliveries_ready ON deliveries (status, available_at);
     CREATE INDEX deliveries_order ON deliveries (order_ref, id);
     CREATE TABLE delivery_payloads (
       delivery_id ${ref} PRIMARY KEY REFERENCES deliveries(id),
       fields_json TEXT NOT NULL
     );
     CREATE TABLE delivery_attempts (
       id ${id},
       delivery_id ${ref} NOT NULL REFERENCES deliveries(id),
       attempted_at ${time} NOT NULL,
       duration_ms INTEGER NOT NULL,
       http_status INTEGER,
       outcome TEXT NOT NULL,
       detail TEXT
     );
     CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id);`,
    // 2. Queue indexes that hold only the rows a worker may claim, in the order it claims them: a claim
    //    reads the first few entries instead of sorting every pending row, and finished rows leave them.
    `DROP INDEX webhooks_ready;
     CREATE INDEX webhooks_pending ON webhooks (available_at, id) WHERE status = 'pending';
     CREATE INDEX webhooks_leased ON webhooks (lease_until) WHERE status = 'processing';
     DROP INDEX deliveries_ready;
     CREATE INDEX deliveries_pending ON deliveries (available_at, id) WHERE status = 'pending';
     CREATE INDEX deliveries_leased ON deliveries (lease_until) WHERE status = 'inflight';
     CREATE INDEX deliveries_dead ON deliveries (shop_id) WHERE status = 'dead';
     CREATE INDEX deliveries_submissions ON deliveries (available_at) WHERE status = 'done' AND submission_status = 'queued';`,
  ].map(statements);
  // 3. JSON bodies are compressed when stored (TOAST); lz4 costs a fraction of the default pglz's CPU.
  //    Run as EXECUTE so that a server without lz4 (or older than PostgreSQL 14) keeps its default.
  steps.push(
    dialect === 'postgres'
      ? [
          `DO $$ BEGIN
             EXECUTE 'ALTER TABLE webhook_bodies ALTER COLUMN body SET COMPRESSION lz4';
           EXCEPTION WHEN feature_not_supported OR syntax_error THEN NULL;
           END $$`,
        ]
      : [],
  );
  // 4. The store apps: their OAuth sessions, click ids captured by storefront pixels, where each shop's
  //    reconciliation got to, and the customer-data exports privacy requests produce. A shop installed
  //    from a marketplace exists before it is configured: config_json holds JSON null, and the impact.com
  //    credentials are '' until the merchant connects (SQLite cannot drop a NOT NULL in place).
  steps.push(
    statements(`
     CREATE TABLE app_sessions (
       id TEXT PRIMARY KEY,
       platform TEXT NOT NULL,
       shop_key TEXT NOT NULL,
       session_sealed TEXT NOT NULL,
       updated_at ${time} NOT NULL
     );
     CREATE INDEX app_sessions_shop ON app_sessions (platform, shop_key);
     CREATE TABLE click_captures (
       id ${id},
       shop_id ${ref} NOT NULL REFERENCES shops(id),
       platform_order_id TEXT,
       checkout_token TEXT,
       click_id TEXT NOT NULL,
       shared_id TEXT,
       source TEXT NOT NULL,
       ip TEXT,
       user_agent TEXT,
       captured_at ${time} NOT NULL
     );
     CREATE UNIQUE INDEX click_captures_order ON click_captures (shop_id, platform_order_id) WHERE platform_order_id IS NOT NULL;
     CREATE UNIQUE INDEX click_captures_checkout ON click_captures (shop_id, checkout_token) WHERE checkout_token IS NOT NULL;
     CREATE TABLE shop_cursors (
       shop_id ${ref} NOT NULL REFERENCES shops(id),
       name TEXT NOT NULL,
       value TEXT NOT NULL,
       updated_at ${time} NOT NULL,
       PRIMARY KEY (shop_id, name)
     );
     CREATE TABLE customer_data_exports (
       id ${id},
       shop_id ${ref} NOT NULL REFERENCES shops(id),
       request_id TEXT,
       export_json TEXT NOT NULL,
       created_at ${time} NOT NULL
     )`),
  );
  // 5. When a shop was last installed: a platform's late or retried uninstall notice from before it
  //    must not deactivate the shop again.
  steps.push(statements(`ALTER TABLE shops ADD COLUMN installed_at ${time}`));
  // 6. Several beacons may name one order id (anyone can post one); only the checkout token, which only
  //    the buyer's browser knows, stays unique. The order's own checkout token picks the genuine one.
  steps.push(
    statements(`
     DROP INDEX click_captures_order;
     CREATE INDEX click_captures_order ON click_captures (shop_id, platform_order_id) WHERE platform_order_id IS NOT NULL`),
  );
  // 7. A shop's periodic job runs in one process at a time: the cursor row carries a lease.
  steps.push(statements(`ALTER TABLE shop_cursors ADD COLUMN lease_until ${time}`));
  // 8. Expiring access tokens: a session is renewed by one process at a time (its lease, with an owner
  //    so that only the holder saves), because the platform rotates the refresh token on each use and
  //    each new token revokes the one before. A shop whose credentials the platform refused for good
  //    says so until the merchant restores access.
  steps.push(
    statements(`
     ALTER TABLE app_sessions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
     ALTER TABLE app_sessions ADD COLUMN lease_until ${time};
     ALTER TABLE app_sessions ADD COLUMN lease_owner TEXT;
     ALTER TABLE shops ADD COLUMN access_problem TEXT;
     ALTER TABLE shops ADD COLUMN access_problem_at ${time}`),
  );
  // 9. A webhook body is signed, not the headers that say which shop it is for: a body held for one
  //    shop is refused for another (a replay). Its digest finds it.
  steps.push(
    statements(`
     ALTER TABLE webhooks ADD COLUMN body_digest TEXT;
     CREATE INDEX webhooks_body_digest ON webhooks (body_digest) WHERE body_digest IS NOT NULL`),
  );
  // 10. What a pending delivery waits for, besides its planned time (DeliveryWait): a shop's reinstall or
  //     reconnection releases only the waits it ends, never a delivery scheduled for later (a test
  //     action's reversal) or impact.com's rate limit. Existing rows are read from the error they recorded.
  steps.push(
    statements(`
     ALTER TABLE deliveries ADD COLUMN waiting_for TEXT;
     UPDATE deliveries SET waiting_for = CASE
         WHEN last_error = 'shop inactive' THEN 'shop_inactive'
         WHEN last_error = 'impact.com account not connected' THEN 'not_connected'
         WHEN last_error = 'account rate-limited' OR last_error LIKE 'HTTP 429%' THEN 'rate_limited'
         WHEN attempts > 0 THEN 'retry_backoff'
       END
     WHERE status = 'pending' AND last_error IS NOT NULL`),
  );
  // 11. A shop's credentials are one sealed JSON value, whatever the platform needs (a webhook secret, an
  //     API token, an OAuth session), validated by the plugin's own schema: one row per shop, with the
  //     version and lease that a token's renewal needs. The app sessions and the two fixed columns that
  //     held credentials before move into it; a shop's session wins over its older copy of a token.
  steps.push(async (tx, box) => {
    for (const statement of statements(`
     CREATE TABLE shop_credentials (
       platform TEXT NOT NULL,
       shop_key TEXT NOT NULL,
       credentials_sealed TEXT NOT NULL,
       version INTEGER NOT NULL DEFAULT 1,
       lease_until ${time},
       lease_owner TEXT,
       updated_at ${time} NOT NULL,
       PRIMARY KEY (platform, shop_key)
     )`))
      await tx.run(statement);
    const moved = new Set<string>();
    const insert = (platform: string, shopKey: string, sealed: string, version: number, at: number) =>
      tx.run('INSERT INTO shop_credentials (platform, shop_key, credentials_sealed, version, updated_at) VALUES (?, ?, ?, ?, ?)', [platform, shopKey, sealed, version, at]);
    for (const row of await tx.query('SELECT platform, shop_key, session_sealed, version, updated_at FROM app_sessions ORDER BY updated_at DESC, id')) {
      const key = `${row.platform} ${row.shop_key}`;
      if (moved.has(key)) continue;
      moved.add(key);
      await insert(String(row.platform), String(row.shop_key), String(row.session_sealed), Number(row.version), Number(row.updated_at));
    }
    for (const row of await tx.query('SELECT platform, shop_key, webhook_secret_sealed, access_token_sealed, updated_at FROM shops WHERE webhook_secret_sealed IS NOT NULL OR access_token_sealed IS NOT NULL')) {
      if (moved.has(`${row.platform} ${row.shop_key}`)) continue;
      const credentials = {
        ...(row.webhook_secret_sealed ? { webhookSecret: box.open(String(row.webhook_secret_sealed)) } : {}),
        ...(row.access_token_sealed ? { accessToken: box.open(String(row.access_token_sealed)) } : {}),
      };
      await insert(String(row.platform), String(row.shop_key), box.seal(JSON.stringify(credentials)), 1, Number(row.updated_at));
    }
    for (const statement of statements(`
     DROP TABLE app_sessions;
     ALTER TABLE shops DROP COLUMN webhook_secret_sealed;
     ALTER TABLE shops DROP COLUMN access_token_sealed`))
      await tx.run(statement);
  });
  // 12. No plain personal data at rest: raw payloads, delivery fields, data-request exports and the IPs
  //     and user agents of click captures sealed with the store's key, ledger entries stripped of the
  //     plain email, IP and user agent (seal-personal-data.ts).
  steps.push(sealPersonalData);
  // 13. Recent actions: search columns and a newest-first index (order-search-migration.ts).
  steps.push(addOrderSearch);
  // 14. The replay check asks for the same body held for another shop: with the shop in the index, it
  //     reads at most one entry on each side of this shop's, however often one body was delivered to it.
  steps.push(
    statements(`
     DROP INDEX webhooks_body_digest;
     CREATE INDEX webhooks_body_digest_shop ON webhooks (body_digest, shop_id) WHERE body_digest IS NOT NULL`),
  );
  return steps;
}

/** A migration's statements: its SQL cut at each semicolon (none of these statements holds one). */
function statements(sql: string): string[] {
  return sql
    .split(';')
    .map((statement) => statement.trim())
    .filter(Boolean);
}
