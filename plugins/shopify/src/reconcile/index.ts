export { AdminApiError, type ListOptions, type OrdersPage, ORDERS_PAGE_QUERY, ORDER_QUERY, listOrdersUpdatedSince } from './list-orders.ts';
export { RECONCILE_OVERLAP_MS, type ReconcileOptions, type ReconciledWebhook, reconcileShop } from './reconcile-shop.ts';
