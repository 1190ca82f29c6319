import type { TrackingConfig } from '../config/tracking-config.ts';
import type { ConversionFields } from '../mapping/conversion.ts';
import type { DeliveryKind, LifecyclePlan, OrderEvent, PlannedDelivery } from '../ledger/order-lifecycle.ts';

/**
 * CartRelay's durable state behind one interface: shops, the webhook inbox, the order ledger and the
 * delivery outbox. Two implementations (SQLite embedded, PostgreSQL shared by many processes) pass
 * one contract battery (core/src/testing/store-contract.ts).
 */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;

  addShop(shop: NewShop, now: number): Promise<ShopRow>;
  findShop(platform: string, shopKey: string): Promise<ShopRow | null>;
  getShop(id: number): Promise<ShopRow | null>;
  listShops(): Promise<ShopRow[]>;
  updateShop(id: number, patch: ShopPatch, now: number): Promise<void>;
  /** Deletes the shop and everything held for it (Shopify's shop/redact): ledger, queues, captures, sessions. */
  deleteShop(id: number): Promise<void>;

  /** A store app's sessions (OAuth access tokens), sealed by the caller. */
  saveAppSession(session: AppSession, now: number): Promise<void>;
  loadAppSession(id: string): Promise<AppSession | null>;
  deleteAppSessions(ids: readonly string[]): Promise<void>;
  findAppSessions(platform: string, shopKey: string): Promise<AppSession[]>;

  /**
   * Records a click id captured outside the order (a pixel's beacon). The first capture of a checkout
   * (or, for a beacon without one, of an order id) stays: a later beacon never replaces it.
   */
  recordClickCapture(capture: ClickCapture): Promise<'recorded' | 'already_captured'>;
  /**
   * The capture for an order. An order with a checkout token takes only the capture of that checkout:
   * a beacon naming the order id alone (which anyone can post) is not believed over it. Without a
   * token, the first capture of the order id.
   */
  findClickCapture(shopId: number, platformOrderId: string, checkoutToken: string | null): Promise<ClickCapture | null>;

  /** Where a shop's periodic job (reconciliation) got to. */
  readCursor(shopId: number, name: string): Promise<string | null>;
  /** Saves the cursor, and ends a lease taken on it. */
  saveCursor(shopId: number, name: string, value: string, now: number): Promise<void>;
  /**
   * Takes the cursor for a run of its job, so that of several processes one runs it: its value, or
   * null when there is no cursor yet or another process holds a lease that has not run out.
   */
  leaseCursor(shopId: number, name: string, leaseMs: number, now: number): Promise<string | null>;

  /** Everything held on one customer of a shop (a privacy-law data request), saved for the merchant. */
  exportCustomerData(shopId: number, customer: CustomerRef, requestId: string | null, now: number): Promise<CustomerDataExport>;
  listCustomerDataExports(shopId: number): Promise<CustomerDataExport[]>;
  /**
   * Removes one customer's personal data (ids, email hashes, IPs, user agents, raw payloads that name
   * them) from the shop's ledger and queues; what was sold and for how much stays. Returns the orders touched.
   */
  redactCustomer(shopId: number, customer: CustomerRef, now: number): Promise<number>;

  /** Stores verified webhooks in one transaction; a delivery id seen before for the shop is a duplicate. */
  insertWebhooks(webhooks: readonly NewWebhook[]): Promise<Array<'stored' | 'duplicate'>>;
  /** Leases up to `limit` webhooks ready for processing (pending, or leased by a process that died). */
  claimWebhooks(limit: number, leaseMs: number, now: number): Promise<WebhookRow[]>;
  /** Ends webhooks without an order change (ignored topic, invalid payload), in one transaction. */
  finishWebhooks(webhooks: ReadonlyArray<{ readonly id: number; readonly status: 'done' | 'failed'; readonly outcome: string }>, now: number): Promise<void>;
  /**
   * Gives a leased webhook back for a later try (a fetch from the platform failed). `uncounted`: the
   * wait was no failure (the shop is not configured yet, a click id may still come), so the claim's
   * attempt is given back.
   */
  retryWebhook(id: number, outcome: string, availableAt: number, options?: { readonly uncounted?: boolean }): Promise<void>;
  /** Makes a shop's waiting webhooks due now (its configuration was just saved); returns how many. */
  releaseWebhooks(shopId: number, now: number): Promise<number>;
  /**
   * In one transaction, for each event in turn: loads the order's ledger entry, plans the event
   * (planOrderEvent), saves the entry, enqueues the planned deliveries and marks the webhook done.
   * An event that cannot be applied (its OrderId is taken by another order, or anything else goes wrong
   * with it) is undone alone, so one poisonous webhook never holds back the others.
   */
  applyOrderEvents(inputs: readonly ApplyOrderEvent[]): Promise<ApplyOrderResult[]>;

  /** Enqueues deliveries that belong to no order (test actions and their scheduled reversal). */
  enqueueDeliveries(shopId: number, deliveries: ReadonlyArray<PlannedDelivery & { availableAt: number }>, now: number): Promise<number[]>;
  /** Leases deliveries that are due; a delivery waits while an earlier one of the same order is unfinished. */
  claimDeliveries(limit: number, leaseMs: number, now: number): Promise<DeliveryRow[]>;
  /** Records attempts and their outcomes, in one transaction. */
  recordDeliveryOutcomes(outcomes: readonly RecordedOutcome[]): Promise<void>;
  /** Leases delivered submissions whose impact.com processing result is due to be checked. */
  claimSubmissionChecks(limit: number, leaseMs: number, now: number): Promise<DeliveryRow[]>;
  recordSubmissionCheck(id: number, check: SubmissionCheck): Promise<void>;
  /**
   * Makes a shop's waiting deliveries due now (it was reinstalled or reconnected, so what was held for
   * it can go); an order's deliveries still go one at a time. Returns how many.
   */
  releaseDeliveries(shopId: number, now: number): Promise<number>;
  /** Puts dead-lettered deliveries back in the queue; returns how many. */
  requeueDeadDeliveries(shopId: number | null, now: number): Promise<number>;

  /**
   * Deletes up to `limit` processed webhooks (with their raw payloads, which hold customers' personal
   * data) received before `before`, and click captures taken before it. Oldest first; returns how many
   * went. The ledger and the deliveries stay: they are the record of what was sent.
   */
  purgeExpired(before: number, limit: number): Promise<number>;
  listOrders(shopId: number, filter: OrderFilter): Promise<OrderListing[]>;
  /** The ledger status of one order, null when it is not in the ledger. */
  orderStatus(shopId: number, platformOrderId: string): Promise<OrderListing['status'] | null>;
  listDeliveries(shopId: number, filter: { readonly orderRef?: number | null; readonly since?: number }): Promise<DeliveryListing[]>;
  queueDepth(): Promise<{ webhooks: number; deliveries: number; dead: number }>;
}

