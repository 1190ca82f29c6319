import { planTestAction } from '@cartrelay/core';
import { parseEnv } from '../env.ts';
import { type Io, UsageError } from '../io.ts';
import { parseOptions } from '../options.ts';
import { openRuntime } from '../runtime.ts';
import { resolveShop } from './shops.ts';

export const TEST_ACTION_USAGE = 'usage: cartrelay test-action --shop <shop> [--platform <platform>]';

/**
 * Submits a clearly marked test conversion for the shop, and schedules its reversal
 * (DispositionCode TEST_ACTION) an hour later. Both are queued in the store, so the schedule
 * survives restarts; a running `cartrelay serve` delivers them.
 */
export async function testActionCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseOptions(args, { shop: { type: 'string', required: true }, platform: { type: 'string' } }, TEST_ACTION_USAGE);
  const runtime = await openRuntime(parseEnv(io.env), (line) => io.stderr(`${line}\n`));
  try {
    const shop = await resolveShop(runtime, values.shop, values.platform);
    if (!shop.config) throw new UsageError(`${shop.platform} shop ${shop.shopKey} is not configured yet: set its config first (cartrelay shops config-set)`);
    const now = io.now();
    const { orderId, reversalAt, deliveries } = planTestAction(shop.config, now);
    await runtime.store.enqueueDeliveries(shop.id, deliveries, now.getTime());
    io.stdout(`${JSON.stringify({ shop: shop.shopKey, orderId, conversion: 'queued', reversal: { dispositionCode: 'TEST_ACTION', scheduledAt: new Date(reversalAt).toISOString() } })}\n`);
    return 0;
  } finally {
    await runtime.close();
  }
}
