import { compileRulePattern } from '../config/rule-pattern.ts';
import type { PromoCodeRule, SkuRule, TrackingConfig } from '../config/tracking-config.ts';

/**
 * A configuration's rules, compiled for matching. Matching follows impact.com's own promo-code rules:
 * `exact` codes ignore case, `regex` is case-sensitive; SKU rules are all case-sensitive. In every
 * list the first rule that matches wins, as the merchant ordered them.
 *
 * Compiled once per rule list: `compileRules` keeps what it built in WeakMaps keyed by the lists
 * themselves, so mapOrder stays pure (same order, config and time, same answer) and a list is compiled
 * again only when it is a new list — a saved change. A stored configuration read again is the same
 * object (`readStoredTrackingConfig`), and a copy of a configuration with another setting
 * (`{ ...config, testOrders: 'submit' }`) shares its lists, so neither compiles anything.
 */
export interface CompiledRules {
  readonly promo: {
    /** Rules that exclude the order. */
    readonly exclusions: RuleIndex<PromoCodeRule>;
    /** Rules that credit a partner or an action tracker. */
    readonly credits: RuleIndex<PromoCodeRule>;
    /** Of those, the ones that credit a partner. */
    readonly partners: RuleIndex<PromoCodeRule>;
  };
  readonly sku: {
    readonly exclusions: RuleIndex<SkuRule>;
    readonly categories: RuleIndex<SkuRule>;
  };
  /** The first tag rule matching any of a customer's tags, compared trimmed and lower-cased. */
  readonly statusForTags: (tags: readonly string[]) => Ranked<TrackingConfig['customerStatus']['rules'][number]> | undefined;
}

/** A rule and its row in its list (0-based), for explain lines. */
export interface Ranked<R> {
  readonly index: number;
  readonly rule: R;
}

/** A rule as an index takes it: its pattern and how to compare it; a regex already compiled. */
type RuleEntry<R> = Ranked<R> & ({ readonly kind: 'exact' | 'prefix'; readonly text: string } | { readonly kind: 'regex'; readonly matches: (text: string) => boolean });

/**
 * The first rule of a list that matches a text, without trying the rules one by one: exact rules are
 * looked up in a map, prefix rules in one map per prefix length, and only regex rules are run, in
 * order, and only those ahead of the best match so far. Per text that costs one lookup, one per
 * distinct prefix length, and at most one RE2 run per regex rule (their number and size are
 * bounded by CONFIG_LIMITS).
 */
export class RuleIndex<R> {
  readonly #normalize: (text: string) => string;
  readonly #exact = new Map<string, Ranked<R>>();
  readonly #prefixes = new Map<number, Map<string, Ranked<R>>>();
  readonly #regexes: Array<Ranked<R> & { readonly matches: (text: string) => boolean }> = [];

  /** `normalize` is applied to exact rules and to the text they are compared with (promo codes: upper case). */
  constructor(rules: ReadonlyArray<RuleEntry<R>>, normalize: (text: string) => string = (text) => text) {
    this.#normalize = normalize;
    for (const entry of rules) {
      const { index, rule } = entry;
      if (entry.kind === 'regex') {
        this.#regexes.push({ index, rule, matches: entry.matches });
      } else if (entry.kind === 'exact') {
        const key = normalize(entry.text);
        if (!this.#exact.has(key)) this.#exact.set(key, { index, rule });
      } else {
        const byPrefix = this.#prefixes.get(entry.text.length) ?? new Map<string, Ranked<R>>();
        this.#prefixes.set(entry.text.length, byPrefix);
        if (!byPrefix.has(entry.text)) byPrefix.set(entry.text, { index, rule });
      }
    }
  }

  first(text: string): Ranked<R> | undefined {
    let best = this.#exact.get(this.#normalize(text));
    for (const [length, byPrefix] of this.#prefixes) {
      if (length > text.length) continue;
      const found = byPrefix.get(text.slice(0, length));
      if (found && (!best || found.index < best.index)) best = found;
    }
    for (const regex of this.#regexes) {
      if (best && regex.index > best.index) break;
      if (regex.matches(text)) return regex;
    }
    return best;
  }
}

const promoLists = new WeakMap<readonly PromoCodeRule[], CompiledRules['promo']>();
const skuLists = new WeakMap<readonly SkuRule[], CompiledRules['sku']>();
const tagLists = new WeakMap<TrackingConfig['customerStatus']['rules'], CompiledRules['statusForTags']>();

export function compileRules(config: TrackingConfig): CompiledRules {
  return { promo: compilePromoRules(config.promoCodes), sku: compileSkuRules(config.skus), statusForTags: compileTagRules(config.customerStatus.rules) };
}

function compilePromoRules(list: readonly PromoCodeRule[]): CompiledRules['promo'] {
  let compiled = promoLists.get(list);
  if (!compiled) {
    const ranked = list.map((rule, index) => entry(index, rule, rule.match, rule.code));
    const upper = (code: string) => code.toUpperCase();
    compiled = {
      exclusions: new RuleIndex(ranked.filter(({ rule }) => rule.exclude), upper),
      credits: new RuleIndex(ranked.filter(({ rule }) => !rule.exclude), upper),
      partners: new RuleIndex(ranked.filter(({ rule }) => !rule.exclude && rule.partnerId), upper),
    };
    promoLists.set(list, compiled);
  }
  return compiled;
}

function compileSkuRules(list: readonly SkuRule[]): CompiledRules['sku'] {
  let compiled = skuLists.get(list);
  if (!compiled) {
    const ranked = list.map((rule, index) => entry(index, rule, rule.match, rule.sku));
    compiled = {
      exclusions: new RuleIndex(ranked.filter(({ rule }) => rule.exclude)),
      categories: new RuleIndex(ranked.filter(({ rule }) => !rule.exclude)),
    };
    skuLists.set(list, compiled);
  }
  return compiled;
}

function compileTagRules(list: TrackingConfig['customerStatus']['rules']): CompiledRules['statusForTags'] {
  let compiled = tagLists.get(list);
  if (!compiled) {
    const byTag = new Map<string, Ranked<(typeof list)[number]>>();
    list.forEach((rule, index) => {
      const key = normalizeTag(rule.tag);
      if (!byTag.has(key)) byTag.set(key, { index, rule });
    });
    compiled = (tags) => {
      let best: Ranked<(typeof list)[number]> | undefined;
      for (const tag of tags) {
        const found = byTag.get(normalizeTag(tag));
        if (found && (!best || found.index < best.index)) best = found;
      }
      return best;
    };
    tagLists.set(list, compiled);
  }
  return compiled;
}

const normalizeTag = (tag: string) => tag.trim().toLowerCase();

/** Configs are validated before they are used, so a pattern that does not compile is a bug here. */
function entry<R>(index: number, rule: R, kind: 'exact' | 'prefix' | 'regex', text: string): RuleEntry<R> {
  if (kind !== 'regex') return { index, rule, kind, text };
  const compiled = compileRulePattern(text);
  if (!compiled.ok) throw new Error(`regex rule ${text} does not compile: ${compiled.error}`);
  return { index, rule, kind, matches: compiled.value.matches };
}

/** How a rule is shown in explain lines: `promoCodes[1] (regex ^PODCAST)`. */
export function describeRule(list: 'promoCodes' | 'skus', index: number, match: string, pattern: string): string {
  return `${list}[${index}] (${match} ${pattern})`;
}