export interface NewShop {
  readonly platform: string;
  readonly shopKey: string;
  /** null while a shop installed from a marketplace has not been set up in the admin page. */
  readonly config: TrackingConfig | null;
  readonly impactAccountSid: string | null;
  readonly impactAuthTokenSealed: string | null;
  readonly webhookSecretSealed: string | null;
  readonly accessTokenSealed: string | null;
}

export interface ShopRow extends NewShop {
  readonly id: number;
  readonly active: boolean;
  /** When the shop was added, installed again, or its install last confirmed (a token exchange) (epoch ms). */
  readonly installedAt: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type ShopPatch = Partial<Pick<ShopRow, 'config' | 'active' | 'installedAt' | 'impactAccountSid' | 'impactAuthTokenSealed' | 'webhookSecretSealed' | 'accessTokenSealed'>>;

export interface NewWebhook {
  readonly shopId: number;
  readonly topic: string;
  /** The platform's id for the delivery, used to drop duplicates. */
  readonly deliveryId: string;
  readonly receivedAt: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface WebhookRow extends NewWebhook {
  readonly id: number;
  readonly attempts: number;
}

export interface ApplyOrderEvent {
  readonly webhookId: number | null;
  readonly shopId: number;
  readonly platformOrderId: string;
  readonly event: OrderEvent;
  readonly config: TrackingConfig;
  readonly now: number;
}

export type ApplyOrderResult =
  | { readonly ok: true; readonly plan: LifecyclePlan }
  | { readonly ok: false; readonly reason: 'order_id_taken'; readonly message: string }
  /** Anything else that went wrong with this one event; the rest of the batch is unaffected. */
  | { readonly ok: false; readonly reason: 'failed'; readonly message: string };

/** What came of a claimed delivery: an attempt and its outcome, or a hold (nothing was sent). */
export type RecordedOutcome =
  | { readonly id: number; readonly outcome: DeliveryOutcome; readonly attempt: DeliveryAttempt }
  /** Not sent (its shop inactive, its account rate-limited): back in the queue, the claim's attempt given back. */
  | { readonly id: number; readonly held: { readonly until: number; readonly reason: string } };

export type DeliveryStatus = 'pending' | 'inflight' | 'done' | 'rejected' | 'dead';

export interface DeliveryRow {
  readonly id: number;
  readonly shopId: number;
  readonly orderRef: number | null;
  readonly kind: DeliveryKind;
  readonly method: 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly fields: ConversionFields;
  readonly attempts: number;
  readonly queuedUri: string | null;
}

export type DeliveryOutcome =
  | { readonly status: 'done'; readonly queuedUri: string | null; readonly checkAt: number | null }
  /** `uncounted`: the answer was no fault of this delivery (429): the attempt is given back. */
  | { readonly status: 'retry'; readonly availableAt: number; readonly error: string; readonly uncounted?: boolean }
  | { readonly status: 'rejected'; readonly error: string }
  | { readonly status: 'dead'; readonly error: string };

export interface DeliveryAttempt {
  readonly attemptedAt: number;
  readonly durationMs: number;
  readonly httpStatus: number | null;
  readonly detail: string;
}

export type SubmissionCheck =
  | { readonly status: 'pending'; readonly checkAt: number }
  | { readonly status: 'complete' }
  | { readonly status: 'error'; readonly errors: readonly unknown[] }
  /** impact.com has no record of the submission: its outcome cannot be known any more. */
  | { readonly status: 'unknown' };

export interface OrderFilter {
  readonly since?: number;
  readonly status?: 'none' | 'converted' | 'reversed';
  readonly limit?: number;
}

export interface OrderListing {
  readonly id: number;
  readonly platformOrderId: string;
  readonly status: 'none' | 'converted' | 'reversed';
  readonly actionTrackerId: string | null;
  readonly impactOrderId: string | null;
  /** The checkout the order came from, when the platform says (it names the order's genuine click capture). */
  readonly checkoutToken: string | null;
  /** The number the merchant knows the order by ("1001" for Shopify's #1001); null before the order arrived. */
  readonly orderNumber: string | null;
  readonly explain: readonly string[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface DeliveryListing extends DeliveryRow {
  readonly status: DeliveryStatus;
  /** When a pending delivery is due (a test action's reversal: an hour on). */
  readonly availableAt: number;
  readonly lastError: string | null;
  readonly submissionStatus: string | null;
  readonly submissionErrors: readonly unknown[] | null;
  readonly createdAt: number;
  readonly completedAt: number | null;
  readonly attemptLog: readonly DeliveryAttempt[];
}

export interface AppSession {
  readonly id: string;
  readonly platform: string;
  readonly shopKey: string;
  /** The platform library's session, serialised and sealed: it holds the access token. */
  readonly sealed: string;
}

export interface ClickCapture {
  readonly shopId: number;
  /** null when the beacon named only the checkout. */
  readonly platformOrderId: string | null;
  readonly checkoutToken: string | null;
  readonly clickId: string;
  readonly sharedId: string | null;
  /** Where it came from: "pixel". */
  readonly source: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly capturedAt: number;
}

/** A customer as a privacy request names them: any of id, email and their orders. */
export interface CustomerRef {
  readonly customerId: string | null;
  readonly email: string | null;
  readonly platformOrderIds: readonly string[];
}

export interface CustomerDataExport {
  readonly requestId: string | null;
  readonly createdAt: number;
  readonly customerId: string | null;
  /** The ledger's orders of this customer: what was sent to impact.com about them. */
  readonly orders: ReadonlyArray<{
    readonly platformOrderId: string;
    readonly impactOrderId: string | null;
    readonly status: string;
    /** Fields sent to impact.com that identify the customer: CustomerId, CustomerEmail (a hash), IpAddress, UserAgent, ClickId. */
    readonly sentFields: Readonly<Record<string, string>>;
    readonly clickCapture: { readonly clickId: string; readonly ip: string | null; readonly userAgent: string | null } | null;
  }>;
}
