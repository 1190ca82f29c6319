import { SingleBar } from 'cli-progress';
import { offlineSession } from '@cartrelay/shopify/app';
import { AdminApiError, reconcileShop } from '@cartrelay/shopify/reconcile';
import { parseEnv } from '../env.ts';
import { shopifyApiFromEnv } from '../shopify-api.ts';
import { type Io, UsageError } from '../io.ts';
import { parseOptions } from '../options.ts';
import { openRuntime } from '../runtime.ts';
import { resolveShop } from './shops.ts';

export const RECONCILE_USAGE = 'usage: cartrelay reconcile --shop <shop>.myshopify.com --since <ISO date>';

/**
 * Reads the Shopify orders updated since a moment through the Admin API and stores those the
 * webhooks missed in the inbox, as `orders/reconciled` webhooks; a running relay processes them.
 * Orders stored before (same order, same updatedAt) are not stored again.
 */
export async function reconcileCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseOptions(args, { shop: { type: 'string', required: true }, since: { type: 'string', required: true } }, RECONCILE_USAGE);
  const since = Date.parse(values.since);
  if (Number.isNaN(since)) throw new UsageError(`--since: expected an ISO date such as 2026-11-01 or 2026-11-01T10:00:00Z, got "${values.since}"`);
  const env = parseEnv(io.env);
  const shopify = await shopifyApiFromEnv(env);
  if (!shopify) throw new UsageError('environment: SHOPIFY_API_KEY, SHOPIFY_API_SECRET and SHOPIFY_APP_URL are required (the Shopify app reads the Admin API)');

  const runtime = await openRuntime(env, (line) => io.stderr(`${line}\n`));
  try {
    const row = await resolveShop(runtime, values.shop, 'shopify');
    const shop = await runtime.shops.get(row.id);
    if (!shop?.accessToken) throw new UsageError(`shopify shop ${row.shopKey} has no access token: install the app on it first`);
    const client = new shopify.clients.Graphql({ session: offlineSession(shopify, shop.shopKey, shop.accessToken) });

    const progress = progressReporter(io, shop.shopKey);
    let stored = 0;
    let known = 0;
    try {
      const result = await reconcileShop({
        client,
        since: new Date(since).toISOString(),
        now: io.now,
        onProgress: progress.update,
        enqueue: async (batch) => {
          const receivedAt = io.now().getTime();
          const outcomes = await runtime.store.insertWebhooks(
            batch.map((w) => ({ shopId: shop.id, topic: w.topic, deliveryId: w.deliveryId, receivedAt, headers: {}, body: w.body })),
          );
          for (const outcome of outcomes) outcome === 'stored' ? stored++ : known++;
        },
      });
      progress.stop();
      io.stdout(`orders seen ${result.orders}, new ${stored} (already known ${known}); next run: --since ${result.cursor ?? new Date(since).toISOString()}\n`);
      return 0;
    } catch (error) {
      progress.stop();
      if (error instanceof AdminApiError) {
        io.stderr(`cartrelay reconcile: ${error.message}\n`);
        return 1;
      }
      throw error;
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
