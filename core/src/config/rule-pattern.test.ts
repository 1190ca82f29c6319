import { describe, expect, it } from 'vitest';
import { compileRulePattern } from './rule-pattern.ts';
import { parseTrackingConfig } from './tracking-config.ts';

describe('regex rules', () => {
  it('match like RegExp.test: unanchored unless anchored', () => {
    const podcast = compileRulePattern('^PODCAST\\d+');
    expect(podcast.ok && [podcast.value.matches('PODCAST12'), podcast.value.matches('xPODCAST12'), podcast.value.matches('PODCAST')]).toEqual([true, false, false]);
  });

  it('answer a pattern that backtracks exponentially in RegExp (RE2 matches in linear time)', () => {
    const evil = compileRulePattern('^(\\w+\\s?)*$');
    // With a backtracking engine this call would not return for a very long time.
    expect(evil.ok && evil.value.matches(`${'a'.repeat(5_000)}!`)).toBe(false);
  });

  it('refuse what RE2 cannot run, and overlong patterns, with a reason a merchant can act on', () => {
    const config = (code: string) => parseTrackingConfig({ version: 1, program: { campaignId: '1', actionTrackerId: '2' }, promoCodes: [{ match: 'regex', code, partnerId: '3' }] });
    const lookahead = config('^(?=SUMMER)');
    expect(!lookahead.ok && lookahead.error).toEqual([{ path: 'promoCodes[0].code', message: expect.stringMatching(/^invalid regular expression: .*Perl syntax/) }]);
    const backreference = config('(A)\\1');
    expect(backreference.ok).toBe(false);
    const long = config('A'.repeat(201));
    expect(!long.ok && long.error[0]?.message).toBe('invalid regular expression: longer than 200 characters');
  });

  it('say how large their program is: what one run costs per character', () => {
    const sizes = ['^PODCAST\\d+$', '.{1,1000}'].map((pattern) => {
      const compiled = compileRulePattern(pattern);
      return compiled.ok && compiled.value.size;
    });
    expect(sizes).toEqual([13, 2001]);
  });
});
