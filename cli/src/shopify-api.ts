import type { OfflineAccess, Shopify } from '@cartrelay/shopify/app';
import { ShopifyEnvSchema } from '@cartrelay/shopify';
import pino, { type Logger } from 'pino';
import type { Env } from './env.ts';
import { type Io, UsageError } from './io.ts';
import type { Runtime } from './runtime.ts';

/**
 * The Shopify app's `@shopify/shopify-api` instance from the environment (the plugin's own settings),
 * or null when they do not configure the app; for the commands that act for it beside the relay.
 * Loaded on demand: the library is tens of megabytes.
 */
export async function shopifyApiFromEnv(env: Readonly<Record<string, string | undefined>>, logger?: Logger): Promise<Shopify | null> {
  const settings = ShopifyEnvSchema.safeParse(env);
  if (!settings.success) throw new UsageError(`environment: ${settings.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  const { shopifyApiFromSettings } = await import('@cartrelay/shopify/app');
  return shopifyApiFromSettings(settings.data, logger);
}

/** Each Shopify shop's Admin API access as the app keeps it (its sessions, refreshed as needed), for commands run beside the relay. */
export async function shopifyAccess(shopify: Shopify, runtime: Runtime, logger: Logger): Promise<OfflineAccess> {
  const { StoreSessionStorage, createOfflineAccess } = await import('@cartrelay/shopify/app');
  return createOfflineAccess({ shopify, sessions: new StoreSessionStorage(runtime.store, runtime.box), shops: runtime.shops, logger });
}

/** A command's log: warnings and errors (at the default level) as JSON lines on stderr, beside its own output. */
export function commandLogger(io: Io, level: Env['LOG_LEVEL']): Logger {
  return pino({ level: level === 'info' ? 'warn' : level, base: null }, { write: (line: string) => io.stderr(line) });
}
