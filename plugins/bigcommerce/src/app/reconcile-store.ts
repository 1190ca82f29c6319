import type { ReconciledWebhook } from '@cartrelay/core';
import type { BigCommerceApi, StoreAccess } from '../api/bigcommerce-api.ts';
import { ORDERS_PAGE_SIZE, listOrdersModified } from '../api/orders.ts';
import { rfc2822ToIso } from '../order-bundle.ts';
import { RECONCILED_TOPIC } from '../webhooks.ts';

/**
 * The store's orders modified since the last run, read from the V2 orders list page by page (oldest id
 * first, the upper bound fixed at the run's start so that pages do not shift under it), each stored as
 * a `store/order/reconciled` webhook that names the order: processing fetches it as after any hook. The
 * delivery id names the order's state, so a state already seen (from a hook or an earlier run) is
 * stored once. Throws when BigCommerce cannot be read: the next run starts from the same point.
 */
export async function reconcileStore(
  api: BigCommerceApi,
  store: StoreAccess,
  run: {
    readonly since: string;
    readonly until: string;
    readonly enqueue: (page: readonly ReconciledWebhook[]) => Promise<void>;
    readonly onProgress?: (progress: { readonly pages: number; readonly orders: number }) => void;
  },
): Promise<{ readonly orders: number; readonly cursor: string | null }> {
  let orders = 0;
  let newest: string | null = null;
  for (let page = 1; ; page++) {
    const listed = await listOrdersModified(api, store, { since: run.since, until: run.until, page });
    if (!listed.ok) throw new Error(`BigCommerce orders of ${store.storeHash} could not be listed: ${listed.error.message}`);
    const webhooks = listed.value.map((order): ReconciledWebhook => {
      const modified = rfc2822ToIso(order.dateModified) ?? order.dateModified;
      if (newest === null || modified > newest) newest = modified;
      return {
        topic: RECONCILED_TOPIC,
        deliveryId: `reconcile:${order.id}:${modified}`,
        body: JSON.stringify({ scope: RECONCILED_TOPIC, data: { type: 'order', id: Number(order.id) }, producer: `stores/${store.storeHash}` }),
      };
    });
    if (webhooks.length > 0) await run.enqueue(webhooks);
    orders += webhooks.length;
    run.onProgress?.({ pages: page, orders });
    if (listed.value.length < ORDERS_PAGE_SIZE) break;
  }
  return { orders, cursor: newest };
}
