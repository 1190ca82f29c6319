import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyOrderEvents } from '../../ledger/apply-order-events.ts';
import { emailKey } from '../../ledger/customer-keys.ts';
import type { LedgerEntry } from '../../ledger/order-lifecycle.ts';
import type { MinorUnits } from '../../money/minor-units.ts';
import { aConfig, aLine, aSecretBox, anOrder } from '../../testing/builders.ts';
import { findInFiles, findInTables } from '../../testing/plain-text-scan.ts';
import { createScratchDatabase } from '../../testing/postgres-database.ts';
import { openPostgresDriver } from './postgres-driver.ts';
import { migrations } from './schema.ts';
import { sealPersonalData } from './seal-personal-data.ts';
import type { SqlDriver } from './sql-driver.ts';
import { createSqlStore } from './sql-store.ts';
import { openSqliteDriver } from './sqlite-driver.ts';

const EMAIL = 'Jo.Buyer@Example.com';
const IP = '198.51.100.77';
const AGENT = 'Mozilla/5.0 (JoBrowser 7.1)';
const PLAIN = [EMAIL, IP, AGENT];
const now = 1_780_000_000_000;
/** The shop names its own click id parameter: the migration keeps the click id by it. */
const config = aConfig({ clickIdParam: 'clk', sendIpAddress: true, sendUserAgent: true });

/** A sale with everything earlier versions kept in the ledger: plain email, IP, user agent, free-text attributes, a landing URL carrying the email. */
const order = anOrder({
  id: 'P1',
  number: '1001',
  checkoutToken: 'tok-P1',
  lineItems: [aLine({ id: 'L1', sku: 'SKU-KEPT', quantity: 2, subtotal: 2000 as MinorUnits })],
  landingUrl: `/products/x?clk=CLICK9&email=${encodeURIComponent(EMAIL)}&sharedid=S1`,
  attributes: [
    { name: 'clk', value: 'CLICK9' },
    { name: 'wc_order_attribution_user_agent', value: AGENT },
    { name: 'gift_note', value: `for ${EMAIL}` },
  ],
  customer: { id: 'C9', email: EMAIL, tags: ['vip'], returning: null },
  client: { ip: IP, userAgent: AGENT },
});
const entry: LedgerEntry = { platformOrderId: 'P1', order, earlyRefunds: [], sent: { status: 'converted', actionTrackerId: '67890', orderId: '1001', items: { 'SKU-KEPT': 2 } } };
const sha1 = createHash('sha1').update(EMAIL.toLowerCase()).digest('hex');
const fields = { CampaignId: '12345', ActionTrackerId: '67890', OrderId: '1001', ClickId: 'CLICK9', CustomerId: 'C9', CustomerEmail: sha1, IpAddress: IP, UserAgent: AGENT, ItemSku1: 'SKU-KEPT' };
const body = JSON.stringify({ id: 1, email: EMAIL, browser_ip: IP, client_details: { user_agent: AGENT } });
const exported = { requestId: 'req-1', createdAt: now, customerId: 'C9', orders: [{ platformOrderId: 'P1', impactOrderId: '1001', status: 'converted', sentFields: { IpAddress: IP }, clickCapture: null }] };

/**
 * The migration that seals customers' data at rest, on rows written the way earlier versions wrote
 * them (in plain): after it, every port reads them back as before, nothing in any table or (on SQLite)
 * in the database's files shows the customer, and the ledger still plans the order's next event.
 */
