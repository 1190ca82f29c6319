import { readFileSync } from 'node:fs';
import { parseJson } from '../json/parse-json.ts';

/**
 * Reads a JSON fixture the way payloads arrive: large integers kept exact. A fresh copy per call.
 * Typed loosely on purpose: tests spread and override platform payloads freely.
 */
// biome-ignore lint/suspicious/noExplicitAny: fixtures are arbitrary platform JSON
export function readJsonFixture(url: URL): any {
  const parsed = parseJson(readFileSync(url, 'utf8'));
  if (!parsed.ok) throw new Error(`fixture ${url.pathname}: ${parsed.error}`);
  return parsed.value;
}
