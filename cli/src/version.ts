import { readFileSync } from 'node:fs';

/** The cartrelay package's version, as its package.json says. */
export function cartrelayVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}
