// The WordPress plugin (wordpress-plugin/), checked from the TypeScript side: PHP syntax, its
// PHPUnit suite, the zip merchants upload, and the signed-link rule computed by PHP and by Node.
// Needs php and phpunit on PATH (Debian: apt-get install -y php-cli phpunit); without them the
// tests fail rather than skip.

import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';

const INSTALL_HINT = 'install php-cli and phpunit (apt-get install -y php-cli phpunit)';
const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const pluginDir = join(packageRoot, 'wordpress-plugin');
const buildScript = join(packageRoot, 'scripts', 'build-wordpress-plugin.ts');

interface LinkVector {
  linkSecret: string;
  purpose: 'open' | 'disconnect';
  site: string;
  user: string;
  exp: number;
  sig: string;
}
const vector = JSON.parse(readFileSync(join(pluginDir, 'tests', 'fixtures', 'link-vector.json'), 'utf8')) as LinkVector;

/** Runs php or phpunit; fails with the install hint when the command is missing. */
function run(command: 'php' | 'phpunit', args: string[], cwd = packageRoot): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(`${command} is not on PATH: ${INSTALL_HINT}`);
  }
  if (result.error) throw result.error;
  return result;
}

/** The rule CartRelay checks, in Node. */
function nodeSign(secret: string, purpose: string, site: string, user: string, exp: number): string {
  return createHmac('sha256', secret).update(`${purpose}\n${site}\n${user}\n${exp}`).digest('base64url');
}

function phpFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.php'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('WordPress plugin', () => {
  it('has no PHP syntax errors', () => {
    const files = phpFiles(pluginDir);
    expect(files.length).toBeGreaterThanOrEqual(15);
    for (const file of files) {
      const lint = run('php', ['-l', file]);
      expect(lint.status, `${file}\n${lint.stdout}${lint.stderr}`).toBe(0);
      expect(lint.stdout).toContain('No syntax errors detected');
    }
  });

  it('passes its PHPUnit suite', { timeout: 120_000 }, () => {
    const result = run('phpunit', ['-c', join(pluginDir, 'phpunit.xml.dist')]);
    const output = `${result.stdout}${result.stderr}`;
    expect(result.status, output).toBe(0);
    const ok = /OK \((\d+) tests?, (\d+) assertions?\)/.exec(output);
    expect(ok, output).not.toBeNull();
    expect(Number(ok?.[1]), output).toBeGreaterThanOrEqual(80);
    expect(output, 'no test may be skipped').not.toMatch(/Skipped|Incomplete|Risky/);
  });

  it('builds the zip merchants upload, without the tests', { timeout: 60_000 }, () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cartrelay-wp-zip-')), 'plugin.zip');
    tempDirs.push(join(out, '..'));
    const build = spawnSync(process.execPath, [buildScript, '--out', out], { cwd: packageRoot, encoding: 'utf8' });
    expect(build.status, `${build.stdout}${build.stderr}`).toBe(0);

    const entries = unzipSync(readFileSync(out));
    const names = Object.keys(entries).sort();
    expect(names.every((name) => name.startsWith('cartrelay-for-woocommerce/'))).toBe(true);
    for (const file of ['cartrelay-for-woocommerce.php', 'uninstall.php', 'readme.txt', 'includes/class-cartrelay-signer.php']) {
      const entry = entries[`cartrelay-for-woocommerce/${file}`];
      expect(entry, file).toBeDefined();
      expect(Buffer.from(entry ?? new Uint8Array()).equals(readFileSync(join(pluginDir, file))), file).toBe(true);
    }
    expect(names.filter((name) => /\/tests\/|\/tests$|phpunit\.xml|\/\./.test(name))).toEqual([]);

    // Every shipped PHP file is in it.
    const shipped = phpFiles(pluginDir)
      .map((file) => file.slice(pluginDir.length + 1))
      .filter((file) => !file.startsWith('tests/'))
      .map((file) => `cartrelay-for-woocommerce/${file}`);
    expect(names.filter((name) => name.endsWith('.php'))).toEqual(shipped.sort());

    // Reproducible: a second build is byte-for-byte the same.
    const again = `${out}.again`;
    expect(spawnSync(process.execPath, [buildScript, '--out', again], { cwd: packageRoot }).status).toBe(0);
    expect(readFileSync(again).equals(readFileSync(out))).toBe(true);
  });

  it('signs links in PHP exactly as Node does (shared vector and random cases)', () => {
    expect(vector.linkSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(nodeSign(vector.linkSecret, vector.purpose, vector.site, vector.user, vector.exp)).toBe(vector.sig);

    const cases: Array<Omit<LinkVector, 'sig'>> = [
      { linkSecret: vector.linkSecret, purpose: vector.purpose, site: vector.site, user: vector.user, exp: vector.exp },
      ...Array.from({ length: 6 }, (_, i) => ({
        linkSecret: randomBytes(32).toString('base64url'),
        purpose: i % 2 === 0 ? ('open' as const) : ('disconnect' as const),
        site: i === 5 ? 'https://boutique.example/fr/café/' : `https://shop-${i}.example/`,
        user: String(1 + randomBytes(2).readUInt16BE()),
        exp: 1767225600 + randomBytes(3).readUIntBE(0, 3),
      })),
    ];
    const script = [
      `define('ABSPATH', ${JSON.stringify(`${pluginDir}/`)});`,
      `require ${JSON.stringify(join(pluginDir, 'includes', 'class-cartrelay-contract.php'))};`,
      `require ${JSON.stringify(join(pluginDir, 'includes', 'class-cartrelay-signer.php'))};`,
      'foreach (json_decode(stream_get_contents(STDIN), true) as $c) {',
      "  echo CartRelay_Signer::sign($c['linkSecret'], $c['purpose'], $c['site'], $c['user'], $c['exp']), \"\\n\";",
      '}',
    ].join(' ');
    const result = spawnSync('php', ['-r', script], { input: JSON.stringify(cases), encoding: 'utf8' });
    if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      throw new Error(`php is not on PATH: ${INSTALL_HINT}`);
    }
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    const phpSigs = result.stdout.trim().split('\n');
    expect(phpSigs).toEqual(cases.map((c) => nodeSign(c.linkSecret, c.purpose, c.site, c.user, c.exp)));
    expect(phpSigs[0]).toBe(vector.sig);
  });
});
