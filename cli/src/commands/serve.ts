import { createRelayLogger, startRelay } from '@cartrelay/core';
import { parseEnv } from '../env.ts';
import type { Io } from '../io.ts';
import { parseOptions } from '../options.ts';
import { createPlatforms } from '../platforms.ts';
import { openRuntime } from '../runtime.ts';

export const SERVE_USAGE = 'usage: cartrelay serve (configured by the environment: PORT, DATABASE_URL, CARTRELAY_IMPACT_BASE_URL, …)';

/** Runs the relay until SIGTERM/SIGINT: webhooks in, conversions out to impact.com. */
export async function serveCommand(args: string[], io: Io): Promise<number> {
  parseOptions(args, {}, SERVE_USAGE);
  const env = parseEnv(io.env);
  const logger = createRelayLogger(env.LOG_LEVEL);
  const runtime = await openRuntime(env, (line) => logger.warn(line));
  const relay = await startRelay({
    store: runtime.store,
    shops: runtime.shops,
    adapters: createPlatforms({ bigcommerceApiUrl: env.BIGCOMMERCE_API_URL }),
    deliveryThread: {
      location: { databaseUrl: env.DATABASE_URL, dataDir: env.CARTRELAY_DATA_DIR },
      secretKeyHex: runtime.secretKeyHex,
      impactBaseUrl: env.CARTRELAY_IMPACT_BASE_URL,
      logLevel: env.LOG_LEVEL,
      leaseMs: env.CARTRELAY_LEASE_MS,
    },
    logger,
    appSecrets: { shopify: env.SHOPIFY_API_SECRET ?? null, bigcommerce: env.BIGCOMMERCE_CLIENT_SECRET ?? null },
    port: env.PORT,
    leaseMs: env.CARTRELAY_LEASE_MS,
  });
  io.stderr(`cartrelay serve: listening on ${relay.url} (${runtime.store.dialect})\n`);

  await io.untilSignal();
  logger.info('shutting down');
  await relay.close();
  await runtime.close();
  return 0;
}
