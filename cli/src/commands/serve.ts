import { DEFAULT_RETRY_POLICY, type ImpactClient, createImpactClient, startRelay } from '@cartrelay/core';
import type { ShopifyApp } from '@cartrelay/shopify/app';
import type { Logger } from 'pino';
import pino from 'pino';
import { type Env, parseEnv } from '../env.ts';
import type { Io } from '../io.ts';
import { parseOptions } from '../options.ts';
import { createPlatforms } from '../platforms.ts';
import { shopifyApiFromEnv } from '../shopify-api.ts';
import { type Runtime, openRuntime } from '../runtime.ts';

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
  const impact = createImpactClient({ baseUrl: env.CARTRELAY_IMPACT_BASE_URL });
  const shopifyApp = await createShopifyAppFromEnv(env, runtime, impact, logger);
  const relay = await startRelay({
    store: runtime.store,
    shops: runtime.shops,
    adapters: createPlatforms({ bigcommerceApiUrl: env.BIGCOMMERCE_API_URL, ...(shopifyApp ? { shopifyWebhooks: shopifyApp.webhooks } : {}) }),
    impact,
    logger,
    appSecrets: { shopify: env.SHOPIFY_API_SECRET ?? null, bigcommerce: env.BIGCOMMERCE_CLIENT_SECRET ?? null },
    port: env.PORT,
    leaseMs: env.CARTRELAY_LEASE_MS,
    retryPolicy: { ...DEFAULT_RETRY_POLICY, submissionCheckDelayMs: env.CARTRELAY_SUBMISSION_CHECK_MS },
    clickWaitMs: env.CARTRELAY_CLICK_WAIT_MS,
    retentionMs: env.CARTRELAY_RETENTION_DAYS * 24 * 3_600_000,
    routers: shopifyApp?.routers ?? [],
    jobs: shopifyApp?.jobs ?? [],
    ...(env.CARTRELAY_TRUST_PROXY ? { trustProxy: trustProxy(env.CARTRELAY_TRUST_PROXY) } : {}),
  });
  io.stderr(`cartrelay serve: listening on ${relay.url} (${runtime.store.dialect})\n`);

  await io.untilSignal();
  logger.info('shutting down');
  await relay.close();
  await runtime.close();
  return 0;
}

/** The Shopify app's routes and jobs, when its three settings are given (SHOPIFY_API_KEY, _SECRET, _APP_URL). */
async function createShopifyAppFromEnv(env: Env, runtime: Runtime, impact: ImpactClient, logger: Logger): Promise<ShopifyApp | null> {
  const shopify = await shopifyApiFromEnv(env);
  if (!shopify) {
    if (env.SHOPIFY_API_KEY || env.SHOPIFY_APP_URL) logger.warn('the Shopify app needs SHOPIFY_API_KEY, SHOPIFY_API_SECRET and SHOPIFY_APP_URL; its routes are off');
    return null;
  }
  const { createShopifyApp } = await import('@cartrelay/shopify/app');
  return createShopifyApp({
    shopify,
    appUrl: env.SHOPIFY_APP_URL!,
    shops: runtime.shops,
    store: runtime.store,
    box: runtime.box,
    impact,
    logger,
    reconcileEveryMs: env.SHOPIFY_RECONCILE_INTERVAL_MS,
  });
}

/** "true", a hop count, or Express's own list of addresses. */
function trustProxy(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}
