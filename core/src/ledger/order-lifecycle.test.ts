import { describe, expect, it } from 'vitest';
import type { MinorUnits } from '../money/minor-units.ts';
import type { Order } from '../order/order.ts';
import { aConfig, aLine, anOrder } from '../testing/builders.ts';
import { type LedgerEntry, type OrderEvent, emptyLedgerEntry, planOrderEvent } from './order-lifecycle.ts';
import { operatorLines } from '../mapping/explain-line.ts';

const config = aConfig();
const context = { now: new Date('2026-06-01T00:00:00Z'), customerConvertedBefore: false };
const usd = (n: number) => n as MinorUnits;

const sale = (overrides: Partial<Order> = {}) =>
  anOrder({
    id: 'P1',
    number: '1001',
    updatedAt: '2026-03-01T10:00:00Z',
    lineItems: [aLine({ id: 'L1', sku: 'A', quantity: 2, subtotal: usd(2000) }), aLine({ id: 'L2', sku: 'B', quantity: 1, subtotal: usd(500) })],
    ...overrides,
  });

/** Feeds events one after another, as the relay would, and collects what each planned. */
function replay(events: OrderEvent[], start: LedgerEntry = emptyLedgerEntry('P1')) {
  let entry = start;
  const planned = events.map((event) => {
    const plan = planOrderEvent(entry, event, config, context);
    entry = plan.entry;
    return plan.deliveries.map((d) => ({ kind: d.kind, fields: d.fields }));
  });
  return { entry, planned };
}

