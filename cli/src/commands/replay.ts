import { parseEnv } from '../env.ts';
import type { Io } from '../io.ts';
import { parseOptions } from '../options.ts';
import { openRuntime } from '../runtime.ts';
import { resolveShop } from './shops.ts';

export const REPLAY_USAGE = 'usage: cartrelay replay [--shop <shop>] [--platform <platform>]';

/** Puts dead-lettered deliveries (all, or one shop's) back in the queue for a running relay to send. */
export async function replayCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseOptions(args, { shop: { type: 'string' }, platform: { type: 'string' } }, REPLAY_USAGE);
  const runtime = await openRuntime(parseEnv(io.env), (line) => io.stderr(`${line}\n`));
  try {
    const shop = values.shop ? await resolveShop(runtime, values.shop, values.platform) : null;
    const count = await runtime.store.requeueDeadDeliveries(shop?.id ?? null, io.now().getTime());
    io.stdout(`${JSON.stringify({ requeued: count })}\n`);
    return 0;
  } finally {
    await runtime.close();
  }
}
