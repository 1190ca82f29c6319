import { StoredTrackingConfigSchema, type TrackingConfig } from './tracking-config.ts';

/**
 * A shop's configuration read back from the store: the JSON text saved by `parseTrackingConfig`'s
 * caller. It is not validated again. It was valid when it was saved, so no regex is compiled and no
 * limit applies (a configuration saved before a limit existed still loads); only the defaults of
 * settings added since are filled in.
 *
 * The text is the configuration's version. The same text gives back the very same object (frozen,
 * since every reader shares it), so what was built for that object — the mapping's compiled rules,
 * which `compileRules` keeps per rule list — serves every read and every order until the merchant
 * saves a change, which is a new text. Reading a shop therefore costs a map lookup, not a parse.
 * Throws when the text is not a configuration at all (a store that was tampered with).
 */
export function readStoredTrackingConfig(text: string): TrackingConfig {
  const known = versions.get(text);
  if (known) {
    // Most recently read last: the oldest is the first to go.
    versions.delete(text);
    versions.set(text, known);
    return known;
  }
  const config = deepFreeze(StoredTrackingConfigSchema.parse(JSON.parse(text)));
  versions.set(text, config);
  characters += text.length;
  for (const [oldest] of versions) {
    if (characters <= MAX_REMEMBERED_CHARACTERS) break;
    versions.delete(oldest);
    characters -= oldest.length;
  }
  return config;
}

/** The configurations read lately, by their stored text; bounded by the texts' length, so memory is. */
const versions = new Map<string, TrackingConfig>();
let characters = 0;
const MAX_REMEMBERED_CHARACTERS = 16 * 1024 * 1024;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
