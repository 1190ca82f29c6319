/**
 * The inbox outcome of an order webhook held for its click id (order-enrichment.ts): the reason in
 * words, then the order's id and number and when it goes without a click id, so that the admin page
 * lists the order as waiting before it reaches the ledger. The order's number and id name no customer;
 * its payload, sealed in the inbox, is not opened for this.
 *
 *   waiting for a click id from the storefront pixel [order 5550001 #1001 until 2026-01-01T00:30:00.000Z]
 */
export interface ClickWait {
  readonly reason: string;
  readonly platformOrderId: string;
  readonly orderNumber: string;
  /** When the order goes without a click id (epoch ms). */
  readonly until: number;
}

export const CLICK_WAIT_PREFIX = 'waiting for a click id';

export function clickWaitOutcome(wait: ClickWait): string {
  return `${wait.reason} [order ${encodeURIComponent(wait.platformOrderId)} #${encodeURIComponent(wait.orderNumber)} until ${new Date(wait.until).toISOString()}]`;
}

const TAIL = / \[order (\S+) #(\S+) until (\S+)\]$/;

/** The wait an outcome records; null for any other outcome (or one written before the order was named). */
export function readClickWaitOutcome(outcome: string | null): ClickWait | null {
  if (!outcome?.startsWith(CLICK_WAIT_PREFIX)) return null;
  const tail = TAIL.exec(outcome);
  const until = tail ? Date.parse(tail[3]!) : Number.NaN;
  if (!tail || Number.isNaN(until)) return null;
  try {
    return { reason: outcome.slice(0, tail.index), platformOrderId: decodeURIComponent(tail[1]!), orderNumber: decodeURIComponent(tail[2]!), until };
  } catch {
    return null;
  }
}
