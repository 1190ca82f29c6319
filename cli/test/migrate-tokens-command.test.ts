import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FakeShopify, startFakeShopify } from '@cartrelay/shopify/fake-shopify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../src/io.ts';
import { main } from '../src/main.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('cartrelay migrate-tokens', () => {
  let fake: FakeShopify;
  let env: Record<string, string>;

  const run = async (argv: string[]) => {
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
    return { code: await main(argv, io), ...out };
  };
  const addShop = (shop: string, token: string) =>
    run(['shops', 'add', '--platform', 'shopify', '--shop', shop, '--access-token', token, '--impact-account-sid', 'IR1', '--impact-auth-token', 't', '--config', join(root, 'examples/tracking.json')]);

  beforeAll(async () => {
    fake = await startFakeShopify({ apiKey: 'key', apiSecret: 'secret' });
    env = {
      CARTRELAY_DATA_DIR: await mkdtemp(join(tmpdir(), 'cartrelay-migrate-tokens-')),
      SHOPIFY_API_KEY: 'key',
      SHOPIFY_API_SECRET: 'secret',
      SHOPIFY_APP_URL: 'https://app.example.com',
      SHOPIFY_ADMIN_API_URL: fake.url,
    };
  });
  afterAll(() => fake.close());

  it('moves each shop on a non-expiring token to an expiring one, line by line, and says which need their merchant', async () => {
    expect((await addShop('legacy.myshopify.com', fake.issueAccessToken('legacy.myshopify.com'))).code).toBe(0);
    // A token Shopify no longer knows (revoked at an uninstall CartRelay never heard of).
    expect((await addShop('revoked.myshopify.com', 'shpat_revoked')).code).toBe(0);
    // And a shop CartRelay holds no token for at all.
    expect(
      (await run(['shops', 'add', '--platform', 'shopify', '--shop', 'bare.myshopify.com', '--impact-account-sid', 'IR1', '--impact-auth-token', 't', '--config', join(root, 'examples/tracking.json')]))
        .code,
    ).toBe(0);

    const first = await run(['migrate-tokens']);
    expect(first.stderr).toContain('migrate-tokens 1/3 legacy.myshopify.com: moved to an expiring token');
    expect(first.stderr).toContain('migrate-tokens 2/3 revoked.myshopify.com: failed');
    expect(first.stderr).toContain('migrate-tokens 3/3 bare.myshopify.com: no usable token: the merchant must open CartRelay in the Shopify admin');
    expect(first).toMatchObject({ code: 1, stdout: 'shopify shops 3: moved to expiring tokens 1, already expiring 0, failed 1, needing their merchant 1\n' });
    expect(fake.calls.filter((call) => call.operation === 'migrate_token').map((call) => [call.shop, call.status])).toEqual([
      ['legacy.myshopify.com', 200],
      ['revoked.myshopify.com', 400],
    ]);

    // Shopify refusing a migration is no proof the token itself is dead: it is kept, and tried again next run.
    const again = await run(['migrate-tokens']);
    expect(again.stderr).toContain('migrate-tokens 1/3 legacy.myshopify.com: already expiring');
    expect(again.stdout).toBe('shopify shops 3: moved to expiring tokens 0, already expiring 1, failed 1, needing their merchant 1\n');
  });

  it('needs the app settings', async () => {
    const saved = env;
    const { SHOPIFY_API_SECRET: _unset, ...withoutSecret } = env;
    env = withoutSecret;
    expect(await run(['migrate-tokens'])).toMatchObject({ code: 2, stderr: expect.stringContaining('SHOPIFY_API_KEY, SHOPIFY_API_SECRET and SHOPIFY_APP_URL are required') });
    env = saved;
  });
});
