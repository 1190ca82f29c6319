/**
 * npx node bench/config-bench.ts: what a merchant's configuration costs the relay's one thread, printed
 * (not a test; nothing asserts). Saving (validation), reading a stored configuration back, and
 * mapping an order, with configurations at CartRelay's limits and the review's hostile one:
 *   1. the review's 5,000 heavy regex rules (339 KB): refused, and how fast;
 *   2. a configuration at the limits: saved (validated), read back, first and later orders mapped;
 *   3. the worst order for a configuration at the limits: 100 lines and 10 codes of 255 characters
 *      that no rule matches, against 100 regexes per list of 5,000 RE2 instructions together.
 */
import { CONFIG_LIMITS, type Order, mapOrder, parseTrackingConfig, readStoredTrackingConfig } from '@cartrelay/core';

const run = Date.now().toString(36);
const program = { campaignId: '12345', actionTrackerId: '67890' };
const now = new Date();

function time<T>(label: string, work: () => T, repeat = 1): T {
  let result: T | undefined;
  const started = performance.now();
  for (let i = 0; i < repeat; i++) result = work();
  const ms = (performance.now() - started) / repeat;
  console.log(`${label.padEnd(72)} ${ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(1)} ms`}`);
  return result as T;
}

function order(codes: readonly string[], skus: readonly string[]): Order {
  return {
    id: '1',
    number: '1001',
    createdAt: '2026-03-01T10:00:00Z',
    updatedAt: null,
    currency: 'USD',
    paymentState: 'paid',
    platformStatus: 'financial_status=paid',
    test: false,
    lineItems: skus.map((sku, i) => ({ id: String(i + 1), sku, variantId: null, productId: null, name: 'Item', quantity: 1, subtotal: 1000, discount: 0, giftCard: false, partOf: null })),
    refunds: [],
    discountCodes: [...codes],
    landingUrl: null,
    attributes: [],
    capturedClickId: null,
    customer: { id: '7', email: null, tags: ['vip', 'tag99'], returning: null },
    client: { ip: null, userAgent: null },
  } as unknown as Order;
}

console.log(`limits: ${JSON.stringify(CONFIG_LIMITS)}\n`);

// 1. The review's configuration.
const hostile = JSON.stringify({
  version: 1,
  program,
  promoCodes: Array.from({ length: 5_000 }, (_, i) => ({ match: 'regex', code: `^(\\w{1,30}){1,30}-${i}(a{1,100}){1,10}$`, partnerId: '555001' })),
});
const refused = time(`1. save 5,000 heavy regex rules (${(hostile.length / 1024).toFixed(0)} KB): validate`, () => parseTrackingConfig(JSON.parse(hostile)));
console.log(`   → ${refused.ok ? 'accepted' : `refused: ${refused.error.map((p) => `${p.path}: ${p.message}`).join('; ')}`}\n`);

// 2. A configuration at the limits.
const atLimits = {
  version: 1,
  program,
  customerStatus: { rules: Array.from({ length: 100 }, (_, i) => ({ tag: `tag${i}`, status: `S${i}` })) },
  promoCodes: [
    ...Array.from({ length: 4_900 }, (_, i) => ({ match: 'exact', code: `C${i}`, partnerId: '1000' })),
    ...Array.from({ length: 100 }, (_, i) => ({ match: 'regex', code: `^R${i}${run}-[0-9]{2,8}$`, partnerId: String(9_000 + i) })),
  ],
  skus: [
    ...Array.from({ length: 2_450 }, (_, i) => ({ match: 'exact', sku: `E${i}`, category: 'e' })),
    ...Array.from({ length: 2_450 }, (_, i) => ({ match: 'prefix', sku: `P${i}-`, category: 'p' })),
    ...Array.from({ length: 100 }, (_, i) => ({ match: 'regex', sku: `^X${i}${run}_[A-Z]+$`, category: 'x' })),
  ],
};
const atLimitsText = JSON.stringify(atLimits);
const saved = time(`2. save a config at the limits (${(atLimitsText.length / 1024).toFixed(0)} KB, 200 regexes): validate`, () => parseTrackingConfig(atLimits));
if (!saved.ok) throw new Error(JSON.stringify(saved.error.slice(0, 3)));
const storedText = JSON.stringify(saved.value);
const stored = time('   read it back from the store, first time (parse, fill defaults)', () => readStoredTrackingConfig(storedText));
// A read from the database is a new string each time, hashed again for the lookup: so is this one.
time('   read it back again (the same text, as a new string)', () => readStoredTrackingConfig(Buffer.from(storedText).toString()), 100);
const typical = order(['nope', `R99${run}-1234`], ['E2449', 'P2449-RED', `X99${run}_ABC`, 'nothing']);
time('   map the first order (builds the rule index)', () => mapOrder(typical, stored, { now }));
time('   map an order: 2 codes, 4 lines', () => mapOrder(typical, stored, { now }), 1_000);

// 3. The worst order for the most expensive regexes the limits let through.
// Case-insensitive Unicode classes with no literal to skip ahead to: the slowest RE2 runs per instruction found.
const costly = (prefix: string, i: number) => `(?i)[\\p{L}\\p{N}]{1,22}${prefix}${i}`;
const worstConfig = parseTrackingConfig({
  version: 1,
  program,
  promoCodes: Array.from({ length: 100 }, (_, i) => ({ match: 'regex', code: costly('Q', i), partnerId: '1' })),
  skus: Array.from({ length: 100 }, (_, i) => ({ match: 'regex', sku: costly('Z', i), category: 'z' })),
});
if (!worstConfig.ok) throw new Error(JSON.stringify(worstConfig.error.slice(0, 3)));
const long = (c: string, i: number) => `${c}${i}`.padEnd(255, c);
const worst = order(
  Array.from({ length: 10 }, (_, i) => long('a', i)),
  Array.from({ length: 100 }, (_, i) => long('b', i)),
);
time('3. the worst order at the limits: 10 codes, 100 lines of 255 characters', () => mapOrder(worst, worstConfig.value, { now }), 5);
