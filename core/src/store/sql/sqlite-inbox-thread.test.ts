import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type SqliteInboxThread, startSqliteInboxThread } from './sqlite-inbox-thread.ts';
import { openSqliteDriver } from './sqlite-driver.ts';
import { aSecretBox } from '../../testing/builders.ts';
import { type SealedWebhook, bodyDigest } from './inbox-sql.ts';
import { createSqlStore } from './sql-store.ts';

const box = aSecretBox();
/** As the inbox hands webhooks to the thread: sealed, with the digest of the plain body. */
const webhook = (n: number, body = '{}'): SealedWebhook => ({
  shopId: 1,
  topic: 'orders/paid',
  deliveryId: `d-${n}`,
  receivedAt: n,
  headers: {},
  sealedBody: box.seal(body),
  bodyDigest: bodyDigest(body),
});

async function migrated(path: string): Promise<void> {
  const driver = openSqliteDriver(path);
  await createSqlStore(driver, { box }).migrate();
  await driver.run(
    "INSERT INTO shops (id, platform, shop_key, config_json, impact_account_sid, impact_auth_token_sealed, created_at, updated_at) VALUES (1, 'shopify', 'a.myshopify.com', '{}', '', '', 0, 0)",
  );
  await driver.close();
}

describe('SQLite inbox writer thread', () => {
  let thread: SqliteInboxThread | undefined;
  afterEach(async () => {
    await thread?.close();
    thread = undefined;
  });

  it('reports a full disk with SQLite’s own message and code, and writes again once there is room', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cartrelay-inbox-')), 'db.sqlite');
    await migrated(path);
    thread = startSqliteInboxThread(path);
    expect(await thread.insert([webhook(1)])).toEqual(['stored']);
    // SQLite's own SQLITE_FULL, as from a full disk: the file may not grow.
    await thread.pragma('max_page_count = 1');
    const failure = await thread.insert([webhook(2, JSON.stringify({ note: 'x'.repeat(100_000) }))]).catch((error: unknown) => error);
    expect(failure).toMatchObject({ message: 'inbox write failed: database or disk is full', errcode: 13, errstr: 'database or disk is full' });
    await thread.pragma('max_page_count = 1073741823');
    expect(await thread.insert([webhook(2, JSON.stringify({ note: 'x'.repeat(100_000) }))])).toEqual(['stored']);
  });

  it('fails writes instead of leaving them unanswered when its thread dies, and starts a new thread for the next', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'cartrelay-inbox-')), 'not-yet');
    const path = join(folder, 'db.sqlite');
    // No database there: the thread dies as it starts.
    thread = startSqliteInboxThread(path);
    await expect(thread.insert([webhook(1)])).rejects.toThrow(/unable to open database/);
    await migrated(path);
    expect(await thread.insert([webhook(1)])).toEqual(['stored']);
  });
});
