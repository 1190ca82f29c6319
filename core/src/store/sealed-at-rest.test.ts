import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MinorUnits } from '../money/minor-units.ts';
import { aLine, aSecretBox } from '../testing/builders.ts';
import { findInFiles, findInTables } from '../testing/plain-text-scan.ts';
import { createScratchDatabase } from '../testing/postgres-database.ts';
import { NOW, aSale, aWebhook, addTestShop, applyTestEvent } from '../testing/store-fixtures.ts';
import { openStore } from './open-store.ts';
import { openPostgresDriver } from './sql/postgres-driver.ts';
import type { SqlExecutor, SqlValue } from './sql/sql-driver.ts';

const EMAIL = 'Ann.Buyer@Example.com';
const IP = '198.51.100.23';
const AGENT = 'Mozilla/5.0 (AnnBrowser 3.2)';
const PLAIN = [EMAIL, IP, AGENT];

/**
 * What the store writes of a customer, through its ports, is unreadable in the database itself: raw
 * payloads, delivery fields (the config sends IP and user agent), exports and capture devices are
 * sealed, and the ledger keeps no plain email, IP or user agent. Read back through the ports, each is
 * as it was written.
 */
describe.each(['SQLite', 'PostgreSQL'] as const)('no plain personal data at rest (%s)', (dialect) => {
  let database: { url: string; drop(): Promise<void> } | null = null;
  beforeAll(async () => {
    if (dialect === 'PostgreSQL') database = await createScratchDatabase('cartrelay_at_rest');
  });
  afterAll(() => database?.drop());

  it('seals what names the customer and reads it back through the ports', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cartrelay-at-rest-'));
    const box = aSecretBox();
    const store = await openStore(database ? { databaseUrl: database.url, dataDir, box } : { dataDir, box });
    try {
      const shop = await addTestShop(store);
      const body = JSON.stringify({ id: 1, email: EMAIL, browser_ip: IP, client_details: { user_agent: AGENT } });
      expect(await store.insertWebhooks([aWebhook(shop.id, 'w1', { body })])).toEqual(['stored']);
      const order = aSale({
        checkoutToken: 'tok-1',
        lineItems: [aLine({ id: 'L1', sku: 'SKU-AT-REST', quantity: 1, subtotal: 1000 as MinorUnits })],
        landingUrl: `/?irclickid=CLICK1&e=${EMAIL}`,
        attributes: [{ name: 'wc_order_attribution_user_agent', value: AGENT }],
        customer: { id: 'C1', email: EMAIL },
        client: { ip: IP, userAgent: AGENT },
      });
      const plan = await applyTestEvent(store, shop.id, { kind: 'order', order });
      expect(plan.deliveries[0]?.fields).toMatchObject({ IpAddress: IP, UserAgent: AGENT });
      await store.recordClickCapture({ shopId: shop.id, platformOrderId: 'P1', checkoutToken: 'tok-1', clickId: 'CK', sharedId: null, source: 'pixel', ip: IP, userAgent: AGENT, capturedAt: NOW });
      const exported = await store.exportCustomerData(shop.id, { customerId: 'C1', email: null, platformOrderIds: [] }, 'req-1', NOW);

      const raw = database ? openPostgresDriver(database.url) : sqliteReader(join(dataDir, 'cartrelay.db'));
      try {
        expect(await findInTables(raw, database ? 'postgres' : 'sqlite', PLAIN)).toEqual([]);
        expect(await findInTables(raw, database ? 'postgres' : 'sqlite', ['SKU-AT-REST'])).toContain('orders.entry_json: SKU-AT-REST');
      } finally {
        await raw.close();
      }
      if (!database) expect(findInFiles(dataDir, PLAIN)).toEqual([]);

      expect((await store.claimWebhooks(10, 1000, NOW)).map((w) => w.body)).toEqual([body]);
      expect((await store.listDeliveries(shop.id, {}))[0]?.fields).toEqual(plan.deliveries[0]?.fields);
      expect(exported.orders[0]).toMatchObject({ sentFields: { CustomerId: 'C1', IpAddress: IP, UserAgent: AGENT }, clickCapture: { clickId: 'CK', ip: IP, userAgent: AGENT } });
      expect(await store.listCustomerDataExports(shop.id)).toEqual([exported]);
    } finally {
      await store.close();
    }
  });
});

/** Reads the SQLite file beside the store's own connections, as a copy of it would be read. */
function sqliteReader(path: string): Pick<SqlExecutor, 'query'> & { close(): Promise<void> } {
  const db = new DatabaseSync(path, { readOnly: true });
  return {
    query: async <T>(sql: string, params: readonly SqlValue[] = []) => db.prepare(sql).all(...(params as SQLInputValue[])) as T[],
    close: async () => db.close(),
  };
}
