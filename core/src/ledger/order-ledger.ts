import type { ExplainLine } from '../mapping/explain-line.ts';
import type { CustomerKeys } from './customer-keys.ts';
import type { OrderSearchKeys } from './order-search.ts';
import type { LedgerEntry, PlannedDelivery } from './order-lifecycle.ts';

/**
 * The order ledger as the use case that applies order events needs it (apply-order-events.ts): one
 * row per (shop, platform order) holding what is known of the order and what has been sent, changed
 * only inside a transaction that also enqueues what it planned and marks its webhooks done (ADR 4).
 * One of the store's ports (ADR 9); its battery: core/src/testing/ledger-contract.ts.
 */
export interface OrderLedger {
  /**
   * Runs `work` in one transaction: everything done through `orders` commits together when `work`
   * resolves, and nothing does when it throws. The commit need not reach the disk before this
   * resolves: processing is work the relay redoes if a power cut undoes it (ADR 5).
   */
  withOrders<T>(work: (orders: LedgerTransaction) => Promise<T>): Promise<T>;
}

/** The ledger inside one transaction. Entries are locked as they are read, until the transaction ends. */
export interface LedgerTransaction {
  /**
   * Runs `step` so that it can be undone alone (a savepoint): what it wrote stays when it resolves with
   * `ok` true; when it resolves with `ok` false, or throws, what it wrote is undone and the transaction
   * goes on. A throw comes back as `ifThrown(error)`.
   */
  savepoint<T extends { readonly ok: boolean }>(step: () => Promise<T>, ifThrown: (error: unknown) => T): Promise<T>;
  /**
   * The order's ledger entry, locked until the transaction ends (another process applying an event to
   * the same order waits); an order the ledger has not seen yet starts empty. Lock entries in one
   * order, (shop, platform order id), so that two transactions never wait for each other.
   */
  lockEntry(shopId: number, platformOrderId: string, now: number): Promise<LockedEntry>;
  /** Whether another order of the shop with this customer (either key) has converted; false when the order names no customer. */
  customerConvertedBefore(order: LockedEntry, customer: CustomerKeys): Promise<boolean>;
  /**
   * Saves the entry as planned, with its explanation and its customer's keys. `order_id_taken`: another
   * order of the shop already converted under the same impact.com OrderId (its savepoint must be undone).
   */
  saveEntry(order: LockedEntry, saved: SavedEntry, now: number): Promise<'saved' | 'order_id_taken'>;
  /**
   * Queues the deliveries planned for the order, after its earlier ones. `orderSentBefore`: something
   * of the order was sent before, so a submission of it may still be processing at impact.com; the new
   * deliveries are due no sooner than its next check.
   */
  enqueueDeliveries(order: LockedEntry, deliveries: readonly PlannedDelivery[], options: { readonly now: number; readonly orderSentBefore: boolean }): Promise<void>;
  /** Marks the webhooks whose events were applied done, each with what came of it: processed exactly once. */
  markWebhooksDone(webhooks: ReadonlyArray<{ readonly id: number; readonly outcome: string }>, now: number): Promise<void>;
}

/** An order's ledger entry, locked in the current transaction. */
export interface LockedEntry {
  readonly shopId: number;
  /** The ledger row's id: what the order's deliveries refer to. */
  readonly ref: number;
  readonly entry: LedgerEntry;
}

export interface SavedEntry {
  readonly entry: LedgerEntry;
  /** Both forms of each line are stored: the operator's for the command, the merchant's for the admin page. */
  readonly explain: readonly ExplainLine[];
  /** How later orders recognise this customer (new or returning). */
  readonly customer: CustomerKeys;
  /** What the admin page's search finds the order by. */
  readonly search: OrderSearchKeys;
}
