import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MinorUnits } from '../money/minor-units.ts';
import { aConfig, aLine, anOrder } from '../testing/builders.ts';
import { type ApplyOrderEvent, applyOrderEvents } from './apply-order-events.ts';
import { keptOrder } from './kept-order.ts';
import type { LedgerTransaction, LockedEntry, OrderLedger } from './order-ledger.ts';
import { type LedgerEntry, emptyLedgerEntry } from './order-lifecycle.ts';

/**
 * The use case over a ledger kept in memory, which writes down every call it gets: the order of the
 * calls is what these tests are about (entries locked in one global order, each event in its own
 * savepoint, its webhooks marked done before the commit), and a log shows it where a database would
 * not. What the calls do to real rows is the ledger battery's (core/src/testing/ledger-contract.ts),
 * which runs this same use case over SQLite and PostgreSQL.
 */
function inMemoryLedger() {
  const entries = new Map<string, LedgerEntry>();
  const log: string[] = [];
  const key = (shopId: number, platformOrderId: string) => `${shopId}/${platformOrderId}`;
  const ledger: OrderLedger = {
    async withOrders(work) {
      const before = new Map(entries);
      log.push('begin');
      const orders: LedgerTransaction = {
        async savepoint(step, ifThrown) {
          const saved = new Map(entries);
          const undo = () => {
            entries.clear();
            for (const [k, v] of saved) entries.set(k, v);
            log.push('undo');
          };
          try {
            const result = await step();
            if (result.ok) log.push('keep');
            else undo();
            return result;
          } catch (error) {
            undo();
            return ifThrown(error);
          }
        },
        async lockEntry(shopId, platformOrderId) {
          log.push(`lock ${key(shopId, platformOrderId)}`);
          return { shopId, ref: 0, entry: entries.get(key(shopId, platformOrderId)) ?? emptyLedgerEntry(platformOrderId) };
        },
        async customerConvertedBefore() {
          return false;
        },
        async saveEntry(order: LockedEntry, saved) {
          const sent = saved.entry.sent;
          const taken =
            sent.status !== 'none' &&
            [...entries].some(([k, other]) => k !== key(order.shopId, saved.entry.platformOrderId) && k.startsWith(`${order.shopId}/`) && other.sent.status !== 'none' && other.sent.orderId === sent.orderId);
          if (taken) return 'order_id_taken';
          entries.set(key(order.shopId, saved.entry.platformOrderId), saved.entry);
          return 'saved';
        },
        async enqueueDeliveries(_order, deliveries, options) {
          if (deliveries.length > 0) log.push(`enqueue ${deliveries.map((d) => d.kind).join('+')}${options.orderSentBefore ? ' after earlier submissions' : ''}`);
        },
        async markWebhooksDone(webhooks) {
          log.push(`done ${webhooks.map((w) => `${w.id}:${w.outcome}`).join(', ')}`);
        },
      };
      try {
        const result = await work(orders);
        log.push('commit');
        return result;
      } catch (error) {
        entries.clear();
        for (const [k, v] of before) entries.set(k, v);
        log.push('rollback');
        throw error;
      }
    },
  };
  return { ledger, log, entries };
}

const config = aConfig();
const now = 1_780_000_000_000;
const sale = (id: string, number = id) => anOrder({ id, number, lineItems: [aLine({ id: 'L1', sku: 'A', quantity: 2, subtotal: 2000 as MinorUnits })] });
const event = (webhookId: number | null, shopId: number, id: string, number = id): ApplyOrderEvent => ({
  webhookId,
  shopId,
  platformOrderId: id,
  event: { kind: 'order', order: sale(id, number) },
  config,
  now,
});