describe.each(['SQLite', 'PostgreSQL'] as const)('sealing personal data at rest, on rows written in plain before (%s)', (dialect) => {
  let database: { url: string; drop(): Promise<void> } | null = null;
  beforeAll(async () => {
    if (dialect === 'PostgreSQL') database = await createScratchDatabase('cartrelay_seal');
  });
  afterAll(() => database?.drop());

  it('seals payloads, delivery fields, exports and capture devices, strips ledger entries, and leaves no plain trace', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cartrelay-seal-'));
    const driver: SqlDriver = database ? openPostgresDriver(database.url) : openSqliteDriver(join(dataDir, 'cartrelay.db'));
    const box = aSecretBox();
    const store = createSqlStore(driver, { box });
    try {
      await store.migrate();
      const { shopId, orderRef } = await writeRowsTheOldWay(driver);
      expect(await findInTables(driver, driver.dialect, PLAIN)).not.toEqual([]);

      await store.migrate();

      // Nothing shows the customer in plain: not in any table, nor (SQLite) in the database's files.
      expect(await findInTables(driver, driver.dialect, PLAIN)).toEqual([]);
      if (!database) expect(findInFiles(dataDir, PLAIN)).toEqual([]);
      // What is not personal is still readable, so the search above could have found something.
      expect(await findInTables(driver, driver.dialect, ['SKU-KEPT'])).toContain('orders.entry_json: SKU-KEPT');
      if (!database) expect(findInFiles(dataDir, ['SKU-KEPT'])).toEqual(['cartrelay.db: SKU-KEPT']);

      // Each port reads its rows back as they were written.
      const [claimed] = await store.claimWebhooks(10, 1000, now);
      expect(claimed).toMatchObject({ deliveryId: 'w1', body, headers: { 'x-shopify-topic': 'orders/paid' } });
      expect((await store.listDeliveries(shopId, {})).map((d) => d.fields)).toEqual([fields]);
      expect(await store.listCustomerDataExports(shopId)).toEqual([exported]);
      expect(await store.findClickCapture(shopId, 'tok-P1')).toMatchObject({ clickId: 'CLICK9', ip: IP, userAgent: AGENT });
      expect(await store.findClickCapture(shopId, 'tok-2')).toMatchObject({ clickId: 'CLICK2', ip: null, userAgent: null });

      // The ledger entry keeps what planning needs: the customer by id and the email's digests, the click id by the shop's parameter.
      const [kept] = await driver.query<{ entry_json: string; customer_email_key: string }>('SELECT entry_json, customer_email_key FROM orders WHERE id = ?', [orderRef]);
      const keptOrder = (JSON.parse(kept!.entry_json) as LedgerEntry).order!;
      expect(keptOrder.customer).toEqual({ id: 'C9', email: null, emailDigests: { sha1, sha256: emailKey(EMAIL) }, tags: ['vip'], returning: null });
      expect(keptOrder.client).toEqual({ ip: null, userAgent: null });
      expect(keptOrder.attributes).toEqual([{ name: 'clk', value: 'CLICK9' }]);
      expect(keptOrder.landingUrl).toBe('/?clk=CLICK9&sharedid=S1');
      expect(keptOrder.lineItems).toEqual(order.lineItems);

      // And plans the order's next event from it: a refund of one unit, the customer still recognised.
      const [refunded] = await applyOrderEvents(store, [
        { webhookId: null, shopId, platformOrderId: 'P1', event: { kind: 'refund', platformOrderId: 'P1', refund: { id: 'R1', lines: [{ lineId: 'L1', quantity: 1 }] } }, config, now },
      ]);
      expect(refunded?.ok && refunded.plan.deliveries.map((d) => d.fields)).toEqual([{ ActionTrackerId: '67890', OrderId: '1001', Reason: 'ORDER_UPDATE', Sku: 'SKU-KEPT', Quantity: '1' }]);
      const [after] = await driver.query<{ customer_id_key: string; customer_email_key: string }>('SELECT customer_id_key, customer_email_key FROM orders WHERE id = ?', [orderRef]);
      expect(after).toEqual({ customer_id_key: 'C9', customer_email_key: emailKey(EMAIL) });
    } finally {
      await store.close();
    }
  });
});

