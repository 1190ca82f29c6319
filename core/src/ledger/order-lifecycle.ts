import type { TrackingConfig } from '../config/tracking-config.ts';
import { CONVERSIONS_PATH, type ConversionFields, type Mapping } from '../mapping/conversion.ts';
import { type ExplainLine, explainLine } from '../mapping/explain-line.ts';
import { mapOrder } from '../mapping/map-order.ts';
import type { MinorUnits } from '../money/minor-units.ts';
import type { CancelReason, Order, Refund } from '../order/order.ts';

/**
 * The life of one order at impact.com, planned from what the ledger knows and what just arrived.
 * Pure: the store runs it inside the transaction that saves its result, so a webhook processed twice
 * (a crash, a redelivery) plans nothing twice. The order it finds in the entry is the order as the
 * ledger keeps it (kept-order.ts): no plain email, IP or user agent. Quantities are absolute, so a modification repeated
 * by a retry changes nothing.
 */

export const ACTIONS_PATH = '/Advertisers/{AccountSID}/Actions';

/** What has been sent (enqueued, in order) to impact.com for the order. */
export type SentState =
  | { readonly status: 'none' }
  | { readonly status: 'converted'; readonly actionTrackerId: string; readonly orderId: string; readonly items: Readonly<Record<string, number>> }
  | { readonly status: 'reversed'; readonly actionTrackerId: string; readonly orderId: string };

export interface LedgerEntry {
  readonly platformOrderId: string;
  /** The newest order state known; null while only a refund has arrived. */
  readonly order: Order | null;
  /** Refunds that arrived before the order itself. */
  readonly earlyRefunds: readonly Refund[];
  readonly sent: SentState;
}

export type DeliveryKind = 'conversion' | 'modification' | 'reversal';

export interface PlannedDelivery {
  readonly kind: DeliveryKind;
  readonly method: 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly fields: ConversionFields;
}

export type OrderEvent =
  | { readonly kind: 'order'; readonly order: Order }
  | { readonly kind: 'refund'; readonly platformOrderId: string; readonly refund: Refund }
  /** The order was deleted (trashed) on the platform: to impact.com, a cancelled order. */
  | { readonly kind: 'deleted'; readonly platformOrderId: string };

export interface LifecycleContext {
  readonly now: Date;
  /** Whether this order's customer (id or email hash) converted before, for new/returning when the order cannot say. */
  readonly customerConvertedBefore: boolean;
}

export interface LifecyclePlan {
  readonly entry: LedgerEntry;
  readonly deliveries: readonly PlannedDelivery[];
  readonly explain: readonly ExplainLine[];
  /** The mapping of the order as sold, when there is an order. */
  readonly mapping: Mapping | null;
}

export function emptyLedgerEntry(platformOrderId: string): LedgerEntry {
  return { platformOrderId, order: null, earlyRefunds: [], sent: { status: 'none' } };
}

export function planOrderEvent(previous: LedgerEntry, event: OrderEvent, config: TrackingConfig, context: LifecycleContext): LifecyclePlan {
  const explain: ExplainLine[] = [];
  const order = mergeEvent(previous, event, explain);
  if (order === null) {
    const refund = event.kind === 'refund' ? event.refund : null;
    return {
      entry: { ...previous, earlyRefunds: refund ? mergeRefunds(previous.earlyRefunds, [refund]) : previous.earlyRefunds },
      deliveries: [],
      explain: [
        ...explain,
        refund
          ? explainLine('refund recorded; it is applied when the order arrives', 'A refund came before its order: it is applied when the order arrives.')
          : explainLine('order deleted before it was known: nothing to reverse', 'The order was deleted before CartRelay saw it: nothing to reverse.'),
      ],
      mapping: null,
    };
  }

  for (const refund of order.refunds) {
    if (refund.lines.length === 0) {
      explain.push(
        explainLine(
          `refund ${refund.id} names no items (the platform sent only its total): it changes no quantity; a full refund still reverses`,
          `Refund ${refund.id} names no items (the store sent only its total): it changes no quantity, though a full refund still reverses the sale.`,
        ),
      );
    }
  }
  const withCustomer = fillCustomerHistory(order, context.customerConvertedBefore, explain);
  const mapping = mapOrder(withCustomer, config, { now: context.now });
  explain.push(...mapping.explain);
  const desired = desiredState(withCustomer, mapping, config, context.now);
  explain.push(desired.why);
  const { sent, deliveries } = transition(previous.sent, desired, mapping, explain);
  return { entry: { platformOrderId: previous.platformOrderId, order, earlyRefunds: [], sent }, deliveries, explain, mapping };
}

