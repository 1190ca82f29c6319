import { type Result, err, ok } from '@cartrelay/core';
import { z } from 'zod';
import { type ApiFailure, type BigCommerceApi, type StoreAccess, v3Data } from './bigcommerce-api.ts';

/** A script this app asks the Scripts API for (https://developer.bigcommerce.com/docs/integrations/scripts). */
export interface DesiredScript {
  readonly name: string;
  readonly description: string;
  readonly src: string;
  readonly kind: 'src';
  readonly load_method: 'default' | 'async' | 'defer';
  readonly location: 'head' | 'footer';
  readonly visibility: 'storefront' | 'all_pages' | 'checkout' | 'order_confirmation';
  readonly auto_uninstall: true;
  readonly consent_category: 'essential' | 'functional' | 'analytics' | 'targeting';
  readonly integrity_hashes?: readonly string[];
  readonly enabled?: boolean;
}

const ScriptSchema = z.object({
  uuid: z.string(),
  name: z.string(),
  src: z.string().nullish(),
  visibility: z.string().nullish(),
  consent_category: z.string().nullish(),
  load_method: z.string().nullish(),
  location: z.string().nullish(),
  enabled: z.boolean().nullish(),
  integrity_hashes: z.array(z.string()).nullish(),
});

export interface ScriptsReport {
  readonly created: readonly string[];
  /** Changed by the merchant, disabled, or out of date (a new build, a new click-id parameter): set right. */
  readonly updated: readonly string[];
  /** This app's scripts no longer wanted (an earlier version's), or a second copy of one. */
  readonly removed: readonly string[];
  readonly unchanged: readonly string[];
}

/**
 * Makes the store's scripts from this app the ones wanted, by name: created when missing, updated when
 * they differ, removed when no longer wanted. The Scripts API lists only the calling app's scripts.
 */
export async function ensureScripts(api: BigCommerceApi, store: StoreAccess, desired: readonly DesiredScript[]): Promise<Result<ScriptsReport, ApiFailure>> {
  const listed = await api.request(store, 'GET', '/v3/content/scripts?limit=250');
  if (!listed.ok) return listed;
  const scripts = z.array(ScriptSchema).safeParse(v3Data(listed.value) ?? []);
  if (!scripts.success) return err({ kind: 'rejected', status: 200, message: 'GET /v3/content/scripts: not a list of scripts', body: listed.value });
  const report = { created: [] as string[], updated: [] as string[], removed: [] as string[], unchanged: [] as string[] };
  for (const script of desired) {
    const current = scripts.data.find((candidate) => candidate.name === script.name);
    const body = { ...script, enabled: script.enabled ?? true };
    if (!current) {
      const created = await api.request(store, 'POST', '/v3/content/scripts', body);
      if (!created.ok) return created;
      report.created.push(script.name);
    } else if (differs(current, body)) {
      const updated = await api.request(store, 'PUT', `/v3/content/scripts/${encodeURIComponent(current.uuid)}`, body);
      if (!updated.ok) return updated;
      report.updated.push(script.name);
    } else {
      report.unchanged.push(script.name);
    }
  }
  // Not wanted, or a second copy of one that is (two set-ups that raced in different processes).
  const kept = new Set(desired.map((wanted) => scripts.data.find((script) => script.name === wanted.name)?.uuid));
  for (const stale of scripts.data.filter((script) => !kept.has(script.uuid))) {
    const removed = await api.request(store, 'DELETE', `/v3/content/scripts/${encodeURIComponent(stale.uuid)}`);
    if (!removed.ok && !(removed.error.kind === 'rejected' && removed.error.status === 404)) return removed;
    report.removed.push(stale.name);
  }
  return ok(report);
}

function differs(current: z.output<typeof ScriptSchema>, wanted: DesiredScript & { readonly enabled: boolean }): boolean {
  const hashes = (list: readonly string[] | null | undefined) => [...(list ?? [])].sort().join(' ');
  return (
    current.src !== wanted.src ||
    current.visibility !== wanted.visibility ||
    current.consent_category !== wanted.consent_category ||
    current.load_method !== wanted.load_method ||
    current.location !== wanted.location ||
    (current.enabled ?? true) !== wanted.enabled ||
    hashes(current.integrity_hashes) !== hashes(wanted.integrity_hashes)
  );
}