describe('rebuilding the SQLite file after the migration', () => {
  it('is owed until a start finishes it: another connection holding the WAL puts it off to the next start', { timeout: 30_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cartrelay-seal-'));
    const path = join(dataDir, 'cartrelay.db');
    const driver = openSqliteDriver(path);
    const store = createSqlStore(driver, { box: aSecretBox() });
    try {
      await store.migrate();
      await writeRowsTheOldWay(driver);
      // A reader in the middle of a read (a backup, a `cartrelay actions` at that moment) keeps the WAL from
      // being emptied: the checkpoint waits out SQLite's busy timeout (5 s), then gives up.
      const reader = new DatabaseSync(path, { readOnly: true });
      reader.exec('BEGIN');
      reader.prepare('SELECT COUNT(*) FROM orders').get();
      await store.migrate();
      expect(await findInTables(driver, 'sqlite', PLAIN)).toEqual([]);
      expect(await driver.query('PRAGMA user_version')).toEqual([{ user_version: 1 }]);
      reader.exec('COMMIT');
      reader.close();

      // The next start.
      await store.migrate();
      expect(await driver.query('PRAGMA user_version')).toEqual([{ user_version: 0 }]);
      expect(findInFiles(dataDir, PLAIN)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

/** Rows as earlier versions wrote them: in plain, and a payload already purged (SQLite keeps its bytes in free pages). */
async function writeRowsTheOldWay(driver: SqlDriver): Promise<{ shopId: number; orderRef: number }> {
  // As the database was before the migration.
  const version = migrations(driver.dialect).indexOf(sealPersonalData) + 1;
  expect(version).toBeGreaterThan(0);
  await driver.run('DELETE FROM schema_migrations WHERE version = ?', [version]);
  const [shop] = await driver.query<{ id: number }>(
    `INSERT INTO shops (platform, shop_key, config_json, impact_account_sid, impact_auth_token_sealed, created_at, updated_at)
     VALUES ('shopify', 'a.myshopify.com', ?, 'IR1', 'v1.x', ?, ?) RETURNING id`,
    [JSON.stringify(config), now, now],
  );
  const shopId = Number(shop!.id);
  const [orderRow] = await driver.query<{ id: number }>(
    `INSERT INTO orders (shop_id, platform_order_id, status, action_tracker_id, impact_order_id, customer_id_key, customer_email_key, entry_json, explain_json, created_at, updated_at)
     VALUES (?, 'P1', 'converted', '67890', '1001', 'C9', ?, ?, '["conversion for OrderId 1001"]', ?, ?) RETURNING id`,
    [shopId, emailKey(EMAIL), JSON.stringify(entry), now, now],
  );
  const orderRef = Number(orderRow!.id);
  const [delivery] = await driver.query<{ id: number }>(
    `INSERT INTO deliveries (shop_id, order_ref, kind, method, path, status, available_at, created_at, completed_at)
     VALUES (?, ?, 'conversion', 'POST', '/Advertisers/{AccountSID}/Conversions', 'done', ?, ?, ?) RETURNING id`,
    [shopId, orderRef, now, now, now],
  );
  await driver.run('INSERT INTO delivery_payloads (delivery_id, fields_json) VALUES (?, ?)', [Number(delivery!.id), JSON.stringify(fields)]);
  const webhook = async (deliveryId: string, text: string) => {
    const [row] = await driver.query<{ id: number }>(
      "INSERT INTO webhooks (shop_id, topic, delivery_id, received_at, available_at, body_digest) VALUES (?, 'orders/paid', ?, ?, ?, ?) RETURNING id",
      [shopId, deliveryId, now, now, deliveryId],
    );
    await driver.run('INSERT INTO webhook_bodies (webhook_id, headers_json, body) VALUES (?, ?, ?)', [Number(row!.id), '{"x-shopify-topic":"orders/paid"}', text]);
    return Number(row!.id);
  };
  await webhook('w1', body);
  // A webhook purged after the retention period, before the upgrade: SQLite keeps its bytes in free pages.
  const purged = await webhook('w0', JSON.stringify({ email: EMAIL, note: 'x'.repeat(20_000) }));
  await driver.run('DELETE FROM webhook_bodies WHERE webhook_id = ?', [purged]);
  await driver.run('DELETE FROM webhooks WHERE id = ?', [purged]);
  await driver.run('INSERT INTO customer_data_exports (shop_id, request_id, export_json, created_at) VALUES (?, ?, ?, ?)', [shopId, 'req-1', JSON.stringify(exported), now]);
  await driver.run(
    "INSERT INTO click_captures (shop_id, platform_order_id, checkout_token, click_id, source, ip, user_agent, captured_at) VALUES (?, 'P1', 'tok-P1', 'CLICK9', 'pixel', ?, ?, ?)",
    [shopId, IP, AGENT, now],
  );
  // Another capture, without a device: nothing to seal.
  await driver.run("INSERT INTO click_captures (shop_id, checkout_token, click_id, source, captured_at) VALUES (?, 'tok-2', 'CLICK2', 'pixel', ?)", [shopId, now]);
  return { shopId, orderRef };
}
