import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyOrderEvents } from '../../ledger/apply-order-events.ts';
import { aConfig, aSecretBox, anOrder } from '../../testing/builders.ts';
import { createScratchDatabase } from '../../testing/postgres-database.ts';
import { openPostgresDriver } from './postgres-driver.ts';
import type { SqlDriver } from './sql-driver.ts';
import { createSqlStore } from './sql-store.ts';
import { openSqliteDriver } from './sqlite-driver.ts';

/**
 * Migration 13 adds the columns recent actions search. Orders saved before it get theirs from their
 * ledger entries, with their shop's click-id parameter, so that an upgrade finds old orders too.
 */
describe.each(['SQLite', 'PostgreSQL'] as const)('migration 13 on orders saved before it (%s)', (dialect) => {
  let database: { url: string; drop(): Promise<void> } | null = null;
  beforeAll(async () => {
    if (dialect === 'PostgreSQL') database = await createScratchDatabase('cartrelay_migration');
  });
  afterAll(() => database?.drop());

  it('fills each order’s number, click id and codes from its ledger entry', async () => {
    const driver: SqlDriver = database ? openPostgresDriver(database.url) : openSqliteDriver(join(mkdtempSync(join(tmpdir(), 'cartrelay-migration-')), 'cartrelay.db'));
    const store = createSqlStore(driver, { box: aSecretBox() });
    try {
      const now = 1_780_000_000_000;
      await store.migrate();
      const config = aConfig({ clickIdParam: 'ref' });
      const shop = await store.addShop({ platform: 'shopify', shopKey: 'a.myshopify.com', config, impactAccountSid: 'IR1', impactAuthTokenSealed: 'v1.x', credentialsSealed: null }, now);
      const order = anOrder({ id: 'P1', number: '1001', landingUrl: '/?ref=CLICK9&irclickid=OTHER', discountCodes: ['Summer10', 'JANE20'] });
      await applyOrderEvents(store, [{ webhookId: null, shopId: shop.id, platformOrderId: 'P1', event: { kind: 'order', order }, config, now }]);
      // As the database was before migration 13.
      await driver.run('DROP INDEX orders_recent');
      for (const column of ['order_number', 'click_id', 'promo_codes']) await driver.run(`ALTER TABLE orders DROP COLUMN ${column}`);
      await driver.run('DELETE FROM schema_migrations WHERE version = 13');

      await store.migrate();
      const [row] = await driver.query('SELECT order_number, click_id, promo_codes FROM orders');
      expect(row).toEqual({ order_number: '1001', click_id: 'CLICK9', promo_codes: '\nsummer10\njane20\n' });
      expect((await store.listRecentOrders(shop.id, { limit: 5, search: 'summer10' })).map((o) => o.platformOrderId)).toEqual(['P1']);
    } finally {
      await store.close();
    }
  });
});
