import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSecretBox } from '../../testing/builders.ts';
import { createScratchDatabase } from '../../testing/postgres-database.ts';
import { openPostgresDriver } from './postgres-driver.ts';
import type { SqlDriver } from './sql-driver.ts';
import { createSqlStore } from './sql-store.ts';
import { openSqliteDriver } from './sqlite-driver.ts';

/**
 * Migration 10 records what each pending delivery waits for. Rows queued before it say so only in
 * the error they recorded: the migration reads it, so that after the upgrade a reconnection still
 * releases what was held for the shop, and still never a test action's scheduled reversal.
 */
describe.each(['SQLite', 'PostgreSQL'] as const)('migration 10 on deliveries queued before it (%s)', (dialect) => {
  let database: { url: string; drop(): Promise<void> } | null = null;
  beforeAll(async () => {
    if (dialect === 'PostgreSQL') database = await createScratchDatabase('cartrelay_migration');
  });
  afterAll(() => database?.drop());

  it('infers each wait from its recorded error, and a reconnection releases only those it ends', async () => {
    const driver: SqlDriver = database ? openPostgresDriver(database.url) : openSqliteDriver(join(mkdtempSync(join(tmpdir(), 'cartrelay-migration-')), 'cartrelay.db'));
    const store = createSqlStore(driver, { box: aSecretBox() });
    try {
      const now = 1_780_000_000_000;
      await store.migrate();
      const shop = await store.addShop(
        { platform: 'shopify', shopKey: 'a.myshopify.com', config: null, impactAccountSid: 'IR1', impactAuthTokenSealed: 'v1.x', credentialsSealed: null },
        now,
      );
      const delivery = (orderId: string, availableAt = now) => ({ kind: 'conversion' as const, method: 'POST' as const, path: '/x', fields: { OrderId: orderId }, availableAt });
      const [inactive, unconnected, limited, failed, scheduled] = await store.enqueueDeliveries(
        shop.id,
        [delivery('A'), delivery('B'), delivery('C'), delivery('D'), { ...delivery('T', now + 3_600_000), kind: 'reversal', method: 'DELETE' }],
        now,
      );
      await store.claimDeliveries(10, 1000, now);
      const hour = now + 3_600_000;
      await store.recordDeliveryOutcomes([
        { id: inactive!, held: { until: hour, reason: 'shop inactive' } },
        { id: unconnected!, held: { until: hour, reason: 'impact.com account not connected' } },
        { id: limited!, held: { until: hour, reason: 'account rate-limited' } },
        { id: failed!, outcome: { status: 'retry', availableAt: hour, error: 'HTTP 503' }, attempt: { attemptedAt: now, durationMs: 1, httpStatus: 503, detail: '' } },
      ]);
      // As the database was before migration 10.
      await driver.run('ALTER TABLE deliveries DROP COLUMN waiting_for');
      await driver.run('DELETE FROM schema_migrations WHERE version = 10');

      await store.migrate();
      const waits = await driver.query<{ id: number; waiting_for: string | null }>('SELECT id, waiting_for FROM deliveries ORDER BY id');
      expect(waits.map((row) => [Number(row.id), row.waiting_for])).toEqual([
        [inactive, 'shop_inactive'],
        [unconnected, 'not_connected'],
        [limited, 'rate_limited'],
        [failed, 'retry_backoff'],
        [scheduled, null],
      ]);
      expect(await store.releaseDeliveries(shop.id, now + 1)).toBe(3);
      expect((await store.claimDeliveries(10, 1000, now + 1)).map((d) => d.id)).toEqual([inactive, unconnected, failed]);
    } finally {
      await store.close();
    }
  });
});
