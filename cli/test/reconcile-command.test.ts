import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeBigCommerce, startFakeBigCommerce } from '@cartrelay/bigcommerce/fake-api';
import { type FakeShopify, startFakeShopify } from '@cartrelay/shopify/fake-shopify';
import { type FakeWooCommerce, startFakeWooCommerce } from '@cartrelay/woocommerce/fake-api';
import { reconcileCommand } from '../src/commands/reconcile.ts';
import type { Io } from '../src/io.ts';
import { main } from '../src/main.ts';
import { parseEnv } from '../src/env.ts';
import { openRuntime } from '../src/runtime.ts';

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

    const { store } = await openRuntime(parseEnv(env), () => undefined);
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

  it('without --since, runs the shop’s next scheduled run now: from where the last one got to, moving that point on', async () => {
    const first = await reconcile(['--shop', shop]);
    expect(first).toMatchObject({ code: 0, stdout: expect.stringContaining(`no reconciliation had run for ${shop}`) });
    // An order changed after that point is read, once; the point moves on to it.
    fake.addOrder(shop, order(4, new Date(Date.now() + 60_000).toISOString()));
    const second = await reconcile(['--shop', shop]);
    expect(second).toMatchObject({ code: 0, stdout: expect.stringMatching(/^orders seen 1, new 1 \(already known 0\); the next scheduled run starts from /) });
    expect(await reconcile(['--shop', shop])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^orders seen [01], new 0 /) });
  });

  it('refuses an unknown shop, a shop without an access token, a bad date and a missing app setting', async () => {
    expect(await reconcile(['--shop', 'nope.myshopify.com', '--since', '2026-03-01'])).toMatchObject({ code: 2, stderr: expect.stringContaining('no shop nope.myshopify.com') });
    expect(await reconcile(['--shop', 'nope.myshopify.com', '--platform', 'shopify', '--since', '2026-03-01'])).toMatchObject({ code: 2, stderr: expect.stringContaining('no shop nope.myshopify.com on shopify') });
    expect(await reconcile(['--shop', 'bare.myshopify.com', '--since', '2026-03-01'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('shopify shop bare.myshopify.com cannot be read: no Shopify session for bare.myshopify.com'),
    });
    expect(await reconcile(['--shop', shop, '--since', 'yesterday'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--since') });
    const saved = env;
    const { SHOPIFY_API_KEY: _unset, ...withoutKey } = env;
    env = withoutKey;
    expect(await reconcile(['--shop', shop, '--since', '2026-03-01'])).toMatchObject({ code: 2, stderr: expect.stringContaining('the shopify app is off (it needs SHOPIFY_API_KEY') });
    env = saved;
  });

  it('fails with exit code 1 when Shopify refuses the token', async () => {
    // A token the fake never issued, as after the merchant uninstalled the app.
    await main(['shops', 'add', '--platform', 'shopify', '--shop', 'revoked.myshopify.com', '--access-token', 'shpat_revoked', '--impact-account-sid', 'IR1', '--impact-auth-token', 't', '--config', join(root, 'examples/tracking.json')], io({ stdout: '', stderr: '' }));
    expect(await reconcile(['--shop', 'revoked.myshopify.com', '--since', '2026-03-01'])).toMatchObject({ code: 1, stderr: expect.stringContaining('Shopify Admin API') });
  });
});

describe('cartrelay reconcile --platform bigcommerce', () => {
  let fake: FakeBigCommerce;
  let env: Record<string, string>;
  const STORE = 'recon42';

  const run = async (command: (args: string[], io: Io) => Promise<number>, args: string[]) => {
    const out = { stdout: '', stderr: '' };
    const io: Io = {
      stdout: (t) => {
        out.stdout += t;
      },
      stderr: (t) => {
        out.stderr += t;
      },
      readStdin: async () => '',
      now: () => new Date(),
      env,
      untilSignal: () => new Promise<void>(() => undefined),
    };
    const code = await command(args, io).catch((error: Error) => {
      out.stderr += error.message;
      return 2;
    });
    return { code, ...out };
  };

  beforeAll(async () => {
    fake = await startFakeBigCommerce({ clientId: 'recon-client', clientSecret: 'recon-secret', stores: { [STORE]: {} } });
    env = {
      CARTRELAY_DATA_DIR: await mkdtemp(join(tmpdir(), 'cartrelay-reconcile-bc-')),
      BIGCOMMERCE_CLIENT_ID: 'recon-client',
      BIGCOMMERCE_CLIENT_SECRET: 'recon-secret',
      BIGCOMMERCE_APP_URL: 'https://app.example.com',
      BIGCOMMERCE_API_URL: fake.url,
      BIGCOMMERCE_LOGIN_URL: fake.url,
    };
    const token = fake.issueToken(STORE);
    const added = await run(main, ['shops', 'add', '--platform', 'bigcommerce', '--shop', STORE, '--access-token', token, '--impact-account-sid', 'IR1', '--impact-auth-token', 't', '--config', join(root, 'examples/tracking.json')]);
    expect(added.code).toBe(0);
  });
  afterAll(() => fake.close());

  it('reads the store’s orders modified since the date into the inbox, once, with progress lines', async () => {
    const orders = [fake.addOrder(STORE), fake.addOrder(STORE)];
    const first = await run(reconcileCommand, ['--platform', 'bigcommerce', '--shop', STORE, '--since', '2020-01-01']);
    expect(first).toMatchObject({ code: 0, stdout: expect.stringMatching(/^orders seen 2, new 2 \(already known 0\); next run: --since /) });
    expect(first.stderr).toContain(`reconcile ${STORE}: page 1, 2 orders`);
    expect((await run(reconcileCommand, ['--platform', 'bigcommerce', '--shop', STORE, '--since', '2020-01-01'])).stdout).toMatch(/^orders seen 2, new 0 /);

    const { store, close } = await openRuntime(parseEnv(env), () => undefined);
    try {
      const rows = await store.claimWebhooks(10, 1000, Date.now());
      expect(rows.map((row) => [row.topic, JSON.parse(row.body).data.id]).sort()).toEqual(orders.map((order) => ['store/order/reconciled', order.id]).sort());
    } finally {
      await close();
    }
  });

  it('says so when BigCommerce refuses the store’s token', async () => {
    fake.revokeToken(STORE);
    expect(await run(reconcileCommand, ['--platform', 'bigcommerce', '--shop', STORE, '--since', '2020-01-01'])).toMatchObject({ code: 1, stderr: expect.stringContaining('HTTP 401') });
  });
});

describe('cartrelay reconcile --platform woocommerce', () => {
  let fake: FakeWooCommerce;
  let env: Record<string, string>;
  let keyId: number;

  const run = async (command: (args: string[], io: Io) => Promise<number>, args: string[]) => {
    const out = { stdout: '', stderr: '' };
    const io: Io = {
      stdout: (t) => {
        out.stdout += t;
      },
      stderr: (t) => {
        out.stderr += t;
      },
      readStdin: async () => '',
      now: () => new Date(),
      env,
      untilSignal: () => new Promise<void>(() => undefined),
    };
    const code = await command(args, io).catch((error: Error) => {
      out.stderr += error.message;
      return 2;
    });
    return { code, ...out };
  };

  beforeAll(async () => {
    fake = await startFakeWooCommerce({ strictlyIncreasingTimes: false });
    const dataDir = await mkdtemp(join(tmpdir(), 'cartrelay-reconcile-woo-'));
    env = { CARTRELAY_DATA_DIR: dataDir, WOOCOMMERCE_APP_URL: 'https://app.example.com' };
    const key = fake.createKey('read_write');
    keyId = key.key_id;
    const credentials = join(dataDir, 'woo-credentials.json');
    await writeFile(credentials, JSON.stringify({ webhookSecret: 'woo-secret', consumerKey: key.consumer_key, consumerSecret: key.consumer_secret }));
    const added = await run(main, ['shops', 'add', '--platform', 'woocommerce', '--shop', fake.url, '--credentials', credentials, '--impact-account-sid', 'IR1', '--impact-auth-token', 't', '--config', join(root, 'examples/tracking.json')]);
    expect(added).toMatchObject({ code: 0 });
  });
  afterAll(() => fake.close());

  it('reads the store’s orders modified since the date, and those moved to the trash, into the inbox, once, with progress lines', async () => {
    const line = [{ sku: 'SOCK', quantity: 1, price: '10.00' }];
    const kept = [await fake.createOrder({ lineItems: line }), await fake.createOrder({ lineItems: line })];
    const trashed = await fake.createOrder({ lineItems: line });
    await fake.trashOrder(trashed.id);
    const first = await run(reconcileCommand, ['--platform', 'woocommerce', '--shop', fake.url, '--since', '2020-01-01']);
    expect(first).toMatchObject({ code: 0, stdout: expect.stringMatching(/^orders seen 3, new 3 \(already known 0\); next run: --since /) });
    expect(first.stderr).toContain(`reconcile ${fake.url}: page 1, 2 orders`);
    expect((await run(reconcileCommand, ['--platform', 'woocommerce', '--shop', fake.url, '--since', '2020-01-01'])).stdout).toMatch(/^orders seen 3, new 0 /);

    const { store, close } = await openRuntime(parseEnv(env), () => undefined);
    try {
      const rows = await store.claimWebhooks(10, 1000, Date.now());
      expect(rows.map((row) => [row.topic, JSON.parse(row.body).id]).sort()).toEqual(
        [...kept.map((order) => ['order.reconciled', order.id]), ['order.deleted', trashed.id]].sort(),
      );
    } finally {
      await close();
    }
  });

  it('says so when the store refuses its key', async () => {
    fake.revokeKey(keyId);
    expect(await run(reconcileCommand, ['--platform', 'woocommerce', '--shop', fake.url, '--since', '2020-01-01'])).toMatchObject({ code: 1, stderr: expect.stringContaining('401') });
  });
});
