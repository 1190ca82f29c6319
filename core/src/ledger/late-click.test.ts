import { describe, expect, it } from 'vitest';
import type { ClickCapture } from '../captures/click-captures.ts';
import { lateClickCapture } from './late-click.ts';

const capture: ClickCapture = { shopId: 1, platformOrderId: 'P1', checkoutToken: 'tok1', clickId: 'PIXEL1', sharedId: null, source: 'pixel', ip: null, userAgent: null, capturedAt: 0 };

describe('lateClickCapture', () => {
  it('is the capture when the conversion went without a click id', () => {
    expect(lateClickCapture({ OrderId: '1' }, capture)).toBe(capture);
  });

  it('is nothing when the conversion carries a click id (the beacon’s, or the order’s own, which wins)', () => {
    expect(lateClickCapture({ OrderId: '1', ClickId: 'PIXEL1' }, capture)).toBeNull();
    expect(lateClickCapture({ OrderId: '1', ClickId: 'FROM-LANDING' }, capture)).toBeNull();
    expect(lateClickCapture(null, capture)).toBeNull();
    expect(lateClickCapture({ OrderId: '1' }, null)).toBeNull();
  });
});