describe('applyOrderEvents', () => {
  it('locks entries by shop, then order id, and answers in the order it was given', async () => {
    const { ledger, log } = inMemoryLedger();
    const results = await applyOrderEvents(ledger, [event(1, 2, 'B'), event(2, 1, 'C'), event(3, 2, 'A'), event(4, 1, 'A')]);
    expect(log.filter((line) => line.startsWith('lock'))).toEqual(['lock 1/A', 'lock 1/C', 'lock 2/A', 'lock 2/B']);
    expect(results.map((r) => (r.ok ? r.plan.entry.platformOrderId : r.reason))).toEqual(['B', 'C', 'A', 'A']);
  });

  it('plans each event in its own savepoint, and marks the webhooks applied done before the transaction commits', async () => {
    const { ledger, log } = inMemoryLedger();
    await applyOrderEvents(ledger, [
      event(7, 1, 'A'),
      // The same order again: already converted, nothing more to send.
      event(8, 1, 'A'),
      { ...event(9, 1, 'A'), event: { kind: 'refund', platformOrderId: 'A', refund: { id: 'R1', lines: [{ lineId: 'L1', quantity: 1 }] } } },
    ]);
    expect(log).toEqual([
      'begin',
      'lock 1/A',
      'enqueue conversion',
      'keep',
      'lock 1/A',
      'keep',
      'lock 1/A',
      'enqueue modification after earlier submissions',
      'keep',
      'done 7:planned conversion, 8:no change, 9:planned modification',
      'commit',
    ]);
  });

  it('undoes an event that cannot be applied alone, says why, and leaves its webhook to the caller', async () => {
    const { ledger, log, entries } = inMemoryLedger();
    const poisoned = { ...config, promoCodes: [{ match: 'regex' as const, code: '(', partnerId: '1' }] };
    const results = await applyOrderEvents(ledger, [
      event(1, 1, 'A', '1001'),
      // Converting under the OrderId order A already holds.
      event(2, 1, 'B', '1001'),
      // Planning throws (a config that slipped past validation).
      { ...event(3, 1, 'C'), event: { kind: 'order', order: { ...sale('C'), discountCodes: ['X'] } }, config: poisoned },
      event(4, 1, 'D'),
    ]);
    expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual(['ok', 'order_id_taken', 'failed', 'ok']);
    expect(results[1]).toMatchObject({ message: 'another order of this shop already converted under the same OrderId (order B)' });
    expect(log.filter((line) => line === 'undo')).toHaveLength(2);
    expect(log.at(-2)).toBe('done 1:planned conversion, 4:planned conversion');
    expect([...entries.keys()].sort()).toEqual(['1/A', '1/D']);
  });

  it('saves the order as the ledger keeps it: no plain email, IP or user agent, the customer known by the same keys', async () => {
    const { ledger, entries } = inMemoryLedger();
    const order = anOrder({ ...sale('A'), customer: { id: 'C1', email: 'Ann@Example.com' }, client: { ip: '192.0.2.4', userAgent: 'Mozilla/5.0 Ann' } });
    const [result] = await applyOrderEvents(ledger, [{ ...event(1, 1, 'A'), event: { kind: 'order', order } }]);
    const saved = entries.get('1/A')!;
    expect(saved).toEqual(result?.ok && result.plan.entry);
    expect(saved.order).toEqual(keptOrder(order, config.clickIdParam));
    const text = JSON.stringify(saved).toLowerCase();
    for (const personal of ['ann@example.com', '192.0.2.4', 'mozilla/5.0 ann']) expect(text).not.toContain(personal);
    // The conversion went with what the full order says.
    expect(result?.ok && result.plan.deliveries[0]?.fields.CustomerEmail).toBe(createHash('sha1').update('ann@example.com').digest('hex'));
  });

  it('applies events of no webhook without marking any, and opens no transaction for nothing', async () => {
    const { ledger, log } = inMemoryLedger();
    expect(await applyOrderEvents(ledger, [])).toEqual([]);
    expect(log).toEqual([]);
    await applyOrderEvents(ledger, [event(null, 1, 'A')]);
    expect(log).toEqual(['begin', 'lock 1/A', 'enqueue conversion', 'keep', 'done ', 'commit']);
  });
});