/** The order to plan with: the newest state, with every refund known so far. */
function mergeEvent(previous: LedgerEntry, event: OrderEvent, explain: ExplainLine[]): Order | null {
  if (event.kind === 'refund') {
    if (previous.order === null) return null;
    return { ...previous.order, refunds: mergeRefunds(previous.order.refunds, [event.refund]) };
  }
  if (event.kind === 'deleted') {
    if (previous.order === null) return null;
    return { ...previous.order, paymentState: 'cancelled', platformStatus: 'deleted on the platform', cancelReason: null };
  }
  const incoming = event.order;
  const known = previous.order;
  const refunds = mergeRefunds(mergeRefunds(known?.refunds ?? [], previous.earlyRefunds), incoming.refunds);
  if (known && isOlder(incoming, known)) {
    explain.push(
      explainLine(
        `stale delivery: order state of ${incoming.updatedAt} is older than the known ${known.updatedAt}; kept the known state`,
        `An older copy of the order (${incoming.updatedAt}) arrived after a newer one (${known.updatedAt}): the newer one is kept.`,
      ),
    );
    return { ...known, refunds };
  }
  // A click id captured apart from the payload (a beacon, the customer journey) was joined to the order
  // once; the platform's later states do not carry it, and must not make the order unattributed.
  if (!incoming.capturedClickId && known?.capturedClickId) {
    return { ...incoming, refunds, capturedClickId: known.capturedClickId, capturedClickSource: known.capturedClickSource ?? null };
  }
  return { ...incoming, refunds };
}

function isOlder(incoming: Order, known: Order): boolean {
  if (!incoming.updatedAt || !known.updatedAt) return false;
  return Date.parse(incoming.updatedAt) < Date.parse(known.updatedAt);
}

/** Refunds by id: each counts once however often it is delivered; a newer copy replaces an older one. */
function mergeRefunds(known: readonly Refund[], incoming: readonly Refund[]): Refund[] {
  const byId = new Map(known.map((refund) => [refund.id, refund]));
  for (const refund of incoming) byId.set(refund.id, refund);
  return [...byId.values()];
}

function fillCustomerHistory(order: Order, convertedBefore: boolean, explain: ExplainLine[]): Order {
  const { customer } = order;
  if (customer.returning !== null || (!customer.id && !customer.email && !customer.emailDigests)) return order;
  explain.push(
    explainLine(
      `customer ${convertedBefore ? 'converted before' : 'has not converted before'} (ledger)`,
      convertedBefore ? 'The customer ordered before (an earlier order was sent).' : 'The customer has not ordered before, as far as CartRelay knows.',
    ),
  );
  return { ...order, customer: { ...customer, returning: convertedBefore } };
}

type DesiredState =
  | { readonly status: 'none'; readonly why: ExplainLine }
  | { readonly status: 'active'; readonly items: Record<string, number>; readonly why: ExplainLine }
  | { readonly status: 'reversed'; readonly disposition: ReversalDisposition; readonly why: ExplainLine };

type ReversalDisposition = 'ITEM_RETURNED' | 'ORDER_ERROR' | 'CONS_FRAUD' | 'ITEM_OUT_OF_STOCK';

/** A reversal's code as the merchant reads it. */
const REVERSAL_WORDS: Record<ReversalDisposition, string> = {
  ITEM_RETURNED: 'items returned',
  ORDER_ERROR: 'order error',
  CONS_FRAUD: 'fraud',
  ITEM_OUT_OF_STOCK: 'out of stock',
};

/** impact.com's reversal code for a cancellation: fraud and stock have their own; any other is an order error. */
function cancellationDisposition(reason: CancelReason | null | undefined): ReversalDisposition {
  if (reason === 'fraud') return 'CONS_FRAUD';
  if (reason === 'inventory') return 'ITEM_OUT_OF_STOCK';
  return 'ORDER_ERROR';
}

function desiredState(order: Order, mapping: Mapping, config: TrackingConfig, now: Date): DesiredState {
  switch (order.paymentState) {
    case 'refunded':
      return {
        status: 'reversed',
        disposition: 'ITEM_RETURNED',
        why: explainLine(`fully refunded (${order.platformStatus})`, `The order was fully refunded (the store says ${order.platformStatus}).`),
      };
    case 'cancelled':
      return {
        status: 'reversed',
        disposition: cancellationDisposition(order.cancelReason),
        why: explainLine(
          `cancelled${order.cancelReason ? ` (reason: ${order.cancelReason})` : ''} (${order.platformStatus})`,
          `The order was cancelled${order.cancelReason ? ` (reason: ${order.cancelReason})` : ''} (the store says ${order.platformStatus}).`,
        ),
      };
    case 'declined':
    case 'failed':
      return {
        status: 'reversed',
        disposition: 'ORDER_ERROR',
        why: explainLine(`${order.paymentState} (${order.platformStatus})`, `The payment ${order.paymentState === 'declined' ? 'was declined' : 'failed'} (the store says ${order.platformStatus}).`),
      };
  }
  // The merchant's form starts "Not sent: ": recent actions show it as the order's status.
  if (mapping.decision === 'skip') return { status: 'none', why: explainLine(`no conversion: ${mapping.reason}`, `Not sent: ${mapping.merchantReason}.`) };
  const items = itemQuantities(mapping.request.fields);
  const kept = keptQuantities(order, config, now);
  if (kept) for (const sku of Object.keys(items)) items[sku] = kept[sku] ?? 0;
  if (Object.values(items).every((quantity) => quantity === 0)) {
    return { status: 'reversed', disposition: 'ITEM_RETURNED', why: explainLine('every item refunded', 'Every item was refunded.') };
  }
  return {
    status: 'active',
    items,
    why:
      order.refunds.length > 0
        ? explainLine(`${order.refunds.length} refund(s) applied`, `${order.refunds.length === 1 ? 'One refund is' : `${order.refunds.length} refunds are`} taken off the sale.`)
        : explainLine('sale as mapped', 'The sale counts as described above.'),
  };
}

