import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';
import { findInFiles, findInTables } from '@cartrelay/core/testing';
import { describe, expect, it } from 'vitest';

const here = (path: string) => new URL(path, import.meta.url).pathname;

/** What the demo's sample payloads say about their buyers: every email address, IP address and browser user agent in them. */
function buyersInPayloads(): { emails: string[]; devices: string[] } {
  const text = readdirSync(here('payloads'))
    .filter((name) => name.endsWith('.json'))
    .map((name) => readFileSync(here(`payloads/${name}`), 'utf8'))
    .join('\n');
  const unique = (pattern: RegExp) => [...new Set(text.match(pattern) ?? [])];
  return {
    emails: unique(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g),
    devices: [...unique(/\b(?:\d{1,3}\.){3}\d{1,3}\b/g), ...unique(/Mozilla\/5\.0[^"]*/g)],
  };
}

/**
 * The proof that no plain personal data is at rest: `npm start`'s demo runs in a data folder of this
 * test's choosing, then every column of every table, and the raw bytes of every file the embedded
 * database left (cartrelay.db and any -wal and -shm), are searched for the buyers' email addresses,
 * IP addresses and user agents found in the payloads the demo sends. A SKU of those orders must be
 * found by the same search, so that it is seen to look.
 */
describe('the relay demo, cleaning up', () => {
  it('removes the temporary folder it made for its store', async () => {
    // os.tmpdir() follows TMPDIR: the demo's temporary folder is made in one this test watches.
    const temporary = mkdtempSync(join(tmpdir(), 'cartrelay-demo-tmp-'));
    const { CARTRELAY_DATA_DIR: _ignored, ...inherited } = process.env;
    const demo = await promisify(execFile)(process.execPath, [here('relay-demo.ts')], { env: { ...inherited, TMPDIR: temporary }, timeout: 120_000 });
    expect(demo.stdout).toContain(`embedded store  ${join(temporary, 'cartrelay-demo-')}`);
    expect(demo.stdout).toMatch(/POST +\/Advertisers\/IRdemoWoo\/Conversions +OrderId=727/);
    expect(readdirSync(temporary)).toEqual([]);
  });
});

describe('the relay demo, at rest', () => {
  it('leaves no buyer’s email, IP address or user agent in any table or file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cartrelay-demo-at-rest-'));
    const demo = await promisify(execFile)(process.execPath, [here('relay-demo.ts')], { env: { ...process.env, CARTRELAY_DATA_DIR: dataDir }, timeout: 120_000 });
    // The demo ran through: the conversions and the refund's modification reached impact.com.
    expect(demo.stdout).toContain(`embedded store  ${dataDir}`);
    expect(demo.stdout).toMatch(/POST +\/Advertisers\/IRdemoWoo\/Conversions +OrderId=727/);
    expect(demo.stdout).toMatch(/PUT +\/Advertisers\/IRdemoShopify\/Actions +OrderId=1001 +Reason=ORDER_UPDATE; SOCK-MERINO-M → 2/);

    const { emails, devices } = buyersInPayloads();
    expect(emails).toEqual(expect.arrayContaining(['janedoe@example.com', 'john.doe@example.com']));
    expect(devices.length).toBeGreaterThanOrEqual(4);
    const database = new DatabaseSync(join(dataDir, 'cartrelay.db'), { readOnly: true });
    try {
      const tables = { query: async <T>(sql: string) => database.prepare(sql).all() as T[] };
      expect(await findInTables(tables, 'sqlite', [...emails, ...devices])).toEqual([]);
      expect(await findInTables(tables, 'sqlite', ['SOCK-MERINO-M'])).toContain('orders.entry_json: SOCK-MERINO-M');
    } finally {
      database.close();
    }
    expect(readdirSync(dataDir)).toContain('cartrelay.db');
    expect(findInFiles(dataDir, [...emails, ...devices])).toEqual([]);
    expect(findInFiles(dataDir, ['SOCK-MERINO-M'])).toContain('cartrelay.db: SOCK-MERINO-M');
  });
});
