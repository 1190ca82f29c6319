import { describe, expect, it } from 'vitest';
import { clickWaitOutcome, readClickWaitOutcome } from './click-wait-outcome.ts';

describe('the inbox outcome of an order held for its click id', () => {
  it('names the order and when it goes, and reads back what it wrote', () => {
    const wait = { reason: 'waiting for a click id from the storefront pixel', platformOrderId: 'gid://shopify/Order/5 5', orderNumber: '#1001]', until: Date.parse('2026-03-01T10:30:00Z') };
    const outcome = clickWaitOutcome(wait);
    expect(outcome.startsWith('waiting for a click id from the storefront pixel [order ')).toBe(true);
    expect(readClickWaitOutcome(outcome)).toEqual(wait);
  });

  it('reads nothing from another outcome, or from a wait written before the order was named', () => {
    expect(readClickWaitOutcome('waiting for the shop to be configured')).toBeNull();
    expect(readClickWaitOutcome('waiting for a click id from the storefront pixel')).toBeNull();
    expect(readClickWaitOutcome('waiting for a click id [order P1 #1 until not-a-date]')).toBeNull();
    expect(readClickWaitOutcome(null)).toBeNull();
  });
});
