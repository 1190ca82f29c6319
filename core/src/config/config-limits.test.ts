import { RE2JS } from 're2js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mapOrder } from '../mapping/map-order.ts';
import { aLine, anOrder } from '../testing/builders.ts';
import type { FieldProblem } from '../validation/format-issues.ts';
import { parseTrackingConfig } from './tracking-config.ts';

/**
 * A tracking configuration is bounded, so that no merchant's settings can hold the relay's one
 * thread: limits on how many rules each list holds, how many of them are regular expressions (the
 * costly kind) and how much those compile to, and how long each code, SKU, tag and pattern is.
 * The limits are written out by hand here, as the README states them.
 */

const program = { campaignId: '12345', actionTrackerId: '67890' };
const now = new Date('2026-06-01T00:00:00Z');

/** Counts RE2 compilations: what made a huge configuration expensive. */
const countCompilations = () => vi.spyOn(RE2JS, 'compile');
afterEach(() => vi.restoreAllMocks());

function problemsOf(input: unknown): FieldProblem[] {
  const parsed = parseTrackingConfig(input);
  if (parsed.ok) throw new Error('expected the configuration to be refused');
  return parsed.error;
}

/** The review's configuration: 5,000 heavy regex rules, 339 KB, under the admin API's 512 KB body limit. */
const heavyRules = Array.from({ length: 5_000 }, (_, i) => ({ match: 'regex', code: `^(\\w{1,30}){1,30}-${i}(a{1,100}){1,10}$`, partnerId: '555001' }));

describe('a configuration near the admin body limit with thousands of heavy rules', () => {
  it('is refused before a single pattern is compiled, with one message a merchant can act on', () => {
    const body = JSON.stringify({ version: 1, program, promoCodes: heavyRules });
    expect(body.length).toBeGreaterThan(300_000);
    expect(body.length).toBeLessThan(512 * 1024);
    const compilations = countCompilations();

    const problems = problemsOf(JSON.parse(body));

    expect(compilations).not.toHaveBeenCalled();
    expect(problems).toEqual([
      {
        path: 'promoCodes[100].match',
        message: 'too many regular expressions: this list has 5,000 and may have 100. Use exact codes where you can, or one pattern for a family of codes',
      },
    ]);
  });

  it('refuses a list over its rule count at the first row past the limit, compiling nothing', () => {
    const codes = Array.from({ length: 6_200 }, (_, i) => ({ match: 'exact', code: `CODE${i}`, partnerId: '555001' }));
    const skus = Array.from({ length: 5_001 }, (_, i) => ({ match: 'prefix', sku: `SKU${i}-`, category: 'c' }));
    const rules = Array.from({ length: 101 }, (_, i) => ({ tag: `tag${i}`, status: 'VIP' }));
    const compilations = countCompilations();
    expect(problemsOf({ version: 1, program, promoCodes: codes, skus, customerStatus: { rules } })).toEqual([
      { path: 'customerStatus.rules[100].tag', message: 'too many tag rules: this list has 101 and may have 100. Remove 1' },
      { path: 'promoCodes[5000].code', message: 'too many promo-code mappings: this list has 6,200 and may have 5,000. Remove 1,200, or cover a family of codes with one regular expression' },
      { path: 'skus[5000].sku', message: 'too many SKU rules: this list has 5,001 and may have 5,000. Remove 1, or cover a family of SKUs with one prefix rule' },
    ]);
    expect(compilations).not.toHaveBeenCalled();
  });

  it('stops compiling once a list’s patterns are too complex together, and says which row crossed the line', () => {
    // Each compiles to about 2,000 RE2 instructions: the third brings the list past 5,000.
    const heavy = (i: number) => ({ match: 'regex', sku: `^${i}.{1,1000}$`, category: 'c' });
    const compilations = countCompilations();
    const problems = problemsOf({ version: 1, program, skus: [heavy(1), heavy(2), heavy(3), heavy(4), heavy(5)] });
    expect(problems).toEqual([{ path: 'skus[2].sku', message: expect.stringMatching(/^too complex: this pattern compiles to 2,00\d RE2 instructions, which brings the SKU patterns to 6,0\d\d; they may have 5,000 in all\. A counted repetition such as \{1,1000\} repeats its part that many times: use \+ or \*, or a smaller count$/) }]);
    expect(compilations).toHaveBeenCalledTimes(3);
  });

  it('refuses codes, SKUs and tags longer than impact.com or the store keep', () => {
    expect(problemsOf({ version: 1, program, promoCodes: [{ match: 'exact', code: 'C'.repeat(256), partnerId: '1' }] })).toEqual([
      { path: 'promoCodes[0].code', message: 'longer than 255 characters: impact.com keeps no longer promo code' },
    ]);
    expect(problemsOf({ version: 1, program, skus: [{ match: 'prefix', sku: 'S'.repeat(256), category: 'c' }] })).toEqual([
      { path: 'skus[0].sku', message: 'longer than 255 characters: impact.com keeps no longer SKU' },
    ]);
    expect(problemsOf({ version: 1, program, customerStatus: { rules: [{ tag: 'T'.repeat(256), status: 'VIP' }] } })).toEqual([
      { path: 'customerStatus.rules[0].tag', message: 'longer than 255 characters: a customer tag is no longer' },
    ]);
    expect(problemsOf({ version: 1, program, skus: [{ match: 'regex', sku: 'S'.repeat(201), category: 'c' }] })).toEqual([
      { path: 'skus[0].sku', message: 'invalid regular expression: longer than 200 characters' },
    ]);
  });
});

