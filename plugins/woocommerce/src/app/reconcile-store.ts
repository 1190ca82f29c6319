import type { ReconciledWebhook } from '@cartrelay/core';
import { z } from 'zod';
import type { WooCommerceApi, WooStoreAccess } from '../api/woocommerce-api.ts';
import { RECONCILED_TOPIC } from '../webhooks.ts';

const PAGE_SIZE = 100;
/** What reconciliation reads of a listed order to name its state; the whole order is stored. */
const ListedOrderSchema = z.looseObject({ id: z.number().int(), date_modified_gmt: z.string().nullish() });

/**
 * The store's orders modified since the last run (REST `modified_after`, in GMT), read page by page
 * in id order with the window's end fixed at the run's start so that pages do not shift under it.
 * Each order is stored as an `order.reconciled` webhook carrying the order as the REST API gave it,
 * which takes the webhooks' path; orders moved to the trash meanwhile (which `status=any` leaves out)
 * become `order.deleted`. A delivery id names the order's state, so a state seen before is stored
 * once. Throws when the store cannot be read: the next run starts from the same point.
 */
export async function reconcileStore(
  api: WooCommerceApi,
  store: WooStoreAccess,
  run: {
    readonly since: string;
    readonly until: string;
    readonly enqueue: (page: readonly ReconciledWebhook[]) => Promise<void>;
    readonly onProgress?: (progress: { readonly pages: number; readonly orders: number }) => void;
  },
): Promise<{ readonly orders: number; readonly cursor: string | null }> {
  let orders = 0;
  let pages = 0;
  let newest: string | null = null;
  for (const status of ['any', 'trash'] as const) {
    for (let page = 1; ; page++) {
      // WooCommerce compares whole seconds, strictly: the window reaches a second further each way, so an
      // order changed in the cursor's second, or the run's, is read (a state read twice is stored once).
      const params = { modified_after: wooDate(run.since, -1), modified_before: wooDate(run.until, +1), dates_are_gmt: true, status, orderby: 'id', order: 'asc', per_page: PAGE_SIZE, page };
      const answer = await api.request(store, 'get', 'orders', { params });
      if (!answer.ok) throw new Error(`the orders of ${store.siteUrl} could not be listed: ${answer.error.message}`);
      const listed = z.array(ListedOrderSchema).safeParse(answer.value.body);
      if (!listed.success) throw new Error(`the orders list of ${store.siteUrl} is not WooCommerce's: ${listed.error.message}`);
      const webhooks = listed.data.map((order): ReconciledWebhook => {
        const modified = order.date_modified_gmt ? `${order.date_modified_gmt.replace(/Z$/, '')}Z` : run.until;
        if (newest === null || modified > newest) newest = modified;
        return status === 'trash'
          ? { topic: 'order.deleted', deliveryId: `reconcile:${order.id}:trash:${modified}`, body: JSON.stringify({ id: order.id }) }
          : { topic: RECONCILED_TOPIC, deliveryId: `reconcile:${order.id}:${modified}`, body: JSON.stringify(order) };
      });
      if (webhooks.length > 0) await run.enqueue(webhooks);
      orders += webhooks.length;
      pages += 1;
      run.onProgress?.({ pages, orders });
      if (listed.data.length < PAGE_SIZE || page >= (answer.value.totalPages ?? page)) break;
    }
  }
  return { orders, cursor: newest };
}

/** An RFC 3339 date in whole seconds (which every WooCommerce version reads), moved by `seconds`. */
function wooDate(iso: string, seconds: number): string {
  const at = Math.floor(Date.parse(iso) / 1000) + seconds;
  return new Date(at * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}
