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
export { customerKeys } from './customer-keys.ts';
export { TEST_ACTION_REVERSAL_DELAY_MS, type TestActionPlan, planTestAction } from './test-action.ts';
export { lateClickCapture } from './late-click.ts';
