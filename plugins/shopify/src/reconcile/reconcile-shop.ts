import type { GraphqlRequester } from '../admin-api/graphql.ts';
import { numericId } from '../admin-api/gid.ts';
import { RECONCILED_TOPIC } from '../webhooks.ts';
import { listOrdersUpdatedSince } from './list-orders.ts';

/** Shopify's updated_at search index lags behind writes; each run starts this much before the last. */
export const RECONCILE_OVERLAP_MS = 5 * 60_000;

export interface ReconciledWebhook {
  readonly topic: typeof RECONCILED_TOPIC;
  /** `reconcile:<order id>:<updatedAt>`: the same order state is stored once however often it is read. */
  readonly deliveryId: string;
  /** The order node as JSON (ORDER_NODE_FIELDS plus `shopTimezone`), for normalizeShopifyGraphqlOrder. */
  readonly body: string;
}

export interface ReconcileOptions {
  readonly client: GraphqlRequester;
  /** The previous run's cursor (an ISO instant), or null for every order the app may read. */
  readonly since: string | null;
  /** Stores one page's orders like webhooks; called once per page. */
  readonly enqueue: (batch: ReconciledWebhook[]) => Promise<void>;
  readonly now: () => Date;
  readonly onProgress?: (progress: { pages: number; orders: number }) => void;
  readonly pageSize?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Shopify does not promise to deliver every webhook, so a scheduled run per shop reads the orders
 * updated since the last run and feeds them through the webhook inbox, where the delivery id drops
 * what was seen before. Returns how many orders were read and the cursor for the next run: the
 * newest updatedAt seen, or `since` when nothing changed.
 */
export async function reconcileShop(options: ReconcileOptions): Promise<{ orders: number; cursor: string | null }> {
  const from = options.since ? new Date(Date.parse(options.since) - RECONCILE_OVERLAP_MS).toISOString() : null;
  let pages = 0;
  let orders = 0;
  let newest = options.since ? Date.parse(options.since) : Number.NEGATIVE_INFINITY;
  for await (const page of listOrdersUpdatedSince(options.client, from, { pageSize: options.pageSize, sleep: options.sleep })) {
    const batch = page.orders.map((node): ReconciledWebhook => {
      const updatedAt = String(node.updatedAt ?? node.createdAt ?? options.now().toISOString());
      newest = Math.max(newest, Date.parse(updatedAt));
      return { topic: RECONCILED_TOPIC, deliveryId: `reconcile:${numericId(String(node.id))}:${updatedAt}`, body: JSON.stringify(node) };
    });
    if (batch.length > 0) await options.enqueue(batch);
    pages++;
    orders += batch.length;
    options.onProgress?.({ pages, orders });
  }
  return { orders, cursor: Number.isFinite(newest) ? new Date(newest).toISOString() : options.since };
}
