import { z } from 'zod';
import { type Result, err, ok } from '../result.ts';
import { type FieldProblem, fieldProblems } from '../validation/format-issues.ts';
import { CONFIG_LIMITS, formatCount } from './limits.ts';
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

/**
 * A rule's fields. The stored form (`StoredTrackingConfigSchema`) reads them as they are; what a
 * merchant saves also passes the checks below (`TrackingConfigSchema`).
 */
const PromoCodeRuleFields = z
  .object({
    match: z.enum(['exact', 'regex']),
    code: nonBlank(),
    partnerId: impactId().optional(),
    actionTrackerId: impactId().optional(),
    exclude: z.boolean().optional(),
  })
  .strict();

const SkuRuleFields = z
  .object({
    match: z.enum(['exact', 'prefix', 'regex']),
    sku: nonBlank(),
    category: nonBlank().optional(),
    exclude: z.boolean().optional(),
  })
  .strict();

const TagRuleFields = z.object({ tag: nonBlank(), status: nonBlank() }).strict();

/** Regex rules get `invalid regular expression: …` from their list, where they are compiled. */
const tooLong = (text: string, match: string, what: string): string | null => {
  if (match === 'regex') return text.length > CONFIG_LIMITS.patternLength ? `invalid regular expression: longer than ${CONFIG_LIMITS.patternLength} characters` : null;
  return text.length > CONFIG_LIMITS.textLength ? `longer than ${CONFIG_LIMITS.textLength} characters: ${what}` : null;
};

const PromoCodeRuleSchema = PromoCodeRuleFields.superRefine((rule, ctx) => {
  const long = tooLong(rule.code, rule.match, 'impact.com keeps no longer promo code');
  if (long) ctx.addIssue({ code: 'custom', path: ['code'], message: long });
  if (rule.exclude && (rule.partnerId || rule.actionTrackerId)) {
    ctx.addIssue({ code: 'custom', path: ['exclude'], message: 'an excluded code cannot also credit a partner or action tracker' });
  }
  if (!rule.exclude && !rule.partnerId && !rule.actionTrackerId) {
    ctx.addIssue({ code: 'custom', path: ['partnerId'], message: 'give a partner id or an action tracker id, or mark the code excluded' });
  }
});

const SkuRuleSchema = SkuRuleFields.superRefine((rule, ctx) => {
  const long = tooLong(rule.sku, rule.match, 'impact.com keeps no longer SKU');
  if (long) ctx.addIssue({ code: 'custom', path: ['sku'], message: long });
  if (rule.exclude && rule.category) {
    ctx.addIssue({ code: 'custom', path: ['category'], message: 'an excluded SKU has no category' });
  }
  if (!rule.exclude && !rule.category) {
    ctx.addIssue({ code: 'custom', path: ['category'], message: 'give a category, or mark the SKU excluded' });
  }
});

const TagRuleSchema = TagRuleFields.superRefine((rule, ctx) => {
  if (rule.tag.length > CONFIG_LIMITS.textLength) {
    ctx.addIssue({ code: 'custom', path: ['tag'], message: `longer than ${CONFIG_LIMITS.textLength} characters: a customer tag is no longer` });
  }
});

/** How a list is named in its limits' messages, and which field of a row they are shown at. */
interface ListLimits {
  readonly name: string;
  readonly max: number;
  readonly field: string;
  /** What to do instead of more rules. */
  readonly instead: string;
  readonly regex?: { readonly instead: string; readonly patternsName: string };
}

/**
 * A list of rules, counted before any row is read: a list over its limits is refused with one
 * problem at the first row past a limit, and nothing in it is parsed or compiled. Within them, its
 * regexes are compiled in order, each once, until their programs together pass the list's budget.
 */
function ruleList<T extends z.ZodType<object>>(rule: T, limits: ListLimits) {
  return z
    .array(z.unknown())
    .superRefine((rows, ctx) => {
      if (rows.length > limits.max) {
        const over = rows.length - limits.max;
        ctx.addIssue({
          code: 'custom',
          path: [limits.max, limits.field],
          message: `too many ${limits.name}: this list has ${formatCount(rows.length)} and may have ${formatCount(limits.max)}. Remove ${formatCount(over)}${limits.instead}`,
        });
      }
      if (!limits.regex) return;
      const regexRows = rows.flatMap((row, index) => ((row as { match?: unknown } | null)?.match === 'regex' ? [index] : []));
      const firstOver = regexRows[CONFIG_LIMITS.regexRulesPerList];
      if (firstOver !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [firstOver, 'match'],
          message: `too many regular expressions: this list has ${formatCount(regexRows.length)} and may have ${CONFIG_LIMITS.regexRulesPerList}. ${limits.regex.instead}`,
        });
      }
    })
    .pipe(
      z.array(rule).superRefine((rules, ctx) => {
        if (limits.regex) compileRegexRules(rules, limits.field, limits.regex.patternsName, ctx);
      }),
    );
}

/**
 * Compiles a list's regex rules in order, reporting a pattern RE2 cannot run, and stops at the row
 * whose program brings the list past its budget of instructions: compiling costs as much as the
 * programs are large, so a save never compiles much more than a valid list holds.
 */
