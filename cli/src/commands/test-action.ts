import { ACTIONS_PATH, CONVERSIONS_PATH } from '@cartrelay/core';
import { parseEnv } from '../env.ts';
import type { Io } from '../io.ts';
import { parseOptions } from '../options.ts';
import { openRuntime } from '../runtime.ts';
import { resolveShop } from './shops.ts';

const USAGE = 'usage: cartrelay test-action --shop <shop> [--platform <platform>]';
/** impact.com: reversing a test action sooner than this skews the test. */
export const TEST_ACTION_REVERSAL_DELAY_MS = 60 * 60_000;

/**
 * Submits a clearly marked test conversion for the shop, and schedules its reversal
 * (DispositionCode TEST_ACTION) an hour later. Both are queued in the store, so the schedule
 * survives restarts; a running `cartrelay serve` delivers them.
 */
export async function testActionCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseOptions(args, { shop: { type: 'string', required: true }, platform: { type: 'string' } }, USAGE);
  const runtime = await openRuntime(parseEnv(io.env), (line) => io.stderr(`${line}\n`));
  try {
    const shop = await resolveShop(runtime, values.shop, values.platform);
    const now = io.now();
    const orderId = `CARTRELAY-TEST-${now.toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}`;
    const key = { ActionTrackerId: shop.config.program.actionTrackerId, OrderId: orderId };
    const reversalAt = now.getTime() + TEST_ACTION_REVERSAL_DELAY_MS;
    await runtime.store.enqueueDeliveries(
      shop.id,
      [
        {
          kind: 'conversion',
          method: 'POST',
          path: CONVERSIONS_PATH,
          availableAt: now.getTime(),
          fields: {
            CampaignId: shop.config.program.campaignId,
            ...key,
            EventDate: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
            // impact.com's documented test click id.
            ClickId: 'impacttest',
            Note: 'CartRelay test action: reversed automatically after one hour',
            CurrencyCode: 'USD',
            OrderDiscount: '0.00',
            ItemSku1: 'CARTRELAY-TEST',
            ItemCategory1: shop.config.defaultCategory,
            ItemName1: 'CartRelay test action',
            ItemQuantity1: '1',
            ItemSubTotal1: '1.00',
          },
        },
        { kind: 'reversal', method: 'DELETE', path: ACTIONS_PATH, availableAt: reversalAt, fields: { ...key, DispositionCode: 'TEST_ACTION' } },
      ],
      now.getTime(),
    );
    io.stdout(`${JSON.stringify({ shop: shop.shopKey, orderId, conversion: 'queued', reversal: { dispositionCode: 'TEST_ACTION', scheduledAt: new Date(reversalAt).toISOString() } })}\n`);
    return 0;
  } finally {
    await runtime.close();
  }
}
