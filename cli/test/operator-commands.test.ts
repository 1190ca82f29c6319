import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FakeImpact, startFakeImpact } from '@cartrelay/core/fake-impact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const example = (path: string) => join(root, 'examples', path);
const COMMANDS = ['map', 'serve', 'shops', 'test-action', 'actions', 'replay', 'reconcile', 'dev', 'send-sample', 'migrate-tokens'];

async function run(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    readStdin: async () => '',
    now: () => new Date(),
    env,
    untilSignal: () => new Promise<void>(() => undefined),
  });
  return { code, stdout, stderr };
}

/** A port nothing listens on: impact.com "cannot be reached". */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('help and version', () => {
  // A data folder that does not exist: help must not create it (nor the key file, nor the database).
  const dataDir = join(mkdtempSync(join(tmpdir(), 'cartrelay-help-')), 'data');
  const env = { CARTRELAY_DATA_DIR: dataDir };

  it('--version prints the package version', async () => {
    expect(await run(['--version'])).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
  });

  it.each(COMMANDS)('%s --help (and help <command>) print its usage, open no store and create no file', async (command) => {
    const flag = await run([command, '--help'], env);
    expect(flag.code).toBe(0);
    expect(flag.stderr).toBe('');
    expect(flag.stdout).toContain(`cartrelay ${command}`);
    const named = await run(['help', command], env);
    expect(named).toEqual(flag);
    // Even after required options or a mistake: help wins, and nothing is read.
    expect((await run([command, '--shop', 'x', '-h'], env)).code).toBe(0);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('shops <subcommand> --help prints that subcommand', async () => {
    const { code, stdout } = await run(['shops', 'set-connection', '--help'], env);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: cartrelay shops set-connection --shop <shop>/);
    expect((await run(['help', 'shops', 'remove'], env)).stdout).toMatch(/^usage: cartrelay shops remove .*--yes/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('--help lists every command', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    for (const command of COMMANDS) expect(stdout).toContain(`cartrelay ${command}`);
  });
});

describe('did you mean', () => {
  it('suggests the nearest command', async () => {
    expect(await run(['sever'])).toEqual({ code: 2, stdout: '', stderr: 'cartrelay: unknown command "sever"; did you mean serve?; see cartrelay --help\n' });
    expect((await run(['frobnicate'])).stderr).toBe('cartrelay: unknown command "frobnicate"; see cartrelay --help\n');
    expect((await run(['help', 'shosp'])).stderr).toContain('did you mean shops?');
  });

  it('suggests the nearest option, in one line', async () => {
    const { code, stderr } = await run(['map', '--platfrom', 'shopify', '--topic', 'orders/paid', '--config', example('tracking.json'), example('payloads/shopify-orders-paid.json')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^cartrelay map: unknown option --platfrom; did you mean --platform\? \(usage: cartrelay map/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('suggests the nearest shops subcommand and platform', async () => {
    expect((await run(['shops', 'shwo'])).stderr).toContain('unknown subcommand "shwo"; did you mean show?');
    const { stderr } = await run(['map', '--platform', 'shopfy', '--topic', 'orders/paid', '--config', example('tracking.json'), example('payloads/shopify-orders-paid.json')]);
    expect(stderr).toContain('unknown platform "shopfy"; expected one of shopify, woocommerce, bigcommerce; did you mean shopify?');
  });
});

describe('cartrelay map', () => {
  const map = (platform: string, topic: string, payload: string) => run(['map', '--platform', platform, '--topic', topic, '--config', example('tracking.json'), example(`payloads/${payload}`)]);

  it('takes platform names in any case', async () => {
    const { code, stdout } = await map('Shopify', 'orders/paid', 'shopify-orders-paid.json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).request.fields.OrderId).toBe('1001');
  });

  it.each([
    ['shopify', 'orders/paid', 'bigcommerce-order-bundle.json', 'this looks like a BigCommerce order, not a Shopify one: use --platform bigcommerce'],
    ['woocommerce', 'order.created', 'shopify-orders-paid.json', 'this looks like a Shopify order, not a WooCommerce one: use --platform shopify'],
    ['bigcommerce', 'store/order/statusUpdated', 'woocommerce-order-created.json', 'this looks like a WooCommerce order, not a BigCommerce one: use --platform woocommerce'],
  ])('given another platform’s payload (--platform %s), says whose it looks like', async (platform, topic, payload, message) => {
    const { code, stderr } = await map(platform, topic, payload);
    expect(code).toBe(2);
    expect(stderr).toBe(`cartrelay map: ${example(`payloads/${payload}`)}: ${message}\n`);
  });
});

describe('shops set-connection, show and remove; actions', () => {
  let impact: FakeImpact;
  let env: Record<string, string>;
  const shop = 'ops-store.myshopify.com';

  beforeAll(async () => {
    impact = await startFakeImpact({ accounts: { IRold: 'old-token', IRnew: 'new-token' } });
    env = { CARTRELAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'cartrelay-ops-')), CARTRELAY_IMPACT_BASE_URL: impact.url };
    const added = await run(['shops', 'add', '--platform', 'SHOPIFY', '--shop', shop, '--impact-account-sid', 'IRold', '--impact-auth-token', 'old-token', '--config', example('tracking.json'), '--access-token', 'shpat_secret'], env);
    expect(added.code).toBe(0);
  });
  afterAll(async () => {
    await impact?.close();
  });

  const show = async () => JSON.parse((await run(['shops', 'show', '--shop', shop], env)).stdout);

  it('show prints one shop, its credentials by key name only', async () => {
    const { code, stdout } = await run(['shops', 'show', '--shop', shop, '--platform', 'Shopify'], env);
    expect(code).toBe(0);
    expect(stdout).not.toContain('shpat_secret');
    expect(stdout).not.toContain('old-token');
    expect(JSON.parse(stdout)).toMatchObject({
      platform: 'shopify',
      shop,
      active: true,
      impact: { accountSid: 'IRold', authTokenSet: true },
      credentials: ['accessToken'],
      config: { program: { campaignId: '12345' } },
    });
  });

  it('set-connection refuses credentials impact.com refuses, and saves nothing', async () => {
    const { code, stderr } = await run(['shops', 'set-connection', '--shop', shop, '--impact-account-sid', 'IRnew', '--impact-auth-token', 'wrong'], env);
    expect(code).toBe(2);
    expect(stderr).toBe('cartrelay shops: not saved: impact.com refused the Account SID and Auth Token: check both in impact.com under Settings › API.\n');
    expect((await show()).impact.accountSid).toBe('IRold');
  });

  it('set-connection saves credentials impact.com accepts, having read the shop’s program with them', async () => {
    const { code, stdout, stderr } = await run(['shops', 'set-connection', '--shop', shop, '--impact-account-sid', 'IRnew', '--impact-auth-token', 'new-token'], env);
    expect(code).toBe(0);
    expect(stderr).toContain('program 12345');
    expect(JSON.parse(stdout)).toEqual({ platform: 'shopify', shop, impactAccountSid: 'IRnew', tested: true });
    expect((await show()).impact.accountSid).toBe('IRnew');
    expect(impact.requests.some((request) => request.method === 'GET' && request.path === '/Advertisers/IRnew/Campaigns/12345')).toBe(true);
  });

  it('set-connection, when impact.com cannot be reached, saves only with --force', async () => {
    const unreachable = { ...env, CARTRELAY_IMPACT_BASE_URL: `http://127.0.0.1:${await closedPort()}` };
    const args = ['shops', 'set-connection', '--shop', shop, '--impact-account-sid', 'IRother', '--impact-auth-token', 'other-token'];
    const refused = await run(args, unreachable);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^cartrelay shops: not saved: impact\.com could not be reached: .* \(--force saves them untested\)\n$/);
    expect((await show()).impact.accountSid).toBe('IRnew');
    const forced = await run([...args, '--force'], unreachable);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ impactAccountSid: 'IRother', tested: false });
    expect((await show()).impact.accountSid).toBe('IRother');
  });

  it('actions prints a table by default, and JSON with --json', async () => {
    const queued = await run(['test-action', '--shop', shop], env);
    expect(queued.code).toBe(0);
    const { orderId } = JSON.parse(queued.stdout);
    const table = await run(['actions', '--shop', shop], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toBe(`no orders yet\n\nOther deliveries (test actions):\n  ${orderId}: conversion pending\n  ${orderId}: reversal pending\n`);
    const json = JSON.parse((await run(['actions', '--shop', shop, '--json'], env)).stdout);
    expect(json).toMatchObject({ shop, orders: [] });
    expect(json.otherDeliveries.map((d: { kind: string }) => d.kind)).toEqual(['conversion', 'reversal']);
  });

  it('remove refuses without --yes, saying what it would delete; with it, the shop is gone', async () => {
    const refused = await run(['shops', 'remove', '--shop', shop], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`this deletes the shopify shop ${shop} and everything held for it`);
    expect(refused.stderr).toContain('nothing was deleted: add --yes to delete');
    expect((await show()).shop).toBe(shop);
    const removed = await run(['shops', 'remove', '--shop', shop, '--yes'], env);
    expect(removed.code).toBe(0);
    expect(removed.stderr).toContain(`deleted the shopify shop ${shop}`);
    expect((await run(['shops', 'show', '--shop', shop], env)).stderr).toBe(`cartrelay shops: no shop ${shop}; see cartrelay shops list\n`);
    expect(readdirSync(env.CARTRELAY_DATA_DIR!).length).toBeGreaterThan(0);
  });
});
