import { type Shop, createImpactClient, reconcileFromCursor, reconcileShop } from '@cartrelay/core';
import { SingleBar } from 'cli-progress';
import { parseEnv } from '../env.ts';
import { type Io, UsageError } from '../io.ts';
import { parseOptions } from '../options.ts';
import { PLUGINS } from '../platforms.ts';
import { openRuntime } from '../runtime.ts';
import { commandLogger } from '../shopify-api.ts';
import { resolveShop } from './shops.ts';

export const RECONCILE_USAGE = 'usage: cartrelay reconcile --shop <shop> [--platform <platform>] [--since <ISO date>]';

/**
 * Reads a shop's orders changed through its platform's API, as the relay's scheduled reconciliation
 * does, and stores those the webhooks missed in the inbox; a running relay processes them. Orders
 * stored before (same order, same state) are not stored again. Without `--since`, it is the shop's
 * next scheduled run, now: from where the last one got to, moving that point on. With it, it reads
 * from that moment and leaves the schedule's point where it was.
 */
export async function reconcileCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseOptions(args, { shop: { type: 'string', required: true }, platform: { type: 'string' }, since: { type: 'string' } }, RECONCILE_USAGE);
  const since = values.since === undefined ? null : Date.parse(values.since);
  if (Number.isNaN(since)) throw new UsageError(`--since: expected an ISO date such as 2026-11-01 or 2026-11-01T10:00:00Z, got "${values.since}"`);
  const env = parseEnv(io.env);
  const logger = commandLogger(io, env.LOG_LEVEL);
  const runtime = await openRuntime(env, (line) => io.stderr(`${line}\n`));
  try {
    const row = await resolveShop(runtime, values.shop, values.platform);
    const plugin = PLUGINS.find((candidate) => candidate.platform === row.platform)!;
    const settings = plugin.env.safeParse(io.env);
    if (!settings.success) throw new UsageError(`environment: ${settings.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    const context = { store: runtime.store, shops: runtime.shops, box: runtime.box, impact: createImpactClient({ baseUrl: env.CARTRELAY_IMPACT_BASE_URL }), logger, now: Date.now };
    const started = await plugin.start(settings.data, context);
    if ('off' in started.app) throw new UsageError(`the ${row.platform} app is off (${started.app.off}): nothing can read its orders`);
    const reconciliation = started.app.reconciliation;
    if (!reconciliation) throw new UsageError(`the ${row.platform} app does not read orders changed since a moment`);
    const shop = (await runtime.shops.get(row.id)) as Shop;
    const ready = (await reconciliation.ready?.(shop)) ?? true;
    if (ready !== true) throw new UsageError(`${row.platform} shop ${row.shopKey} cannot be read: ${ready.reason}`);

    const progress = progressReporter(io, shop.shopKey);
    try {
      const result =
        since === null ? await reconcileFromCursor(context, shop, reconciliation, progress.update) : await reconcileShop(context, shop, reconciliation, new Date(since).toISOString(), progress.update);
      progress.stop();
      if (result === 'busy') {
        io.stderr(`cartrelay reconcile: ${shop.shopKey} is being reconciled by a running relay; try again shortly, or give --since\n`);
        return 1;
      }
      if (result === 'started') {
        io.stdout(`no reconciliation had run for ${shop.shopKey}: the scheduled runs read its orders from now on; give --since to read back\n`);
        return 0;
      }
      const next = result.cursor ?? result.since;
      io.stdout(`orders seen ${result.orders}, new ${result.stored} (already known ${result.orders - result.stored}); ${since === null ? `the next scheduled run starts from ${next}` : `next run: --since ${next}`}\n`);
      return 0;
    } catch (error) {
      progress.stop();
      io.stderr(`cartrelay reconcile: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
  } finally {
    await runtime.close();
  }
}

/** A bar when stderr is a terminal (cli-progress draws on it directly); plain lines through io otherwise. */
function progressReporter(io: Io, shop: string) {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({ format: `reconcile ${shop} | pages {pages} | orders {orders} | {duration_formatted}`, stream: process.stderr, hideCursor: true });
    bar.start(0, 0, { pages: 0, orders: 0 });
    return { update: (p: { pages: number; orders: number }) => bar.update(p.orders, p), stop: () => bar.stop() };
  }
  return { update: (p: { pages: number; orders: number }) => io.stderr(`reconcile ${shop}: page ${p.pages}, ${p.orders} orders\n`), stop: () => {} };
}
