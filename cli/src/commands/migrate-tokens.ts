import { parseEnv } from '../env.ts';
import { type Io, UsageError } from '../io.ts';
import { parseOptions } from '../options.ts';
import { openRuntime } from '../runtime.ts';
import { commandLogger, shopifyAccess, shopifyApiFromEnv } from '../shopify-api.ts';

export const MIGRATE_TOKENS_USAGE = 'usage: cartrelay migrate-tokens';

/**
 * Moves every installed Shopify shop still on a non-expiring offline token to an expiring one now
 * (a running relay also does it hourly), one line per shop as it goes. Exit 1 when any shop failed or
 * needs its merchant.
 */
export async function migrateTokensCommand(args: string[], io: Io): Promise<number> {
  parseOptions(args, {}, MIGRATE_TOKENS_USAGE);
  const env = parseEnv(io.env);
  const logger = commandLogger(io, env.LOG_LEVEL);
  const shopify = await shopifyApiFromEnv(io.env, logger);
  if (!shopify) throw new UsageError('environment: SHOPIFY_API_KEY, SHOPIFY_API_SECRET and SHOPIFY_APP_URL are required (the migration calls Shopify as the app)');
  const runtime = await openRuntime(env, (line) => io.stderr(`${line}\n`));
  try {
    const { migrateToExpiringTokens } = await import('@cartrelay/shopify/app');
    const summary = await migrateToExpiringTokens(await shopifyAccess(shopify, runtime, logger), runtime.shops, (progress) => {
      const detail = progress.detail ? `: ${progress.detail}` : '';
      io.stderr(`migrate-tokens ${progress.done}/${progress.total} ${progress.shop}: ${OUTCOME[progress.outcome]}${detail}\n`);
    });
    io.stdout(
      `shopify shops ${summary.total}: moved to expiring tokens ${summary.migrated}, already expiring ${summary.already}, failed ${summary.failed}, needing their merchant ${summary.needsMerchant}\n`,
    );
    return summary.failed + summary.needsMerchant > 0 ? 1 : 0;
  } finally {
    await runtime.close();
  }
}

const OUTCOME = {
  migrated: 'moved to an expiring token',
  already: 'already expiring',
  failed: 'failed',
  needs_merchant: 'no usable token: the merchant must open CartRelay in the Shopify admin',
} as const;