describe('a configuration at the limits', () => {
  /** 5,000 promo codes (100 of them regexes), 5,000 SKU rules (100 regexes), 100 tag rules, each code as long as allowed where it matters. */
  const atLimits = () => ({
    version: 1,
    program,
    customerStatus: { rules: Array.from({ length: 100 }, (_, i) => ({ tag: `tag${i}`, status: `S${i}` })) },
    promoCodes: [
      ...Array.from({ length: 4_899 }, (_, i) => ({ match: 'exact', code: `C${i}`, partnerId: String(1_000 + i) })),
      { match: 'exact', code: 'L'.repeat(255), partnerId: '7' },
      ...Array.from({ length: 100 }, (_, i) => ({ match: 'regex', code: `^R${i}-[0-9]{2,8}$`, partnerId: String(9_000 + i) })),
    ],
    skus: [
      ...Array.from({ length: 2_450 }, (_, i) => ({ match: 'exact', sku: `E${i}`, category: `e${i}` })),
      ...Array.from({ length: 2_450 }, (_, i) => ({ match: 'prefix', sku: `P${i}-`, category: `p${i}` })),
      ...Array.from({ length: 100 }, (_, i) => ({ match: 'regex', sku: `^X${i}_[A-Z]+$`, category: `x${i}` })),
    ],
  });

  it('saves, and maps orders by its last rules of each kind, compiling each pattern once', () => {
    const input = atLimits();
    expect(JSON.stringify(input).length).toBeLessThan(512 * 1024);
    const compilations = countCompilations();
    const parsed = parseTrackingConfig(input);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error.slice(0, 3)));
    expect(compilations).toHaveBeenCalledTimes(200);

    const order = anOrder({
      landingUrl: null,
      discountCodes: ['nope', 'R99-1234'],
      lineItems: [aLine({ id: '1', sku: 'E2449' }), aLine({ id: '2', sku: 'P2449-RED' }), aLine({ id: '3', sku: 'X99_ABC' }), aLine({ id: '4', sku: 'nothing' })],
      customer: { id: '5', tags: ['other', 'TAG99'] },
    });
    const mapping = mapOrder(order, parsed.value, { now });
    if (mapping.decision !== 'submit') throw new Error(mapping.reason);
    expect(mapping.request.fields).toMatchObject({
      OrderPromoCode: 'R99-1234',
      MediaPartnerId: '9099',
      ItemCategory1: 'e2449',
      ItemCategory2: 'p2449',
      ItemCategory3: 'x99',
      ItemCategory4: 'general',
      CustomerStatus: 'S99',
    });
    const longest = mapOrder(anOrder({ landingUrl: null, discountCodes: ['l'.repeat(255)] }), parsed.value, { now });
    expect(longest.decision === 'submit' && longest.request.fields.MediaPartnerId).toBe('7');
    // Mapping reused the patterns validation compiled.
    expect(compilations).toHaveBeenCalledTimes(200);
  });
});
