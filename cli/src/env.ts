import { z } from 'zod';
import { describeProblems, fieldProblems } from '@cartrelay/core';
import { UsageError } from './io.ts';

/**
 * Every environment variable CartRelay reads, parsed once. Nothing else reads process.env.
 */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  CARTRELAY_DATA_DIR: z.string().min(1).default('.cartrelay'),
  CARTRELAY_IMPACT_BASE_URL: z.url().default('https://api.impact.com'),
  CARTRELAY_SECRET_KEY: z.string().min(1).optional(),
  SHOPIFY_API_SECRET: z.string().min(1).optional(),
  /** The Shopify app's client id; with SHOPIFY_API_SECRET and SHOPIFY_APP_URL it turns the app's routes on. */
  SHOPIFY_API_KEY: z.string().min(1).optional(),
  /** The app's public https URL, as in shopify.app.toml's application_url (without the path). */
  SHOPIFY_APP_URL: z.url().optional(),
  SHOPIFY_SCOPES: z
    .string()
    .default('read_orders,read_customers,write_pixels,read_customer_events')
    .transform((scopes) => scopes.split(',').map((scope) => scope.trim()).filter(Boolean)),
  /** Tests only: where requests for https://{shop}/admin/… go instead (a fake Admin API). */
  SHOPIFY_ADMIN_API_URL: z.url().optional(),
  /** How often each installed Shopify shop is reconciled against the Admin API (ms). */
  SHOPIFY_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(1000).default(15 * 60_000),
  /** How long processed webhooks (raw payloads) and click captures are kept. */
  CARTRELAY_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  /** How long after an order was placed its conversion may wait for a pixel's click id (ms). */
  CARTRELAY_CLICK_WAIT_MS: z.coerce.number().int().min(0).default(60_000),
  /** Express's trust proxy setting when behind a load balancer: a hop count or "true"; the beacon rate limit keys on the client IP. */
  CARTRELAY_TRUST_PROXY: z.string().optional(),
  BIGCOMMERCE_CLIENT_SECRET: z.string().min(1).optional(),
  BIGCOMMERCE_API_URL: z.url().default('https://api.bigcommerce.com'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** How long a process keeps claimed work before another may take it over (ms). */
  CARTRELAY_LEASE_MS: z.coerce.number().int().min(1000).default(30_000),
  /**
   * How long after impact.com queues a submission to ask how it went, and again while it is still
   * processing (ms). An order's next change waits for the answer.
   */
  CARTRELAY_SUBMISSION_CHECK_MS: z.coerce.number().int().min(100).default(300_000),
});

export type Env = z.output<typeof EnvSchema>;

export function parseEnv(source: Readonly<Record<string, string | undefined>>): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) throw new UsageError(`environment: ${describeProblems(fieldProblems(parsed.error))}`);
  return parsed.data;
}
