export {
  ACTIONS_PATH,
  type DeliveryKind,
  type LedgerEntry,
  type LifecycleContext,
  type LifecyclePlan,
  type OrderEvent,
  type PlannedDelivery,
  type SentState,
  emptyLedgerEntry,
  planOrderEvent,
} from './order-lifecycle.ts';
export { type CustomerKeys, customerKeys } from './customer-keys.ts';
export { keptEntry, keptOrder } from './kept-order.ts';
export { TEST_ACTION_REVERSAL_DELAY_MS, type TestActionPlan, planTestAction } from './test-action.ts';
export { lateClickCapture } from './late-click.ts';
export { type ApplyOrderEvent, type ApplyOrderResult, applyOrderEvents } from './apply-order-events.ts';
export type { LedgerTransaction, LockedEntry, OrderLedger, SavedEntry } from './order-ledger.ts';
export type { OrderFilter, OrderListing } from './order-listing.ts';
