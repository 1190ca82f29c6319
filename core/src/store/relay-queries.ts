import type { DeliveryListing } from '../delivery/outbox.ts';
import type { OrderFilter, OrderListing } from '../ledger/order-listing.ts';

/**
 * What the admin page, the command and the health endpoints read: the ledger's orders, their
 * deliveries, and how much work waits. One of the store's ports (ADR 9); its battery:
 * core/src/testing/queries-contract.ts.
 */
export interface RelayQueries {
  listOrders(shopId: number, filter: OrderFilter): Promise<OrderListing[]>;
  /** The ledger status of one order, null when it is not in the ledger. */
  orderStatus(shopId: number, platformOrderId: string): Promise<OrderListing['status'] | null>;
  listDeliveries(shopId: number, filter: { readonly orderRef?: number | null; readonly since?: number }): Promise<DeliveryListing[]>;
  queueDepth(): Promise<QueueDepth>;
}

/** Work waiting: webhooks to process, deliveries to send, and dead-lettered deliveries. */
export interface QueueDepth {
  webhooks: number;
  deliveries: number;
  dead: number;
}
