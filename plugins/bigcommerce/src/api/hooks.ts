import { type Result, err, ok } from '@cartrelay/core';
import { z } from 'zod';
import { type ApiFailure, type BigCommerceApi, type StoreAccess, v3Data } from './bigcommerce-api.ts';

/** A hook as BigCommerce lists it (https://developer.bigcommerce.com/docs/integrations/webhooks). */
const HookSchema = z.object({
  id: z.number().int(),
  scope: z.string(),
  destination: z.string(),
  is_active: z.boolean(),
  headers: z.record(z.string(), z.string()).nullish(),
});

export interface DesiredHooks {
  readonly scopes: readonly string[];
  /** Where BigCommerce posts: the relay's /webhooks/bigcommerce. */
  readonly destination: string;
  /** Echoed by BigCommerce with every delivery: what proves it is the store's. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface HooksReport {
  readonly created: readonly string[];
  /** Deactivated (after 48 hours of failed deliveries, or by hand) or carrying an old secret: set right. */
  readonly repaired: readonly string[];
  readonly unchanged: readonly string[];
}

/**
 * Makes the store's hooks what CartRelay needs: one per scope to the relay, active, with the store's
 * header. BigCommerce allows one hook per scope and destination, so an existing one is updated, never
 * duplicated; it lists only this app's hooks, so another app's are never touched.
 */
export async function ensureHooks(api: BigCommerceApi, store: StoreAccess, desired: DesiredHooks): Promise<Result<HooksReport, ApiFailure>> {
  const existing: Array<z.output<typeof HookSchema>> = [];
  for (let page = 1; page <= 20; page++) {
    const listed = await api.request(store, 'GET', `/v3/hooks?page=${page}&limit=250`);
    if (!listed.ok) return listed;
    const hooks = z.array(HookSchema).safeParse(v3Data(listed.value) ?? []);
    if (!hooks.success) return err({ kind: 'rejected', status: 200, message: 'GET /v3/hooks: not a list of hooks', body: listed.value });
    existing.push(...hooks.data);
    if (hooks.data.length < 250) break;
  }
  const report = { created: [] as string[], repaired: [] as string[], unchanged: [] as string[] };
  for (const scope of desired.scopes) {
    const hook = existing.find((candidate) => candidate.scope === scope && candidate.destination === desired.destination);
    const body = { scope, destination: desired.destination, is_active: true, headers: desired.headers };
    if (!hook) {
      const created = await api.request(store, 'POST', '/v3/hooks', body);
      if (!created.ok) return created;
      report.created.push(scope);
    } else if (!hook.is_active || !sameHeaders(hook.headers ?? {}, desired.headers)) {
      const updated = await api.request(store, 'PUT', `/v3/hooks/${hook.id}`, { is_active: true, headers: desired.headers });
      if (!updated.ok) return updated;
      report.repaired.push(scope);
    } else {
      report.unchanged.push(scope);
    }
  }
  return ok(report);
}

function sameHeaders(actual: Readonly<Record<string, string>>, wanted: Readonly<Record<string, string>>): boolean {
  // BigCommerce may report header names in another case.
  const lower = Object.fromEntries(Object.entries(actual).map(([name, value]) => [name.toLowerCase(), value]));
  return Object.entries(wanted).every(([name, value]) => lower[name.toLowerCase()] === value);
}
