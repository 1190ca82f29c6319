import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShopDirectory } from '../../shops/shop-directory.ts';
import { aSecretBox } from '../../testing/builders.ts';
import { createScratchDatabase } from '../../testing/postgres-database.ts';
import { openPostgresDriver } from './postgres-driver.ts';
import type { SqlDriver } from './sql-driver.ts';
import { createSqlStore } from './sql-store.ts';
import { openSqliteDriver } from './sqlite-driver.ts';

/**
 * Migration 11 moves every shop's credentials into one sealed JSON value: an app's session as it was
 * sealed, and the two fixed columns (a webhook secret, an access token) opened and sealed again as JSON.
 * A shop's session wins over its older copy of a token.
 */
describe.each(['SQLite', 'PostgreSQL'] as const)('migration 11, shops’ credentials (%s)', (dialect) => {
  let database: { url: string; drop(): Promise<void> } | null = null;
  beforeAll(async () => {
    if (dialect === 'PostgreSQL') database = await createScratchDatabase('cartrelay_credentials');
  });
  afterAll(() => database?.drop());

  it('moves sessions and the webhook-secret and access-token columns into each shop’s credentials', async () => {
    const driver: SqlDriver = database ? openPostgresDriver(database.url) : openSqliteDriver(join(mkdtempSync(join(tmpdir(), 'cartrelay-credentials-')), 'cartrelay.db'));
    const box = aSecretBox();
    const store = createSqlStore(driver, { box });
    try {
      const now = 1_780_000_000_000;
      await store.migrate();
      // As the database was before migration 11.
      const time = dialect === 'SQLite' ? 'INTEGER' : 'BIGINT';
      await driver.run('DROP TABLE shop_credentials');
      await driver.run(
        `CREATE TABLE app_sessions (id TEXT PRIMARY KEY, platform TEXT NOT NULL, shop_key TEXT NOT NULL, session_sealed TEXT NOT NULL, updated_at ${time} NOT NULL,
           version INTEGER NOT NULL DEFAULT 1, lease_until ${time}, lease_owner TEXT)`,
      );
      await driver.run('ALTER TABLE shops ADD COLUMN webhook_secret_sealed TEXT');
      await driver.run('ALTER TABLE shops ADD COLUMN access_token_sealed TEXT');
      await driver.run('DELETE FROM schema_migrations WHERE version = 11');
      const addShop = async (platform: string, shopKey: string, webhookSecret: string | null, accessToken: string | null) => {
        await driver.run(
          `INSERT INTO shops (platform, shop_key, config_json, impact_account_sid, impact_auth_token_sealed, webhook_secret_sealed, access_token_sealed, created_at, updated_at)
           VALUES (?, ?, 'null', '', '', ?, ?, ?, ?)`,
          [platform, shopKey, webhookSecret && box.seal(webhookSecret), accessToken && box.seal(accessToken), now, now],
        );
      };
      await addShop('shopify', 'session.myshopify.com', null, 'shpat_older_copy');
      const session = box.seal(JSON.stringify([['accessToken', 'shpat_session']]));
      await driver.run('INSERT INTO app_sessions (id, platform, shop_key, session_sealed, updated_at, version) VALUES (?, ?, ?, ?, ?, ?)', [
        'offline_session.myshopify.com',
        'shopify',
        'session.myshopify.com',
        session,
        now,
        3,
      ]);
      await addShop('shopify', 'legacy.myshopify.com', null, 'shpat_legacy');
      await addShop('woocommerce', 'https://shop.example', 'wc-secret', null);
      await addShop('bigcommerce', 'abc123', 'bc-secret', 'bc-token');
      await addShop('woocommerce', 'https://bare.example', null, null);

      await store.migrate();
      const shops = new ShopDirectory(store, box, { cacheMs: 0 });
      const credentialsOf = async (platform: string, shopKey: string) => (await shops.find(platform, shopKey))?.credentials;
      expect(await credentialsOf('shopify', 'session.myshopify.com')).toEqual([['accessToken', 'shpat_session']]);
      expect(await store.loadCredentials({ platform: 'shopify', shopKey: 'session.myshopify.com' })).toEqual({ sealed: session, version: 3 });
      expect(await credentialsOf('shopify', 'legacy.myshopify.com')).toEqual({ accessToken: 'shpat_legacy' });
      expect(await credentialsOf('woocommerce', 'https://shop.example')).toEqual({ webhookSecret: 'wc-secret' });
      expect(await credentialsOf('bigcommerce', 'abc123')).toEqual({ webhookSecret: 'bc-secret', accessToken: 'bc-token' });
      expect(await credentialsOf('woocommerce', 'https://bare.example')).toBeNull();
      // Nothing is left where credentials were kept before.
      await expect(driver.query('SELECT 1 FROM app_sessions')).rejects.toThrow();
      await expect(driver.query('SELECT webhook_secret_sealed FROM shops')).rejects.toThrow();
      await expect(driver.query('SELECT access_token_sealed FROM shops')).rejects.toThrow();
    } finally {
      await store.close();
    }
  });
});
