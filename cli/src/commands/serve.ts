import { DEFAULT_RETRY_POLICY, PluginSettingsError, createImpactClient, startStoreRelay } from '@cartrelay/core';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { parseEnv } from '../env.ts';
import { type Io, UsageError } from '../io.ts';
import { parseOptions } from '../options.ts';
import { PLUGINS } from '../platforms.ts';
import { openRuntime } from '../runtime.ts';

export const SERVE_USAGE = 'usage: cartrelay serve (configured by the environment: HOST, PORT, DATABASE_URL, CARTRELAY_IMPACT_BASE_URL, …)';

/** Runs the relay until SIGTERM/SIGINT: webhooks in, conversions out to impact.com, and every platform's app. */
export async function serveCommand(args: string[], io: Io): Promise<number> {
  parseOptions(args, {}, SERVE_USAGE);
  const env = parseEnv(io.env);
  const logger = pino({
    level: env.LOG_LEVEL,
    base: { service: 'cartrelay' },
    // Secrets are never logged by design; these paths are a second line of defence.
    redact: { paths: ['*.authToken', '*.webhookSecret', '*.accessToken', '*.email', 'headers.authorization'], censor: '[redacted]' },
  });
  const runtime = await openRuntime(env, (line) => logger.warn(line), logger);
  const impact = createImpactClient({ baseUrl: env.CARTRELAY_IMPACT_BASE_URL });
  let relay: Awaited<ReturnType<typeof startStoreRelay>>;
  try {
    relay = await startStoreRelay({
      plugins: PLUGINS,
      env: io.env,
      context: { store: runtime.store, shops: runtime.shops, box: runtime.box, impact, logger, now: Date.now },
      port: env.PORT,
      host: env.HOST,
      leaseMs: env.CARTRELAY_LEASE_MS,
      retryPolicy: { ...DEFAULT_RETRY_POLICY, submissionCheckDelayMs: env.CARTRELAY_SUBMISSION_CHECK_MS },
      clickWaitMs: env.CARTRELAY_CLICK_WAIT_MS,
      retentionMs: env.CARTRELAY_RETENTION_DAYS * 24 * 3_600_000,
      ...(env.CARTRELAY_TRUST_PROXY ? { trustProxy: trustProxy(env.CARTRELAY_TRUST_PROXY) } : {}),
    });
  } catch (error) {
    await runtime.close();
    if (error instanceof PluginSettingsError) throw new UsageError(`environment: ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${env.PORT} is in use${env.HOST === '0.0.0.0' ? '' : ` on ${env.HOST}`}: stop what holds it, or set PORT`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`HOST ${env.HOST} is not an address of this machine`);
    throw error;
  }
  io.stderr(`cartrelay serve: ${listeningLine(relay.server.address() as AddressInfo)} (${runtime.store.dialect})\n`);

  await io.untilSignal();
  logger.info('shutting down');
  await relay.close();
  await runtime.close();
  return 0;
}

/**
 * Where the relay listens, as bound: an address of every interface is said as such, with the URL
 * that reaches it from this machine.
 */
export function listeningLine(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  if (address.address !== '0.0.0.0' && address.address !== '::') return `listening on ${url}`;
  const local = address.address === '::' ? '[::1]' : '127.0.0.1';
  return `listening on ${url} (every interface; from this machine http://${local}:${address.port})`;
}

/** "true", a hop count, or Express's own list of addresses. */
function trustProxy(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}
