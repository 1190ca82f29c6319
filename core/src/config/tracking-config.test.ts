import { describe, expect, it } from 'vitest';
import { describeProblems } from '../validation/format-issues.ts';
import { parseTrackingConfig } from './tracking-config.ts';

const minimal = { version: 1, program: { campaignId: '12345', actionTrackerId: '67890' } };

function problemsOf(input: unknown): string {
  const parsed = parseTrackingConfig(input);
  if (parsed.ok) throw new Error('expected the config to be rejected');
  return describeProblems(parsed.error);
}

describe('TrackingConfig', () => {
  it('fills the documented defaults', () => {
    const parsed = parseTrackingConfig(minimal);
    expect(parsed).toEqual({
      ok: true,
      value: {
        version: 1,
        program: { campaignId: '12345', actionTrackerId: '67890' },
        trigger: 'paid',
        clickIdParam: 'irclickid',
        attributionPrecedence: 'click',
        customerStatus: { new: 'New', returning: 'Returning', rules: [] },
        promoCodes: [],
        skus: [],
        defaultCategory: 'general',
        testOrders: 'skip',
        emailHash: 'sha1',
        sendIpAddress: false,
        sendUserAgent: false,
      },
    });
  });

  it('accepts the full example from the contract', () => {
    const full = {
      version: 1,
      program: { campaignId: '12345', actionTrackerId: '67890' },
      trigger: 'paid',
      clickIdParam: 'irclickid',
      attributionPrecedence: 'click',
      customerStatus: { new: 'New', returning: 'Returning', rules: [{ tag: 'wholesale', status: 'Wholesale' }] },
      promoCodes: [
        { match: 'exact', code: 'JANE20', partnerId: '555001' },
        { match: 'regex', code: '^PODCAST', partnerId: '555002', actionTrackerId: '67891' },
        { match: 'exact', code: 'STAFF50', exclude: true },
      ],
      skus: [
        { match: 'prefix', sku: 'GC-', exclude: true },
        { match: 'prefix', sku: 'SOCK-', category: 'socks' },
        { match: 'exact', sku: 'HAT-RED', category: 'hats' },
      ],
      defaultCategory: 'general',
      testOrders: 'skip',
      emailHash: 'sha1',
      sendIpAddress: true,
      sendUserAgent: false,
    };
    const parsed = parseTrackingConfig(full);
    expect(parsed.ok && parsed.value).toEqual(full);
  });

  it('keeps numeric ids given as JSON numbers as strings', () => {
    const parsed = parseTrackingConfig({ version: 1, program: { campaignId: 12345, actionTrackerId: 67890 } });
    expect(parsed.ok && parsed.value.program).toEqual({ campaignId: '12345', actionTrackerId: '67890' });
  });

  it.each([
    ['a missing program', { version: 1 }, /^program: /],
    ['a wrong version', { ...minimal, version: 2 }, /^version: version must be 1/],
    ['a non-numeric campaign id', { ...minimal, program: { campaignId: 'abc', actionTrackerId: '1' } }, /program\.campaignId: must be a number of 1 to 10 digits/],
    ['an unknown trigger', { ...minimal, trigger: 'shipped' }, /^trigger: /],
    ['an unknown key (a typo)', { ...minimal, promocodes: [] }, /promocodes/],
    ['an invalid regex', { ...minimal, promoCodes: [{ match: 'regex', code: '^(PODCAST', partnerId: '1' }] }, /^promoCodes\[0\]\.code: invalid regular expression/],
    ['an invalid SKU regex', { ...minimal, skus: [{ match: 'regex', sku: '[', category: 'x' }] }, /^skus\[0\]\.sku: invalid regular expression/],
    ['a rule that does nothing', { ...minimal, promoCodes: [{ match: 'exact', code: 'X' }] }, /^promoCodes\[0\]\.partnerId: give a partner id or an action tracker id, or mark the code excluded/],
    ['an excluded code that credits a partner', { ...minimal, promoCodes: [{ match: 'exact', code: 'X', partnerId: '1', exclude: true }] }, /^promoCodes\[0\]\.exclude: /],
    ['the same exact code twice, in another case', { ...minimal, promoCodes: [{ match: 'exact', code: 'JANE20', partnerId: '1' }, { match: 'exact', code: 'jane20', partnerId: '2' }] }, /^promoCodes\[1\]\.code: jane20 is already mapped in row 1/],
    ['a SKU rule with neither category nor exclude', { ...minimal, skus: [{ match: 'prefix', sku: 'A' }] }, /^skus\[0\]\.category: /],
    ['an empty code', { ...minimal, promoCodes: [{ match: 'exact', code: '  ', partnerId: '1' }] }, /^promoCodes\[0\]\.code: must not be empty/],
    ['a bad click id parameter', { ...minimal, clickIdParam: 'a b' }, /^clickIdParam: /],
    ['an unknown email hash', { ...minimal, emailHash: 'md5' }, /^emailHash: /],
    ['an IP address switch that is not a boolean', { ...minimal, sendIpAddress: 'yes' }, /^sendIpAddress: /],
  ])('rejects %s, naming the field', (_name, input, message) => {
    expect(problemsOf(input)).toMatch(message);
  });

  it('rejects what is not an object at all', () => {
    expect(problemsOf(null)).toMatch(/^\(root\): /);
    expect(problemsOf([])).toMatch(/^\(root\): /);
  });
});
