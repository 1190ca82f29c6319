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
