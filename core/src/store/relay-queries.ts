import type { DeliveryListing, DeliveryStatus } from '../delivery/outbox.ts';
import type { OrderFilter, OrderListing } from '../ledger/order-listing.ts';
import type { Order } from '../order/order.ts';

/**
 * What the admin page, the command and the health endpoints read: the ledger's orders, their
 * deliveries, and how much work waits. One of the store's ports (ADR 9); its battery:
 * core/src/testing/queries-contract.ts.
 */
export interface RelayQueries {
  listOrders(shopId: number, filter: OrderFilter): Promise<OrderListing[]>;
  /** The ledger status of one order, null when it is not in the ledger. */
  orderStatus(shopId: number, platformOrderId: string): Promise<OrderListing['status'] | null>;
  /** Which of these orders the ledger holds: one query however many are asked about. */
  ordersInLedger(shopId: number, platformOrderIds: readonly string[]): Promise<ReadonlySet<string>>;
  listDeliveries(shopId: number, filter: { readonly orderRef?: number | null; readonly since?: number }): Promise<DeliveryListing[]>;
  queueDepth(): Promise<QueueDepth>;
  /** The newest webhook stored for the shop (processed ones go after the retention period); null when none is kept. */
  lastWebhook(shopId: number): Promise<{ readonly topic: string; readonly receivedAt: number } | null>;
  /** The shop's orders first seen at or after `since`, oldest first, each with its latest conversion's attribution: Home's figures. */
  listOrderAttribution(shopId: number, since: number): Promise<OrderAttributionRow[]>;
  /** The shop's delivery attempts at or after `since`, newest first, at most `limit`, with impact.com's answers: Home's alerts. */
  listImpactAnswers(shopId: number, since: number, limit: number): Promise<ImpactAnswerRow[]>;
  /**
   * A page of the shop's orders for the admin page's recent actions: newest first by when the ledger
   * first saw them (then by id), strictly after the place `before` names, matching `search` when given.
   */
  listRecentOrders(shopId: number, filter: RecentOrdersFilter): Promise<RecentOrder[]>;
  /** The shop's order webhooks the inbox holds for a click id (their outcome: webhooks/click-wait-outcome.ts), newest first. */
  listClickWaits(shopId: number, limit: number): Promise<ClickWaitRow[]>;
}

export interface RecentOrdersFilter {
  readonly limit: number;
  /** The last order of the previous page. */
  readonly before?: { readonly createdAt: number; readonly id: number } | null;
  /**
   * An order's number or platform id (whole or its beginning, any case, a leading "#" ignored for
   * numbers), a code entered on it (whole, any case), or its click id (whole or its beginning).
   */
  readonly search?: string | null;
}

/** An order as recent actions show it: its listing and the order as the ledger keeps it (no personal data). */
export interface RecentOrder extends OrderListing {
  readonly order: Order | null;
}

export interface ClickWaitRow {
  readonly webhookId: number;
  readonly receivedAt: number;
  readonly outcome: string;
}

/** An order and what its conversion carried: how it was attributed, and how impact.com took it. */
export interface OrderAttributionRow {
  readonly orderRef: number;
  /** When the ledger first saw the order (epoch ms). */
  readonly createdAt: number;
  /** Where the order's click id can have come from, as the ledger keeps it; null while only a refund arrived. */
  readonly order: Pick<Order, 'landingUrl' | 'attributes' | 'capturedClickId' | 'capturedClickSource'> | null;
  /** The order's latest conversion; null when none was planned (not paid, no partner…). */
  readonly conversion: {
    readonly status: DeliveryStatus;
    readonly submissionStatus: string | null;
    readonly submissionErrors: readonly unknown[] | null;
    readonly clickId: string | null;
    readonly mediaPartnerId: string | null;
    readonly orderPromoCode: string | null;
  } | null;
}

/** One delivery attempt and its delivery's submission result: what impact.com made of the shop's credentials and contract. */
export interface ImpactAnswerRow {
  readonly deliveryId: number;
  readonly attemptedAt: number;
  /** null: no HTTP answer (a network error, a timeout). */
  readonly httpStatus: number | null;
  readonly submissionStatus: string | null;
  readonly submissionErrors: readonly unknown[] | null;
}

/** Work waiting: webhooks to process, deliveries to send, and dead-lettered deliveries. */
export interface QueueDepth {
  webhooks: number;
  deliveries: number;
  dead: number;
}
