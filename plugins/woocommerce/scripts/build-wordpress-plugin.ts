// Builds dist/cartrelay-for-woocommerce.zip, the WordPress plugin as merchants upload it
// (Plugins › Add New › Upload): every file of wordpress-plugin/ under a top folder
// cartrelay-for-woocommerce/, without the tests (tests/, phpunit.xml*) or dotfiles.
// The zip is reproducible: entries in a fixed order, with a fixed date.
//
//   node scripts/build-wordpress-plugin.ts [--out <path>]

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Zippable, zipSync } from 'fflate';

export const PLUGIN_SLUG = 'cartrelay-for-woocommerce';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const pluginSourceDir = join(packageRoot, 'wordpress-plugin');
export const defaultZipPath = join(packageRoot, 'dist', `${PLUGIN_SLUG}.zip`);

/** The earliest date a zip entry can carry; a fixed date keeps the zip byte-for-byte reproducible. */
const ENTRY_DATE = new Date(1980, 0, 1, 0, 0, 0);

/** Whether a path inside wordpress-plugin/ (with "/" separators) stays out of the zip. */
export function isExcluded(relativePath: string): boolean {
  const parts = relativePath.split('/');
  const name = parts[parts.length - 1] ?? '';
  return (
    parts[0] === 'tests' ||
    parts.some((part) => part.startsWith('.')) ||
    name.startsWith('phpunit.xml')
  );
}

/** The files to ship, as paths relative to wordpress-plugin/ with "/" separators, sorted. */
export function pluginFiles(sourceDir: string = pluginSourceDir): string[] {
  const files: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (isExcluded(path)) continue;
      if (entry.isDirectory()) walk(join(dir, entry.name), path);
      else if (entry.isFile()) files.push(path);
    }
  };
  walk(sourceDir, '');
  return files.sort();
}

export interface BuildResult {
  zipPath: string;
  /** The zip's entries, directories ending with "/". */
  entries: string[];
  bytes: number;
}

/** Builds the zip and returns where it went and what it holds. */
export function buildWordPressPlugin(options: { out?: string; sourceDir?: string } = {}): BuildResult {
  const sourceDir = options.sourceDir ?? pluginSourceDir;
  const zipPath = resolve(options.out ?? defaultZipPath);
  const files = pluginFiles(sourceDir);
  if (!files.includes(`${PLUGIN_SLUG}.php`)) {
    throw new Error(`${sourceDir} has no ${PLUGIN_SLUG}.php`);
  }

  // A nested tree: fflate adds an entry for each folder ("name/") before its files.
  const top: Zippable = {};
  for (const file of files) {
    const parts = file.split('/');
    let dir = top;
    for (const part of parts.slice(0, -1)) {
      dir[part] ??= {};
      dir = dir[part] as Zippable;
    }
    dir[parts[parts.length - 1] as string] = readFileSync(join(sourceDir, ...parts));
  }
  const zip = zipSync({ [PLUGIN_SLUG]: top }, { level: 9, mtime: ENTRY_DATE });

  mkdirSync(dirname(zipPath), { recursive: true });
  writeFileSync(zipPath, zip);

  const entries = new Set<string>([`${PLUGIN_SLUG}/`]);
  for (const file of files) {
    const parts = file.split('/');
    for (let i = 1; i < parts.length; i++) entries.add(`${PLUGIN_SLUG}/${parts.slice(0, i).join('/')}/`);
    entries.add(`${PLUGIN_SLUG}/${file}`);
  }
  return { zipPath, entries: [...entries], bytes: zip.byteLength };
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const out = outIndex === -1 ? undefined : args[outIndex + 1];
  if (outIndex !== -1 && (out === undefined || out === '')) {
    console.error('usage: node scripts/build-wordpress-plugin.ts [--out <path>]');
    process.exit(2);
  }
  const result = buildWordPressPlugin(out === undefined ? {} : { out });
  console.log(`${result.zipPath}: ${result.entries.length} entries, ${result.bytes} bytes`);
}
