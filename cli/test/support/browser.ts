import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { describe } from 'vitest';

/** Debian's Chromium (apt-get install -y chromium), which playwright-core drives. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * A describe block that runs in Chromium: skipped where the browser is missing, except in CI, which
 * installs it (.ci/run): there a missing browser is a failure, not a skip.
 */
export function describeInChromium(name: string, body: () => void): void {
  if (process.env.CI && !existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  describe.skipIf(!existsSync(CHROMIUM))(name, body);
}

/** Headless, without the sandbox (containers) and without the browser's own network chatter. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}
