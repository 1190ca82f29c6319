import { z } from 'zod';
import { type Result, err, ok } from '../result.ts';
import { type FieldProblem, fieldProblems } from '../validation/format-issues.ts';
import { compileRulePattern } from './rule-pattern.ts';

/**
 * A merchant's tracking configuration: the versioned JSON a store admin exports, imports and edits
 * in the admin page. Every key is part of the contract; unknown keys are rejected so a typo
 * ("promocodes") is an error instead of a silently ignored setting.
 */

/**
 * impact.com ids are integers of up to 10 digits; accepted as a JSON number or string, kept as a string.
 * Messages name no field: the problem's path does (the admin page shows them under the field's label).
 */
const impactId = () =>
  z
    .union([z.string(), z.number()])
    .transform((value) => String(value).trim())
    .refine((value) => /^\d{1,10}$/.test(value), 'must be a number of 1 to 10 digits');

const nonBlank = () =>
  z.string({ error: 'must be text' }).trim().min(1, 'must not be empty');

/** Why a regex rule cannot be used (RE2 syntax, bounded length), or null. */
const compiles = (pattern: string): string | null => {
  const compiled = compileRulePattern(pattern);
  return compiled.ok ? null : compiled.error;
};

const PromoCodeRuleSchema = z
  .object({
    match: z.enum(['exact', 'regex']),
    code: nonBlank(),
    partnerId: impactId().optional(),
    actionTrackerId: impactId().optional(),
    exclude: z.boolean().optional(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (rule.match === 'regex') {
      const problem = compiles(rule.code);
      if (problem) ctx.addIssue({ code: 'custom', path: ['code'], message: `invalid regular expression: ${problem}` });
    }
    if (rule.exclude && (rule.partnerId || rule.actionTrackerId)) {
      ctx.addIssue({ code: 'custom', path: ['exclude'], message: 'an excluded code cannot also credit a partner or action tracker' });
    }
    if (!rule.exclude && !rule.partnerId && !rule.actionTrackerId) {
      ctx.addIssue({ code: 'custom', path: ['partnerId'], message: 'give a partner id or an action tracker id, or mark the code excluded' });
    }
  });

const SkuRuleSchema = z
  .object({
    match: z.enum(['exact', 'prefix', 'regex']),
    sku: nonBlank(),
    category: nonBlank().optional(),
    exclude: z.boolean().optional(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (rule.match === 'regex') {
      const problem = compiles(rule.sku);
      if (problem) ctx.addIssue({ code: 'custom', path: ['sku'], message: `invalid regular expression: ${problem}` });
    }
    if (rule.exclude && rule.category) {
      ctx.addIssue({ code: 'custom', path: ['category'], message: 'an excluded SKU has no category' });
    }
    if (!rule.exclude && !rule.category) {
      ctx.addIssue({ code: 'custom', path: ['category'], message: 'give a category, or mark the SKU excluded' });
    }
  });

const CustomerStatusSchema = z
  .object({
    new: nonBlank().optional(),
    returning: nonBlank().optional(),
    rules: z
      .array(z.object({ tag: nonBlank(), status: nonBlank() }).strict())
      .default([]),
  })
  .strict();

export const TrackingConfigSchema = z
  .object({
    version: z.literal(1, { error: 'version must be 1' }),
    program: z
      .object({ campaignId: impactId(), actionTrackerId: impactId() })
      .strict(),
    trigger: z.enum(['paid', 'created']).default('paid'),
    clickIdParam: z
      .string()
      .regex(/^[A-Za-z0-9_.~-]{1,64}$/, 'clickIdParam must be a URL query parameter name')
      .default('irclickid'),
    attributionPrecedence: z.enum(['click', 'promo']).default('click'),
    customerStatus: CustomerStatusSchema.default({ new: 'New', returning: 'Returning', rules: [] }),
    promoCodes: z.array(PromoCodeRuleSchema).default([]),
    skus: z.array(SkuRuleSchema).default([]),
    defaultCategory: nonBlank().default('general'),
    testOrders: z.enum(['skip', 'submit']).default('skip'),
    emailHash: z.enum(['sha1', 'sha256', 'none']).default('sha1'),
  })
  .strict()
  .superRefine((config, ctx) => {
    // impact.com matches exact codes case-insensitively, so JANE20 and jane20 are the same code.
    const seen = new Map<string, number>();
    config.promoCodes.forEach((rule, index) => {
      if (rule.match !== 'exact') return;
      const key = rule.code.toUpperCase();
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['promoCodes', index, 'code'],
          message: `${rule.code} is already mapped in row ${first + 1} (exact codes ignore case)`,
        });
      } else seen.set(key, index);
    });
  });

export type TrackingConfig = z.output<typeof TrackingConfigSchema>;
export type PromoCodeRule = TrackingConfig['promoCodes'][number];
export type SkuRule = TrackingConfig['skus'][number];

/** Validates and fills defaults. Problems name the field, e.g. `promoCodes[1].code: invalid regular expression …`. */
export function parseTrackingConfig(input: unknown): Result<TrackingConfig, FieldProblem[]> {
  const parsed = TrackingConfigSchema.safeParse(input);
  return parsed.success ? ok(parsed.data) : err(fieldProblems(parsed.error));
}
