import { z } from 'zod';
import { describeProblems, fieldProblems } from '@cartrelay/core';
import { UsageError } from './io.ts';

/**
 * The relay's own environment variables, parsed once; each platform plugin reads its own (SHOPIFY_*,
 * BIGCOMMERCE_*…) with its own schema. Nothing else reads process.env.
 */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  /** The address the relay binds: every interface by default; 127.0.0.1 keeps it to this machine. */
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  CARTRELAY_DATA_DIR: z.string().min(1).default('.cartrelay'),
  CARTRELAY_IMPACT_BASE_URL: z.url().default('https://api.impact.com'),
  CARTRELAY_SECRET_KEY: z.string().min(1).optional(),
  /** How long processed webhooks (raw payloads) and click captures are kept. */
  CARTRELAY_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  /** How long after an order was placed its conversion may wait for a pixel's click id (ms). */
  CARTRELAY_CLICK_WAIT_MS: z.coerce.number().int().min(0).default(60_000),
  /** Express's trust proxy setting when behind a load balancer: a hop count or "true"; the beacon rate limit keys on the client IP. */
  CARTRELAY_TRUST_PROXY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** How long a process keeps claimed work before another may take it over (ms). */
  CARTRELAY_LEASE_MS: z.coerce.number().int().min(1000).default(30_000),
  /**
   * How long after impact.com queues a submission to ask how it went, and again while it is still
   * processing (ms). An order's next change waits for the answer.
   */
  CARTRELAY_SUBMISSION_CHECK_MS: z.coerce.number().int().min(100).default(300_000),
  /**
   * PostgreSQL: how long to wait before giving up (ms). Absent: the store's defaults — 5 s to connect
   * or get a pooled connection; 30 s per statement, cancelled by the server, and a connection that
   * has not answered 5 s after that is dropped; 10 s idle inside a transaction. docs/operations.md.
   */
  CARTRELAY_DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).optional(),
  CARTRELAY_DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).optional(),
  CARTRELAY_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(100).optional(),
});

export type Env = z.output<typeof EnvSchema>;

export function parseEnv(source: Readonly<Record<string, string | undefined>>): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) throw new UsageError(`environment: ${describeProblems(fieldProblems(parsed.error))}`);
  return parsed.data;
}
