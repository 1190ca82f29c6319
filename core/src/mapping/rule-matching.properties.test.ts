import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aConfig } from '../testing/builders.ts';
import { compileRules } from './rule-matching.ts';

/**
 * The compiled rules (exact rules in a map, prefixes by length, regexes in order) pick exactly the
 * rule that trying every rule in the merchant's order would: written here the plain way, as the
 * mapping did before rules were indexed.
 */

// A small alphabet and short texts, so that rules often overlap and order texts often match several.
const alphabet = fc.constantFrom('A', 'a', 'B', '-');
const text = fc.string({ unit: alphabet, minLength: 1, maxLength: 3 });
const orderText = fc.string({ unit: alphabet, minLength: 1, maxLength: 4 });
const patterns = fc.constantFrom('^A', 'B$', 'A.B', '^(A|B)+$', 'a', '[AB]-', '^-?a', 'B');
const runs = { numRuns: 500 };

const regexTest = (pattern: string, value: string) => new RegExp(pattern).test(value);

const skuRule = fc.oneof(
  fc.record({ match: fc.constantFrom('exact', 'prefix'), sku: text, exclude: fc.boolean() }),
  fc.record({ match: fc.constant('regex'), sku: patterns, exclude: fc.boolean() }),
);
const promoRule = fc.oneof(
  fc.record({ match: fc.constant('exact'), code: text, exclude: fc.boolean(), partner: fc.boolean() }),
  fc.record({ match: fc.constant('regex'), code: patterns, exclude: fc.boolean(), partner: fc.boolean() }),
);

describe('compiled rules', () => {
  it('find the first SKU rule that matches, as trying each rule in order does', () => {
    fc.assert(
      fc.property(fc.array(skuRule, { maxLength: 12 }), fc.array(orderText, { minLength: 1, maxLength: 6 }), (drafts, skus) => {
        const skuRules = drafts.map((d, i) => (d.exclude ? { match: d.match, sku: d.sku, exclude: true } : { match: d.match, sku: d.sku, category: `c${i}` }));
        const config = aConfig({ skus: skuRules });
        const rules = compileRules(config);
        const matches = (rule: (typeof config.skus)[number], sku: string) =>
          rule.match === 'exact' ? sku === rule.sku : rule.match === 'prefix' ? sku.startsWith(rule.sku) : regexTest(rule.sku, sku);
        for (const sku of skus) {
          expect(rules.sku.exclusions.first(sku)?.index).toBe(indexOf(config.skus, (r) => Boolean(r.exclude) && matches(r, sku)));
          expect(rules.sku.categories.first(sku)?.index).toBe(indexOf(config.skus, (r) => !r.exclude && matches(r, sku)));
        }
      }),
      runs,
    );
  });

  it('find the first promo-code rule that matches (exact ignoring case, regex not), as trying each in order does', () => {
    fc.assert(
      fc.property(fc.array(promoRule, { maxLength: 12 }), fc.array(orderText, { minLength: 1, maxLength: 6 }), (drafts, codes) => {
        // Exact codes differing only in case are refused on input: keep the first of each.
        const seen = new Set<string>();
        const promoCodes = drafts
          .filter((d) => d.match === 'regex' || (!seen.has(d.code.toUpperCase()) && seen.add(d.code.toUpperCase())))
          .map((d) => (d.exclude ? { match: d.match, code: d.code, exclude: true } : d.partner ? { match: d.match, code: d.code, partnerId: '1' } : { match: d.match, code: d.code, actionTrackerId: '2' }));
        const config = aConfig({ promoCodes });
        const rules = compileRules(config);
        const matches = (rule: (typeof config.promoCodes)[number], code: string) =>
          rule.match === 'exact' ? code.toUpperCase() === rule.code.toUpperCase() : regexTest(rule.code, code);
        for (const code of codes) {
          expect(rules.promo.exclusions.first(code)?.index).toBe(indexOf(config.promoCodes, (r) => Boolean(r.exclude) && matches(r, code)));
          expect(rules.promo.credits.first(code)?.index).toBe(indexOf(config.promoCodes, (r) => !r.exclude && matches(r, code)));
          expect(rules.promo.partners.first(code)?.index).toBe(indexOf(config.promoCodes, (r) => !r.exclude && Boolean(r.partnerId) && matches(r, code)));
        }
      }),
      runs,
    );
  });

  it('find the first tag rule naming any of a customer’s tags, trimmed and in any case', () => {
    const tag = fc.constantFrom('vip', 'VIP', ' vip ', 'wholesale', 'Staff', 'staff ');
    fc.assert(
      fc.property(fc.array(tag, { maxLength: 6 }), fc.array(tag, { maxLength: 4 }), (ruleTags, customerTags) => {
        const config = aConfig({ customerStatus: { rules: ruleTags.map((t, i) => ({ tag: t, status: `S${i}` })) } });
        const wanted = new Set(customerTags.map((t) => t.trim().toLowerCase()));
        expect(compileRules(config).statusForTags(customerTags)?.index).toBe(indexOf(config.customerStatus.rules, (r) => wanted.has(r.tag.trim().toLowerCase())));
      }),
    );
  });
});

function indexOf<T>(list: readonly T[], test: (item: T) => boolean): number | undefined {
  const index = list.findIndex(test);
  return index === -1 ? undefined : index;
}
