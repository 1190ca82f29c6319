import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '@cartrelay/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeShopify, startFakeShopify } from '@cartrelay/shopify/fake-shopify';
import { reconcileCommand } from '../src/commands/reconcile.ts';
import type { Io } from '../src/io.ts';
import { main } from '../src/main.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const shop = 'merino.myshopify.com';
const order = (n: number, updatedAt: string) => ({ id: `gid://shopify/Order/${n}`, name: `#${n}`, updatedAt, lineItems: { nodes: [] } });

describe('cartrelay reconcile', () => {
  let fake: FakeShopify;
  let env: Record<string, string>;

  const io = (out: { stdout: string; stderr: string }): Io => ({
    stdout: (t) => {
      out.stdout += t;
    },
    stderr: (t) => {
      out.stderr += t;
    },
    readStdin: async () => '',
    now: () => new Date('2026-03-02T00:00:00Z'),
    env,
    untilSignal: () => new Promise<void>(() => undefined),
  });
  const reconcile = async (args: string[]) => {
    const out = { stdout: '', stderr: '' };
    const code = await reconcileCommand(args, io(out)).catch((error: Error) => {
      out.stderr += error.message;
      return 2;
    });
    return { code, ...out };
  };

  beforeAll(async () => {
    fake = await startFakeShopify({ apiKey: 'key', apiSecret: 'secret' });
    env = {
      CARTRELAY_DATA_DIR: await mkdtemp(join(tmpdir(), 'cartrelay-reconcile-')),
      SHOPIFY_API_KEY: 'key',
      SHOPIFY_API_SECRET: 'secret',
      SHOPIFY_APP_URL: 'https://app.example.com',
      SHOPIFY_ADMIN_API_URL: fake.url,
    };
    const add = (args: string[]) => main(['shops', 'add', ...args, '--impact-account-sid', 'IR1', '--impact-auth-token', 't', '--config', join(root, 'examples/tracking.json')], io({ stdout: '', stderr: '' }));
    expect(await add(['--platform', 'shopify', '--shop', shop, '--access-token', fake.issueAccessToken(shop)])).toBe(0);
    expect(await add(['--platform', 'shopify', '--shop', 'bare.myshopify.com'])).toBe(0);
    fake.addOrder(shop, order(1, '2026-03-01T10:00:00Z'));
    fake.addOrder(shop, order(2, '2026-03-01T11:00:00Z'));
    fake.addOrder(shop, order(3, '2026-02-01T11:00:00Z'));
  });
  afterAll(() => fake.close());

  it('stores the orders updated since the date as orders/reconciled webhooks, once', async () => {
    const first = await reconcile(['--shop', shop, '--since', '2026-03-01']);
    expect(first).toMatchObject({ code: 0, stdout: 'orders seen 2, new 2 (already known 0); next run: --since 2026-03-01T11:00:00.000Z\n' });
    expect(first.stderr).toContain(`reconcile ${shop}: page 1, 2 orders`);

    const again = await reconcile(['--shop', shop, '--since', '2026-03-01']);
    expect(again.stdout).toBe('orders seen 2, new 0 (already known 2); next run: --since 2026-03-01T11:00:00.000Z\n');

    const store = await openStore({ dataDir: env.CARTRELAY_DATA_DIR! });
    try {
      const rows = await store.claimWebhooks(10, 1000, Date.now());
      expect(rows.map((row) => [row.topic, row.deliveryId]).sort()).toEqual([
        ['orders/reconciled', 'reconcile:1:2026-03-01T10:00:00Z'],
        ['orders/reconciled', 'reconcile:2:2026-03-01T11:00:00Z'],
      ]);
      expect(JSON.parse(rows[0]!.body)).toMatchObject({ name: expect.stringMatching(/^#[12]$/), shopTimezone: 'America/New_York' });
    } finally {
      await store.close();
    }
  });

  it('refuses an unknown shop, a shop without an access token, a bad date and a missing app setting', async () => {
    expect(await reconcile(['--shop', 'nope.myshopify.com', '--since', '2026-03-01'])).toMatchObject({ code: 2, stderr: expect.stringContaining('no shop nope.myshopify.com on shopify') });
    expect(await reconcile(['--shop', 'bare.myshopify.com', '--since', '2026-03-01'])).toMatchObject({ code: 2, stderr: expect.stringContaining('has no access token') });
    expect(await reconcile(['--shop', shop, '--since', 'yesterday'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--since') });
    const saved = env;
    env = { ...env, SHOPIFY_API_KEY: '' };
    expect(await reconcile(['--shop', shop, '--since', '2026-03-01'])).toMatchObject({ code: 2, stderr: expect.stringContaining('SHOPIFY_API_KEY') });
    env = saved;
  });

  it('fails with exit code 1 when Shopify refuses the token', async () => {
    // A token the fake never issued, as after the merchant uninstalled the app.
    await main(['shops', 'add', '--platform', 'shopify', '--shop', 'revoked.myshopify.com', '--access-token', 'shpat_revoked', '--impact-account-sid', 'IR1', '--impact-auth-token', 't', '--config', join(root, 'examples/tracking.json')], io({ stdout: '', stderr: '' }));
    expect(await reconcile(['--shop', 'revoked.myshopify.com', '--since', '2026-03-01'])).toMatchObject({ code: 1, stderr: expect.stringContaining('Shopify Admin API') });
  });
});
