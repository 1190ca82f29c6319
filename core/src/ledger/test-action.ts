import type { TrackingConfig } from '../config/tracking-config.ts';
import { CONVERSIONS_PATH } from '../mapping/conversion.ts';
import { ACTIONS_PATH, type PlannedDelivery } from './order-lifecycle.ts';

/** impact.com: reversing a test action sooner than this skews the test. */
export const TEST_ACTION_REVERSAL_DELAY_MS = 60 * 60_000;

export interface TestActionPlan {
  readonly orderId: string;
  readonly reversalAt: number;
  readonly deliveries: ReadonlyArray<PlannedDelivery & { readonly availableAt: number }>;
}

/**
 * A clearly marked test conversion (impact.com's documented test click id) and its reversal with
 * DispositionCode TEST_ACTION an hour later: the merchant's way to see an integration work end to
 * end. Both are queued together, so the schedule survives restarts.
 */
export function planTestAction(config: TrackingConfig, now: Date): TestActionPlan {
  const orderId = `CARTRELAY-TEST-${now.toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}`;
  const key = { ActionTrackerId: config.program.actionTrackerId, OrderId: orderId };
  const reversalAt = now.getTime() + TEST_ACTION_REVERSAL_DELAY_MS;
  return {
    orderId,
    reversalAt,
    deliveries: [
      {
        kind: 'conversion',
        method: 'POST',
        path: CONVERSIONS_PATH,
        availableAt: now.getTime(),
        fields: {
          CampaignId: config.program.campaignId,
          ...key,
          EventDate: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          ClickId: 'impacttest',
          Note: 'CartRelay test action: reversed automatically after one hour',
          CurrencyCode: 'USD',
          OrderDiscount: '0.00',
          ItemSku1: 'CARTRELAY-TEST',
          ItemCategory1: config.defaultCategory,
          ItemName1: 'CartRelay test action',
          ItemQuantity1: '1',
          ItemSubTotal1: '1.00',
        },
      },
      { kind: 'reversal', method: 'DELETE', path: ACTIONS_PATH, availableAt: reversalAt, fields: { ...key, DispositionCode: 'TEST_ACTION' } },
    ],
  };
}