/**
 * Quantities per SKU once refunded units and units removed by order edits are taken away, mapped by
 * the same rules as the sale; null when nothing was taken away.
 */
function keptQuantities(order: Order, config: TrackingConfig, now: Date): Record<string, number> | null {
  const refunded = new Map<string, number>();
  for (const refund of order.refunds) {
    for (const line of refund.lines) refunded.set(line.lineId, (refunded.get(line.lineId) ?? 0) + line.quantity);
  }
  if (refunded.size === 0 && !order.lineItems.some((line) => line.removed)) return null;
  const lineItems = order.lineItems.map((line) => {
    const quantity = Math.max(0, line.quantity - (refunded.get(line.id) ?? 0) - (line.removed ?? 0));
    return quantity === line.quantity ? line : { ...line, quantity, subtotal: 0 as MinorUnits, discount: 0 as MinorUnits };
  });
  const remaining = mapOrder({ ...order, lineItems, test: false }, { ...config, testOrders: 'submit' }, { now });
  return remaining.decision === 'submit' ? itemQuantities(remaining.request.fields) : {};
}

function itemQuantities(fields: ConversionFields): Record<string, number> {
  const items: Record<string, number> = {};
  for (let n = 1; fields[`ItemSku${n}`] !== undefined; n++) items[fields[`ItemSku${n}`]!] = Number(fields[`ItemQuantity${n}`]);
  return items;
}

function transition(
  sent: SentState,
  desired: DesiredState,
  mapping: Mapping,
  explain: ExplainLine[],
): { sent: SentState; deliveries: PlannedDelivery[] } {
  if (sent.status === 'reversed') {
    explain.push(explainLine('already reversed at impact.com: nothing more to send', 'Already reversed at impact.com: nothing more to send.'));
    return { sent, deliveries: [] };
  }
  if (sent.status === 'none') {
    if (desired.status !== 'active' || mapping.decision !== 'submit') return { sent, deliveries: [] };
    const fields = mapping.request.fields;
    const converted: SentState = { status: 'converted', actionTrackerId: fields.ActionTrackerId!, orderId: fields.OrderId!, items: itemQuantities(fields) };
    const conversion: PlannedDelivery = { kind: 'conversion', method: 'POST', path: CONVERSIONS_PATH, fields };
    explain.push(explainLine(`conversion for OrderId ${converted.orderId}`, `Sent to impact.com as order ${converted.orderId}.`));
    const next = transition(converted, desired, mapping, explain);
    return { sent: next.sent, deliveries: [conversion, ...next.deliveries] };
  }
  const key = { ActionTrackerId: sent.actionTrackerId, OrderId: sent.orderId };
  if (desired.status === 'reversed') {
    explain.push(explainLine(`reversal of OrderId ${sent.orderId}: ${desired.disposition}`, `The sale is reversed at impact.com (${REVERSAL_WORDS[desired.disposition]}).`));
    return {
      sent: { status: 'reversed', ...{ actionTrackerId: sent.actionTrackerId, orderId: sent.orderId } },
      deliveries: [{ kind: 'reversal', method: 'DELETE', path: ACTIONS_PATH, fields: { ...key, DispositionCode: desired.disposition } }],
    };
  }
  if (desired.status === 'none') return { sent, deliveries: [] };

  const changed = Object.keys({ ...sent.items, ...desired.items }).filter((sku) => (sent.items[sku] ?? 0) !== (desired.items[sku] ?? 0));
  if (changed.length === 0) return { sent, deliveries: [] };
  // impact.com: "Use Reason=ORDER_UPDATE for item-level updates", returns included.
  const fields: Record<string, string> = { ...key, Reason: 'ORDER_UPDATE' };
  changed.forEach((sku, index) => {
    const suffix = index === 0 ? '' : String(index + 1);
    fields[`Sku${suffix}`] = sku;
    fields[`Quantity${suffix}`] = String(desired.items[sku] ?? 0);
  });
  const quantities = changed.map((sku) => `${sku} → ${desired.items[sku] ?? 0}`).join(', ');
  explain.push(explainLine(`modification of OrderId ${sent.orderId}: ${quantities}`, `The sale is changed at impact.com: ${quantities}.`));
  return {
    sent: { ...sent, items: { ...sent.items, ...desired.items } },
    deliveries: [{ kind: 'modification', method: 'PUT', path: ACTIONS_PATH, fields }],
  };
}