describe('order lifecycle', () => {
  it('converts once on the first paid state, however often the order arrives', () => {
    const { planned, entry } = replay([
      { kind: 'order', order: sale({ paymentState: 'awaiting_payment' }) },
      { kind: 'order', order: sale() },
      { kind: 'order', order: sale() },
      { kind: 'order', order: sale({ updatedAt: '2026-03-01T11:00:00Z' }) },
    ]);
    expect(planned.map((p) => p.map((d) => d.kind))).toEqual([[], ['conversion'], [], []]);
    expect(entry.sent).toEqual({ status: 'converted', actionTrackerId: '67890', orderId: '1001', items: { A: 2, B: 1 } });
  });

  it('turns a partial refund into a modification with absolute quantities, once', () => {
    const refund = { id: 'R1', lines: [{ lineId: 'L1', quantity: 1 }] };
    const { planned } = replay([
      { kind: 'order', order: sale() },
      { kind: 'refund', platformOrderId: 'P1', refund },
      { kind: 'refund', platformOrderId: 'P1', refund },
    ]);
    expect(planned).toEqual([
      [{ kind: 'conversion', fields: expect.objectContaining({ OrderId: '1001' }) }],
      [{ kind: 'modification', fields: { ActionTrackerId: '67890', OrderId: '1001', Reason: 'ORDER_UPDATE', Sku: 'A', Quantity: '1' } }],
      [],
    ]);
  });

  it('keeps a click id captured apart from the payload when the platform sends the order again without it', () => {
    // BigCommerce sends no refund lines: its hooks name the order, fetched again whole, refunded quantities in it.
    const captured = sale({ landingUrl: null, capturedClickId: 'CLICK-9', capturedClickSource: 'checkout script' });
    const refetched = sale({ landingUrl: null, capturedClickId: null, refunds: [{ id: 'quantity_refunded', lines: [{ lineId: 'L1', quantity: 1 }] }] });
    const { planned, entry } = replay([
      { kind: 'order', order: captured },
      { kind: 'order', order: refetched },
    ]);
    expect(planned).toEqual([
      [{ kind: 'conversion', fields: expect.objectContaining({ ClickId: 'CLICK-9' }) }],
      [{ kind: 'modification', fields: { ActionTrackerId: '67890', OrderId: '1001', Reason: 'ORDER_UPDATE', Sku: 'A', Quantity: '1' } }],
    ]);
    expect(entry.order).toMatchObject({ capturedClickId: 'CLICK-9', capturedClickSource: 'checkout script' });
  });

  it('lists several changed SKUs as Sku, Sku2 …', () => {
    const { planned } = replay([
      { kind: 'order', order: sale() },
      { kind: 'refund', platformOrderId: 'P1', refund: { id: 'R1', lines: [{ lineId: 'L1', quantity: 1 }, { lineId: 'L2', quantity: 1 }] } },
    ]);
    expect(planned[1]).toEqual([
      { kind: 'modification', fields: { ActionTrackerId: '67890', OrderId: '1001', Reason: 'ORDER_UPDATE', Sku: 'A', Quantity: '1', Sku2: 'B', Quantity2: '0' } },
    ]);
  });

  it('reverses with ITEM_RETURNED when every item is refunded, and then sends nothing more', () => {
    const { planned, entry } = replay([
      { kind: 'order', order: sale() },
      { kind: 'refund', platformOrderId: 'P1', refund: { id: 'R1', lines: [{ lineId: 'L1', quantity: 2 }, { lineId: 'L2', quantity: 1 }] } },
      { kind: 'order', order: sale({ paymentState: 'refunded', updatedAt: '2026-03-02T00:00:00Z' }) },
    ]);
    expect(planned[1]).toEqual([{ kind: 'reversal', fields: { ActionTrackerId: '67890', OrderId: '1001', DispositionCode: 'ITEM_RETURNED' } }]);
    expect(planned[2]).toEqual([]);
    expect(entry.sent.status).toBe('reversed');
  });

  it('reverses a cancelled order with ORDER_ERROR', () => {
    const { planned } = replay([
      { kind: 'order', order: sale() },
      { kind: 'order', order: sale({ paymentState: 'cancelled', platformStatus: 'cancelled', updatedAt: '2026-03-02T00:00:00Z' }) },
    ]);
    expect(planned[1]).toEqual([{ kind: 'reversal', fields: { ActionTrackerId: '67890', OrderId: '1001', DispositionCode: 'ORDER_ERROR' } }]);
  });

  it('reverses a cancellation for fraud with CONS_FRAUD and one for stock with ITEM_OUT_OF_STOCK', () => {
    for (const [cancelReason, code] of [
      ['fraud', 'CONS_FRAUD'],
      ['inventory', 'ITEM_OUT_OF_STOCK'],
      ['customer', 'ORDER_ERROR'],
    ] as const) {
      const { planned } = replay([
        { kind: 'order', order: sale() },
        { kind: 'order', order: sale({ paymentState: 'cancelled', cancelReason, platformStatus: 'cancelled', updatedAt: '2026-03-02T00:00:00Z' }) },
      ]);
      expect(planned[1]).toEqual([{ kind: 'reversal', fields: { ActionTrackerId: '67890', OrderId: '1001', DispositionCode: code } }]);
    }
  });

  it('reverses an order deleted on the platform with ORDER_ERROR, and ignores one deleted before it was known', () => {
    const { planned } = replay([{ kind: 'order', order: sale() }, { kind: 'deleted', platformOrderId: 'P1' }]);
    expect(planned[1]).toEqual([{ kind: 'reversal', fields: { ActionTrackerId: '67890', OrderId: '1001', DispositionCode: 'ORDER_ERROR' } }]);
    const early = replay([{ kind: 'deleted', platformOrderId: 'P1' }]);
    expect(early.planned).toEqual([[]]);
    expect(early.entry.sent).toEqual({ status: 'none' });
  });

  it('follows order edits: units removed, then put back, become modifications to the current quantity', () => {
    const edited = (removed: number | undefined, updatedAt: string) =>
      sale({ updatedAt, lineItems: sale().lineItems.map((line, i) => (i === 0 ? { ...line, removed } : line)) });
    const { planned } = replay([
      { kind: 'order', order: sale() },
      { kind: 'order', order: edited(1, '2026-03-02T00:00:00Z') },
      { kind: 'order', order: edited(undefined, '2026-03-03T00:00:00Z') },
    ]);
    // Line L1 is 2 × A: one edited away, then put back.
    expect(planned[1]).toEqual([{ kind: 'modification', fields: { ActionTrackerId: '67890', OrderId: '1001', Reason: 'ORDER_UPDATE', Sku: 'A', Quantity: '1' } }]);
    expect(planned[2]).toEqual([{ kind: 'modification', fields: { ActionTrackerId: '67890', OrderId: '1001', Reason: 'ORDER_UPDATE', Sku: 'A', Quantity: '2' } }]);
  });

  it('sends nothing for an order cancelled or refunded before it ever converted', () => {
    const { planned } = replay([{ kind: 'order', order: sale({ paymentState: 'refunded' }) }, { kind: 'order', order: sale({ paymentState: 'cancelled' }) }]);
    expect(planned).toEqual([[], []]);
  });

  it('ignores a stale order state delivered late, keeping the refunds it knows', () => {
    const { planned, entry } = replay([
      { kind: 'order', order: sale({ updatedAt: '2026-03-01T10:00:00Z' }) },
      { kind: 'order', order: sale({ paymentState: 'cancelled', updatedAt: '2026-03-03T00:00:00Z' }) },
      { kind: 'order', order: sale({ paymentState: 'paid', updatedAt: '2026-03-01T12:00:00Z' }) },
    ]);
    expect(planned[2]).toEqual([]);
    expect(entry.order?.paymentState).toBe('cancelled');
  });

  it('holds a refund that arrives before its order, and applies it with the conversion', () => {
    const { planned } = replay([
      { kind: 'refund', platformOrderId: 'P1', refund: { id: 'R1', lines: [{ lineId: 'L2', quantity: 1 }] } },
      { kind: 'order', order: sale() },
    ]);
    expect(planned[0]).toEqual([]);
    expect(planned[1]!.map((d) => d.kind)).toEqual(['conversion', 'modification']);
    expect(planned[1]![1]!.fields).toMatchObject({ Sku: 'B', Quantity: '0' });
  });

  it('counts the same refund once when it also arrives inside the order', () => {
    const refund = { id: 'R1', lines: [{ lineId: 'L1', quantity: 1 }] };
    const { planned } = replay([
      { kind: 'order', order: sale() },
      { kind: 'refund', platformOrderId: 'P1', refund },
      { kind: 'order', order: sale({ refunds: [refund], updatedAt: '2026-03-01T12:00:00Z' }) },
    ]);
    expect(planned[2]).toEqual([]);
  });

  it('uses the ledger for new or returning when the order cannot say', () => {
    const plan = (convertedBefore: boolean) =>
      planOrderEvent(emptyLedgerEntry('P1'), { kind: 'order', order: sale({ customer: { id: '9', email: null, tags: [], returning: null } }) }, config, {
        ...context,
        customerConvertedBefore: convertedBefore,
      });
    expect(plan(true).deliveries[0]!.fields.CustomerStatus).toBe('Returning');
    expect(plan(false).deliveries[0]!.fields.CustomerStatus).toBe('New');
  });
});

describe('refunds without item detail', () => {
  it('change no quantity, say so, and a full refund still reverses', () => {
    const { planned, entry } = replay([
      { kind: 'order', order: sale() },
      { kind: 'order', order: sale({ refunds: [{ id: 'W1', lines: [] }], updatedAt: '2026-03-01T11:00:00Z' }) },
      { kind: 'order', order: sale({ paymentState: 'refunded', refunds: [{ id: 'W1', lines: [] }], updatedAt: '2026-03-01T12:00:00Z' }) },
    ]);
    expect(planned.map((p) => p.map((d) => d.kind))).toEqual([['conversion'], [], ['reversal']]);
    expect(entry.sent.status).toBe('reversed');
    const plan = planOrderEvent(emptyLedgerEntry('P1'), { kind: 'order', order: sale({ refunds: [{ id: 'W1', lines: [] }] }) }, config, context);
    expect(operatorLines(plan.explain)).toContain('refund W1 names no items (the platform sent only its total): it changes no quantity; a full refund still reverses');
  });
});
