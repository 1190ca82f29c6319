import type { TrackingConfig } from '../config/tracking-config.ts';
import type { PaymentState } from '../order/order.ts';

/** Payment states in which a sale has not happened and never will: no conversion under any trigger. */
const DEAD_STATES: ReadonlySet<PaymentState> = new Set(['cancelled', 'declined', 'failed', 'draft']);

/**
 * `paid` (default): only orders whose payment is captured or authorized.
 * `created`: every order that is not cancelled, declined or failed.
 */
export function isTriggered(state: PaymentState, trigger: TrackingConfig['trigger']): boolean {
  return trigger === 'paid' ? state === 'paid' : !DEAD_STATES.has(state);
}
