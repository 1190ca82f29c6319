import { DEFAULT_RETRY_POLICY, createImpactClient, startRelay } from '@cartrelay/core';
import pino from 'pino';
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
  const logger = pino({
    level: env.LOG_LEVEL,
    base: { service: 'cartrelay' },
    // Secrets are never logged by design; these paths are a second line of defence.
    redact: { paths: ['*.authToken', '*.webhookSecret', '*.accessToken', '*.email', 'headers.authorization'], censor: '[redacted]' },
  });
  const runtime = await openRuntime(env, (line) => logger.warn(line));
  const relay = await startRelay({
    store: runtime.store,
    shops: runtime.shops,
    adapters: createPlatforms({ bigcommerceApiUrl: env.BIGCOMMERCE_API_URL }),
    impact: createImpactClient({ baseUrl: env.CARTRELAY_IMPACT_BASE_URL }),
    logger,
    appSecrets: { shopify: env.SHOPIFY_API_SECRET ?? null, bigcommerce: env.BIGCOMMERCE_CLIENT_SECRET ?? null },
    port: env.PORT,
    leaseMs: env.CARTRELAY_LEASE_MS,
    retryPolicy: { ...DEFAULT_RETRY_POLICY, submissionCheckDelayMs: env.CARTRELAY_SUBMISSION_CHECK_MS },
  });
  io.stderr(`cartrelay serve: listening on ${relay.url} (${runtime.store.dialect})\n`);

  await io.untilSignal();
  logger.info('shutting down');
  await relay.close();
  await runtime.close();
  return 0;
}
