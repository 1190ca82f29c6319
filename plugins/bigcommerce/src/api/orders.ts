import { type Result, err, ok } from '@cartrelay/core';
import { z } from 'zod';
import type { ApiFailure, BigCommerceApi, StoreAccess } from './bigcommerce-api.ts';

/**
 * An order as the mapping reads it: the V2 order, its products and its coupons
 * (https://developer.bigcommerce.com/docs/rest-management/orders). One request after the other: the
 * store's quota is shared by every app installed there, and a burst of orders must not take it all at once.
 */
export async function fetchOrderBundle(api: BigCommerceApi, store: StoreAccess, orderId: string): Promise<Result<{ order: unknown; products: unknown; coupons: unknown }, ApiFailure>> {
  const path = `/v2/orders/${encodeURIComponent(orderId)}`;
  const order = await api.request(store, 'GET', path);
  if (!order.ok) return order;
  const products = await api.request(store, 'GET', `${path}/products`);
  if (!products.ok) return products;
  const coupons = await api.request(store, 'GET', `${path}/coupons`);
  if (!coupons.ok) return coupons;
  // 204: none.
  return ok({ order: order.value, products: products.value ?? [], coupons: coupons.value ?? [] });
}

/** V2 orders list the fields a reconciliation needs; the rest is fetched again, as after a webhook. */
const ListedOrderSchema = z.object({ id: z.union([z.number().int(), z.string().regex(/^\d+$/)]), date_modified: z.string() });

/** The V2 list's largest page. */
export const ORDERS_PAGE_SIZE = 250;

export interface ListedOrder {
  readonly id: string;
  /** As BigCommerce gives it (RFC 2822). */
  readonly dateModified: string;
}

/**
 * One page of the store's orders modified in [since, until], oldest id first. `until` is fixed for a
 * whole run, so that orders modified meanwhile do not shift the pages under it (they are read by the
 * next run). BigCommerce answers an empty list with 204.
 */
export async function listOrdersModified(
  api: BigCommerceApi,
  store: StoreAccess,
  window: { readonly since: string; readonly until: string; readonly page: number },
): Promise<Result<ListedOrder[], ApiFailure>> {
  const query = new URLSearchParams({
    min_date_modified: window.since,
    max_date_modified: window.until,
    sort: 'id:asc',
    limit: String(ORDERS_PAGE_SIZE),
    page: String(window.page),
  });
  const answer = await api.request(store, 'GET', `/v2/orders?${query}`);
  if (!answer.ok) return answer;
  if (answer.value === null) return ok([]);
  const listed = z.array(ListedOrderSchema).safeParse(answer.value);
  if (!listed.success) return err({ kind: 'rejected', status: 200, message: 'GET /v2/orders: not a list of orders', body: answer.value });
  return ok(listed.data.map((order) => ({ id: String(order.id), dateModified: order.date_modified })));
}
