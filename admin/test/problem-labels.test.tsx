import { parseTrackingConfig } from '@cartrelay/core/admin-contract';
import { describe, expect, it } from 'vitest';
import { describeProblem, problemLabel } from '../src/problem-labels.ts';
import { parsePromoCsv } from '../src/promo-rules.ts';
import { savedConfig } from './fake-platform.ts';

describe('problem labels', () => {
  it('names a field as the page labels it', () => {
    expect(problemLabel('promoCodes[1].code')).toBe('Code, mapping 2');
    expect(problemLabel('promoCodes[0].partnerId')).toBe('Partner id, mapping 1');
    expect(problemLabel('skus[0].category')).toBe('Category, SKU rule 1');
    expect(problemLabel('customerStatus.rules[2].status')).toBe('Status sent, tag rule 3');
    expect(problemLabel('program.campaignId')).toBe('Program id');
    expect(problemLabel('campaignId')).toBe('Program id');
    expect(problemLabel('accountSid')).toBe('Account SID');
    expect(problemLabel('promoCodes[3]')).toBe('Mapping 4');
  });

  it('falls back to the raw path for a field it does not know', () => {
    expect(problemLabel('clickIdParam')).toBe('clickIdParam');
    expect(problemLabel('promoCodes[0].surprise')).toBe('promoCodes[0].surprise');
  });

  it('reads "<label>: <message>" with the schema’s own messages', () => {
    const parsed = parseTrackingConfig({
      ...savedConfig(),
      program: { campaignId: 'x', actionTrackerId: '1' },
      promoCodes: [
        { match: 'exact', code: 'JANE20', partnerId: '1' },
        { match: 'exact', code: 'jane20' },
      ],
    });
    expect(parsed.ok).toBe(false);
    const lines = parsed.ok ? [] : parsed.error.map(describeProblem);
    expect(lines).toContain('Program id: must be a number of 1 to 10 digits');
    expect(lines).toContain('Partner id, mapping 2: give a partner id or an action tracker id, or mark the code excluded');
    expect(lines).toContain('Code, mapping 2: jane20 is already mapped in row 1 (exact codes ignore case)');
    expect(describeProblem({ path: '(root)', message: 'must be an object' })).toBe('must be an object');
  });

  it('words CSV import problems by line and column, with the file’s line numbers', () => {
    const csv = 'match,code,partnerId,actionTrackerId,exclude\nexact,JANE20,111,,\nexact,BOB10,,,\nexact,jane20,222,,\n';
    const result = parsePromoCsv(csv, savedConfig());
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors).toEqual([
      'Line 3, column partnerId: give a partner id or an action tracker id, or mark the code excluded',
      'Line 4, column code: jane20 is already mapped on line 2 (exact codes ignore case)',
    ]);
  });
});
