import type { ClickCaptures } from '../captures/click-captures.ts';
import type { DeliveryOutbox } from '../delivery/outbox.ts';
import { type ApplyOrderEvent, type ApplyOrderResult, applyOrderEvents } from '../ledger/apply-order-events.ts';
import type { OrderLedger } from '../ledger/order-ledger.ts';
import type { PersonalData } from '../privacy/personal-data.ts';
import type { ShopCredentials } from '../shops/shop-credentials.ts';
import type { ShopCursors } from '../shops/shop-cursors.ts';
import type { ShopRecords } from '../shops/shop-records.ts';
import type { WebhookInbox } from '../webhooks/inbox.ts';
import type { RelayQueries } from './relay-queries.ts';

/**
 * CartRelay's durable state, one port per concern, each declared by the module that owns it (ADR 9):
 * shops and their credentials and cursors, the webhook inbox, the order ledger, the delivery outbox,
 * click captures, customers' personal data, and the read side. Each component is typed with the ports
 * it uses; the wiring (startRelay, the command) holds them all as one Store. Two implementations
 * (SQLite embedded, PostgreSQL shared by many processes) pass one contract battery per port
 * (core/src/testing/*-contract.ts).
 */
export interface StorePorts
  extends ShopRecords,
    ShopCredentials,
    ShopCursors,
    WebhookInbox,
    OrderLedger,
    DeliveryOutbox,
    ClickCaptures,
    PersonalData,
    RelayQueries {}

/** The database behind the ports. */
export interface StoreConnection {
  readonly dialect: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export interface Store extends StorePorts, StoreConnection {
  /** The ledger's use case (core/src/ledger/apply-order-events.ts) over this store's ledger. */
  applyOrderEvents(events: readonly ApplyOrderEvent[]): Promise<ApplyOrderResult[]>;
}

/** The Store the relay is wired with: a store's ports, and the ledger's use case over them. */
export function storeOf(ports: StorePorts & StoreConnection): Store {
  return { ...ports, applyOrderEvents: (events) => applyOrderEvents(ports, events) };
}

// Each type lives with the module that owns it; they are named here too, for the store's callers.
export type { ClickCapture, ClickCaptures } from '../captures/click-captures.ts';
export type { DeliveryWait } from '../delivery/outbox.ts';
export type {
  DeliveryAttempt,
  DeliveryListing,
  DeliveryOutbox,
  DeliveryOutcome,
  DeliveryRow,
  DeliveryStatus,
  RecordedOutcome,
  SubmissionCheck,
} from '../delivery/outbox.ts';
export type { ApplyOrderEvent, ApplyOrderResult } from '../ledger/apply-order-events.ts';
export type { LedgerTransaction, LockedEntry, OrderLedger, SavedEntry } from '../ledger/order-ledger.ts';
export type { OrderFilter, OrderListing } from '../ledger/order-listing.ts';
export type { CustomerDataExport, CustomerRef, PersonalData } from '../privacy/personal-data.ts';
export type { LeasedCredentials, ShopCredentials, ShopKey, StoredCredentials } from '../shops/shop-credentials.ts';
export type { ShopCursors } from '../shops/shop-cursors.ts';
export type { AccessProblem, NewShop, ShopPatch, ShopRecords, ShopRow } from '../shops/shop-records.ts';
export type { InboxOutcome, NewWebhook, WebhookInbox, WebhookRow } from '../webhooks/inbox.ts';
export type { QueueDepth, RelayQueries } from './relay-queries.ts';