function compileRegexRules(rules: readonly object[], field: string, patternsName: string, ctx: z.RefinementCtx): void {
  let instructions = 0;
  for (const [index, rule] of rules.entries()) {
    // A row that is not an object was reported already (and stops zod from getting here today).
    if (typeof rule !== 'object' || rule === null) continue;
    const { match, [field]: pattern } = rule as Record<string, unknown>;
    if (match !== 'regex' || typeof pattern !== 'string' || pattern.length > CONFIG_LIMITS.patternLength) continue;
    const compiled = compileRulePattern(pattern);
    if (!compiled.ok) {
      ctx.addIssue({ code: 'custom', path: [index, field], message: `invalid regular expression: ${compiled.error}` });
      continue;
    }
    instructions += compiled.value.size;
    if (instructions > CONFIG_LIMITS.regexInstructionsPerList) {
      ctx.addIssue({
        code: 'custom',
        path: [index, field],
        message:
          `too complex: this pattern compiles to ${formatCount(compiled.value.size)} RE2 instructions, which brings the ${patternsName} to ${formatCount(instructions)}; ` +
          `they may have ${formatCount(CONFIG_LIMITS.regexInstructionsPerList)} in all. A counted repetition such as {1,1000} repeats its part that many times: use + or *, or a smaller count`,
      });
      return;
    }
  }
}

const CustomerStatusFields = z
  .object({
    new: nonBlank().optional(),
    returning: nonBlank().optional(),
    rules: z.array(TagRuleFields).default([]),
  })
  .strict();

const DEFAULT_CUSTOMER_STATUS = { new: 'New', returning: 'Returning', rules: [] };

/** impact.com's click id parameter on partner links, unless the merchant names another. */
export const DEFAULT_CLICK_ID_PARAM = 'irclickid';

const configFields = {
  version: z.literal(1, { error: 'version must be 1' }),
  program: z
    .object({ campaignId: impactId(), actionTrackerId: impactId() })
    .strict(),
  trigger: z.enum(['paid', 'created']).default('paid'),
  clickIdParam: z
    .string()
    .regex(/^[A-Za-z0-9_.~-]{1,64}$/, 'clickIdParam must be a URL query parameter name')
    .default(DEFAULT_CLICK_ID_PARAM),
  attributionPrecedence: z.enum(['click', 'promo']).default('click'),
  customerStatus: CustomerStatusFields.default(DEFAULT_CUSTOMER_STATUS),
  promoCodes: z.array(PromoCodeRuleFields).default([]),
  skus: z.array(SkuRuleFields).default([]),
  defaultCategory: nonBlank().default('general'),
  testOrders: z.enum(['skip', 'submit']).default('skip'),
  emailHash: z.enum(['sha1', 'sha256', 'none']).default('sha1'),
  /** Send the buyer's IP address (impact.com `IpAddress`). Personal data: off unless the merchant turns it on. */
  sendIpAddress: z.boolean().default(false),
  /** Send the buyer's browser user agent (impact.com `UserAgent`). Off unless the merchant turns it on. */
  sendUserAgent: z.boolean().default(false),
};

/**
 * A configuration as stored: it was validated when it was saved, so reading it checks no rule again
 * (no regex is compiled, no limit applies) and only fills the defaults of settings added since.
 * Read it with `readStoredTrackingConfig`.
 */
export const StoredTrackingConfigSchema = z.object(configFields).strict();

/** A configuration as a merchant saves it: every rule checked, the lists within `CONFIG_LIMITS`. */
export const TrackingConfigSchema = z
  .object({
    ...configFields,
    customerStatus: CustomerStatusFields.extend({
      rules: ruleList(TagRuleSchema, { name: 'tag rules', max: CONFIG_LIMITS.customerStatusRules, field: 'tag', instead: '' }).default([]),
    }).default(DEFAULT_CUSTOMER_STATUS),
    promoCodes: ruleList(PromoCodeRuleSchema, {
      name: 'promo-code mappings',
      max: CONFIG_LIMITS.promoCodes,
      field: 'code',
      instead: ', or cover a family of codes with one regular expression',
      regex: { instead: 'Use exact codes where you can, or one pattern for a family of codes', patternsName: 'promo-code patterns' },
    }).default([]),
    skus: ruleList(SkuRuleSchema, {
      name: 'SKU rules',
      max: CONFIG_LIMITS.skus,
      field: 'sku',
      instead: ', or cover a family of SKUs with one prefix rule',
      regex: { instead: 'Use exact or prefix rules where you can, or one pattern for a family of SKUs', patternsName: 'SKU patterns' },
    }).default([]),
  })
  .strict()
  .superRefine((config, ctx) => {
    // impact.com matches exact codes case-insensitively, so JANE20 and jane20 are the same code.
    // (A list refused for its size holds rows as sent: only well-formed ones are looked at.)
    const seen = new Map<string, number>();
    config.promoCodes.forEach((rule, index) => {
      if (rule?.match !== 'exact' || typeof rule.code !== 'string') return;
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
