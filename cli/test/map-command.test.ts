import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../src/main.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const example = (path: string) => join(root, 'examples', path);
const config = example('tracking.json');

async function run(argv: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    readStdin: async () => stdin,
    now: () => new Date('2026-06-01T00:00:00Z'),
    env: {},
    untilSignal: () => new Promise<void>(() => undefined),
  });
  return { code, stdout, stderr };
}

async function tempFile(name: string, content: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cartrelay-'));
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

const mapArgs = (platform: string, topic: string, payload: string, configPath = config) => [
  'map', '--platform', platform, '--topic', topic, '--config', configPath, payload,
];

describe('cartrelay map', () => {
  it.each([
    ['shopify', 'orders/paid', 'payloads/shopify-orders-paid.json', 'Sa3Ro1WvsxyNUNU2BdWqJ3NbUkGw4CXoJS0G3Q0'],
    ['woocommerce', 'order.created', 'payloads/woocommerce-order-created.json', 'Wo0Click8xYz'],
    ['bigcommerce', 'store/order/statusUpdated', 'payloads/bigcommerce-order-bundle.json', 'BcClick7Qw2'],
  ])('prints the %s example as one JSON conversion request', async (platform, topic, payload, clickId) => {
    const { code, stdout, stderr } = await run(mapArgs(platform, topic, example(payload)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const output = JSON.parse(stdout);
    expect(output.decision).toBe('submit');
    expect(output.request).toMatchObject({ method: 'POST', path: '/Advertisers/{AccountSID}/Conversions' });
    expect(output.request.fields.ClickId).toBe(clickId);
    expect(output.explain.length).toBeGreaterThan(0);
  });

  it('reads the payload from stdin with "-"', async () => {
    const body = await readFile(example('payloads/shopify-orders-paid.json'), 'utf8');
    const { code, stdout } = await run(mapArgs('shopify', 'orders/paid', '-'), body);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).request.fields.OrderId).toBe('1001');
  });

  it('prints a skip with its reason, exit 0', async () => {
    // Edited as text: JSON.parse would round the 64-bit ids.
    const paid = await readFile(example('payloads/shopify-orders-paid.json'), 'utf8');
    const payload = await tempFile('pending.json', paid.replace('"financial_status": "paid"', '"financial_status": "pending"'));
    const { code, stdout } = await run(mapArgs('shopify', 'orders/create', payload));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ decision: 'skip', reason: 'not paid: financial_status=pending (trigger "paid")' });
  });

  it('never prints the plain email', async () => {
    const { stdout } = await run(mapArgs('shopify', 'orders/paid', example('payloads/shopify-orders-paid.json')));
    expect(stdout).not.toContain('jon@example.com');
  });

  it('leaves the buyer\'s IP address and user agent out unless the config turns them on', async () => {
    const payload = example('payloads/shopify-orders-paid.json');
    const off = JSON.parse((await run(mapArgs('shopify', 'orders/paid', payload))).stdout);
    expect(off.request.fields.IpAddress).toBeUndefined();
    expect(off.request.fields.UserAgent).toBeUndefined();
    expect(off.explain).toEqual(expect.arrayContaining(['IpAddress left out: sendIpAddress is off', 'UserAgent left out: sendUserAgent is off']));

    const withClient = { ...JSON.parse(await readFile(config, 'utf8')), sendIpAddress: true, sendUserAgent: true };
    const on = JSON.parse((await run(mapArgs('shopify', 'orders/paid', payload, await tempFile('tracking.json', JSON.stringify(withClient))))).stdout);
    // The sample's browser_ip and client_details.user_agent.
    expect(on.request.fields).toMatchObject({ IpAddress: '203.0.113.7', UserAgent: expect.stringMatching(/^Mozilla\/5\.0 /) });
  });

  describe('bad input: exit 2, one line naming the file and the field, nothing on stdout', () => {
    const expectOneLine = (result: { code: number; stdout: string; stderr: string }, pattern: RegExp) => {
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr.trimEnd()).toMatch(pattern);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    };

    it('an unreadable payload file', async () => {
      expectOneLine(await run(mapArgs('shopify', 'orders/paid', '/nonexistent/order.json')), /^cartrelay map: \/nonexistent\/order\.json: cannot read: no such file$/);
    });

    it('invalid JSON', async () => {
      const path = await tempFile('broken.json', '{"id": 1,');
      expectOneLine(await run(mapArgs('shopify', 'orders/paid', path)), new RegExp(`^cartrelay map: ${path}: invalid JSON: `));
    });

    it('a payload missing what mapping needs', async () => {
      const path = await tempFile('no-lines.json', JSON.stringify({ id: 1, name: '#1', created_at: '2026-01-01T00:00:00Z', currency: 'USD' }));
      expectOneLine(await run(mapArgs('shopify', 'orders/paid', path)), new RegExp(`^cartrelay map: ${path}: line_items: `));
    });

    it('an invalid config', async () => {
      const path = await tempFile('tracking.json', JSON.stringify({ version: 1, program: { campaignId: '1', actionTrackerId: '2' }, promoCodes: [{ match: 'regex', code: '(', partnerId: '3' }] }));
      expectOneLine(await run(mapArgs('shopify', 'orders/paid', example('payloads/shopify-orders-paid.json'), path)), new RegExp(`^cartrelay map: ${path}: promoCodes\\[0\\]\\.code: invalid regular expression`));
    });

    it('an unknown platform or topic', async () => {
      expectOneLine(await run(mapArgs('magento', 'orders/paid', example('payloads/shopify-orders-paid.json'))), /unknown platform "magento"; expected one of shopify, woocommerce, bigcommerce/);
      expectOneLine(await run(mapArgs('shopify', 'refunds/create', example('payloads/shopify-orders-paid.json'))), /topic refunds\/create does not carry an order; expected one of orders\/create, /);
    });

    it('missing options', async () => {
      expectOneLine(await run(['map', '--platform', 'shopify']), /^cartrelay map: missing --topic, --config, <payload\.json \| -> \(usage: /);
    });
  });

  it('runs as the installed `cartrelay` command, under the project’s Node', async () => {
    const bin = join(root, 'cli', 'bin', 'cartrelay.js');
    const exec = promisify(execFile);
    const { stdout } = await exec(process.execPath, [bin, ...mapArgs('bigcommerce', 'store/order/created', example('payloads/bigcommerce-order-bundle.json'))]);
    expect(JSON.parse(stdout).request.fields.OrderId).toBe('218');
    const failed = await exec(process.execPath, [bin, ...mapArgs('bigcommerce', 'store/order/created', '/nonexistent.json')]).catch((error) => error);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toBe('cartrelay map: /nonexistent.json: cannot read: no such file\n');
  });
});
