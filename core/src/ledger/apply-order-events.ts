import type { TrackingConfig } from '../config/tracking-config.ts';
import { customerKeys } from './customer-keys.ts';
import { keptEntry } from './kept-order.ts';
import type { LedgerTransaction, OrderLedger } from './order-ledger.ts';
import { orderSearchKeys } from './order-search.ts';
import { type LifecyclePlan, type OrderEvent, planOrderEvent } from './order-lifecycle.ts';

/** An order event to apply: what a webhook meant (or a reconciliation found) for one order of a shop. */
export interface ApplyOrderEvent {
  /** The webhook it came from, marked done when it is applied; null for an event of no webhook. */
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

/**
 * The ledger's use case: applies a batch of order events in one transaction. For each event in turn,
 * in its own savepoint: lock the order's entry, plan the event (planOrderEvent, pure), save the entry
 * with the order as the ledger keeps it (keptOrder: no plain email, IP or user agent), enqueue the
 * planned deliveries. The webhooks applied are marked done in the same transaction, so a webhook
 * processed twice (a crash, a redelivery) plans nothing twice. An event that cannot be applied (its
 * OrderId is taken by another order, or anything else goes wrong with it) is undone alone, so one
 * poisonous webhook never holds back the others. Results come in the order of `events`.
 */
export async function applyOrderEvents(ledger: OrderLedger, events: readonly ApplyOrderEvent[]): Promise<ApplyOrderResult[]> {
  if (events.length === 0) return [];
  const results: ApplyOrderResult[] = new Array(events.length);
  await ledger.withOrders(async (orders) => {
    const done: Array<{ id: number; outcome: string }> = [];
    for (const { event, index } of inLockOrder(events)) {
      const result = await orders.savepoint(() => applyOrderEvent(orders, event), failed);
      results[index] = result;
      if (result.ok && event.webhookId !== null) done.push({ id: event.webhookId, outcome: webhookOutcome(result.plan) });
    }
    await orders.markWebhooksDone(done, events[0]!.now);
  });
  return results;
}

/** One event: lock, plan, save, enqueue. */
async function applyOrderEvent(orders: LedgerTransaction, input: ApplyOrderEvent): Promise<ApplyOrderResult> {
  const locked = await orders.lockEntry(input.shopId, input.platformOrderId, input.now);
  const previous = locked.entry;
  const customer = customerKeys(input.event.kind === 'order' ? input.event.order : previous.order);
  const customerConvertedBefore = await orders.customerConvertedBefore(locked, customer);
  const planned = planOrderEvent(previous, input.event, input.config, { now: new Date(input.now), customerConvertedBefore });
  // The entry saved keeps of the order only what planning its later events needs: no plain email, IP or user agent.
  const plan = { ...planned, entry: keptEntry(planned.entry, input.config.clickIdParam) };
  const saved = await orders.saveEntry(locked, { entry: plan.entry, explain: plan.explain, customer, search: orderSearchKeys(plan.entry.order, input.config.clickIdParam) }, input.now);
  if (saved === 'order_id_taken') {
    return { ok: false, reason: 'order_id_taken', message: `another order of this shop already converted under the same OrderId (order ${input.platformOrderId})` };
  }
  await orders.enqueueDeliveries(locked, plan.deliveries, { now: input.now, orderSentBefore: previous.sent.status !== 'none' });
  return { ok: true, plan };
}

/**
 * The events in the order their entries are locked: by shop, then order id, in every process, so two
 * batches never wait for each other (no deadlock). The sort is stable: one order's events keep theirs.
 */
function inLockOrder(events: readonly ApplyOrderEvent[]): Array<{ event: ApplyOrderEvent; index: number }> {
  return events
    .map((event, index) => ({ event, index }))
    .sort((a, b) => a.event.shopId - b.event.shopId || compare(a.event.platformOrderId, b.event.platformOrderId));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const failed = (error: unknown): ApplyOrderResult => ({ ok: false, reason: 'failed', message: error instanceof Error ? error.message : String(error) });

/** What the webhook's outcome says: the kinds planned, or that nothing changed. */
function webhookOutcome(plan: LifecyclePlan): string {
  return plan.deliveries.length > 0 ? `planned ${plan.deliveries.map((d) => d.kind).join(', ')}` : 'no change';
}
