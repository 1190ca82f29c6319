import { compileRulePattern } from '../config/rule-pattern.ts';
import type { PromoCodeRule, SkuRule, TrackingConfig } from '../config/tracking-config.ts';

/**
 * Config rules compiled once per config object. Matching follows impact.com's own promo-code rules:
 * `exact` codes ignore case, `regex` is case-sensitive; SKU rules are all case-sensitive.
 */
export interface CompiledRules {
  readonly promo: ReadonlyArray<{ readonly index: number; readonly rule: PromoCodeRule; readonly matches: (code: string) => boolean }>;
  readonly sku: ReadonlyArray<{ readonly index: number; readonly rule: SkuRule; readonly matches: (sku: string) => boolean }>;
}

const cache = new WeakMap<TrackingConfig, CompiledRules>();

export function compileRules(config: TrackingConfig): CompiledRules {
  let compiled = cache.get(config);
  if (!compiled) {
    compiled = {
      promo: config.promoCodes.map((rule, index) => ({ index, rule, matches: promoMatcher(rule) })),
      sku: config.skus.map((rule, index) => ({ index, rule, matches: skuMatcher(rule) })),
    };
    cache.set(config, compiled);
  }
  return compiled;
}

function promoMatcher(rule: PromoCodeRule): (code: string) => boolean {
  if (rule.match === 'regex') return regexMatcher(rule.code);
  const wanted = rule.code.toUpperCase();
  return (code) => code.toUpperCase() === wanted;
}

function skuMatcher(rule: SkuRule): (sku: string) => boolean {
  switch (rule.match) {
    case 'exact':
      return (sku) => sku === rule.sku;
    case 'prefix':
      return (sku) => sku.startsWith(rule.sku);
    case 'regex':
      return regexMatcher(rule.sku);
  }
}

/** Configs are validated before they are used, so a pattern that does not compile is a bug here. */
function regexMatcher(pattern: string): (text: string) => boolean {
  const compiled = compileRulePattern(pattern);
  if (!compiled.ok) throw new Error(`regex rule ${pattern} does not compile: ${compiled.error}`);
  return compiled.value;
}

/** How a rule is shown in explain lines: `promoCodes[1] (regex ^PODCAST)`. */
export function describeRule(list: 'promoCodes' | 'skus', index: number, match: string, pattern: string): string {
  return `${list}[${index}] (${match} ${pattern})`;
}
