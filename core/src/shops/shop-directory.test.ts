import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RE2JS } from 're2js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type TrackingConfig, parseTrackingConfig } from '../config/tracking-config.ts';
import { mapOrder } from '../mapping/map-order.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { aLine, aSecretBox, anOrder } from '../testing/builders.ts';
import { ShopDirectory } from './shop-directory.ts';

/**
 * Reading a shop is cheap and one shop's change is its own: a stored configuration is not validated
 * (its regexes compiled) again on every read, the rules are compiled once per saved configuration,
 * and a change to one shop leaves every other shop's cached entry alone.
 */

const now = 1_780_000_000_000;
const when = new Date(now);
const impact = { accountSid: 'IRmerchant01', authToken: 'secret-token' };

function config(overrides: Record<string, unknown>): TrackingConfig {
  const parsed = parseTrackingConfig({ version: 1, program: { campaignId: '12345', actionTrackerId: '67890' }, ...overrides });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return parsed.value;
}

/** Distinct patterns per test, so that what one test compiled is not another's. */
const regexRules = (tag: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({ match: 'regex', code: `^${tag}${i}-[0-9]+$`, partnerId: String(1_000 + i) }));

const orderWith = (code: string) => anOrder({ landingUrl: null, discountCodes: [code], lineItems: [aLine({ sku: 'A-1' })] });
const partnerOf = (shopConfig: TrackingConfig | null, code: string) => {
  const mapping = mapOrder(orderWith(code), shopConfig!, { now: when });
  return mapping.decision === 'submit' ? mapping.request.fields.MediaPartnerId : mapping.reason;
};

describe('ShopDirectory', () => {
  let store: Store;
  let shops: ShopDirectory;
  const box = aSecretBox();
  const open = (cacheMs: number) => new ShopDirectory(store, box, { cacheMs });

  beforeEach(async () => {
    store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'cartrelay-shops-')), box });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await store.close();
  });

  it('reads a shop without compiling its rules again, and hands out the same configuration until it changes', async () => {
    shops = open(0);
    const saved = config({ promoCodes: regexRules('READ', 50) });
    const shop = await shops.add({ platform: 'test', shopKey: 'a.example', config: saved, impact }, now);
    const compilations = vi.spyOn(RE2JS, 'compile');

    const first = await shops.get(shop.id, now);
    const again = await shops.find('test', 'a.example', now);
    expect(partnerOf(first!.config, 'READ49-7')).toBe('1049');
    expect(partnerOf(again!.config, 'READ0-1')).toBe('1000');
    expect(again!.config).toBe(first!.config);
    expect((await shops.list()).find((s) => s.id === shop.id)!.config).toBe(first!.config);
    expect(compilations).not.toHaveBeenCalled();
  });

  it('compiles each pattern of a saved configuration once: validating it on the way in, and never after', async () => {
    shops = open(0);
    const shop = await shops.add({ platform: 'test', shopKey: 'a.example', config: config({}), impact }, now);
    const compilations = vi.spyOn(RE2JS, 'compile');

    const changed = config({ promoCodes: regexRules('SAVE', 40) });
    expect(compilations).toHaveBeenCalledTimes(40);
    await shops.setConfig(shop.id, changed, now);
    for (let read = 0; read < 3; read++) expect(partnerOf((await shops.get(shop.id, now))!.config, 'SAVE39-1')).toBe('1039');
    expect(compilations).toHaveBeenCalledTimes(40);
  });

  it('keeps every other shop’s cached entry when one shop changes', async () => {
    shops = open(60_000);
    const a = await shops.add({ platform: 'test', shopKey: 'a.example', config: config({}), impact }, now);
    const b = await shops.add({ platform: 'test', shopKey: 'b.example', config: config({}), impact }, now);
    await shops.get(a.id, now);
    await shops.get(b.id, now);
    await shops.find('test', 'b.example', now);
    const reads = vi.spyOn(store, 'getShop');
    const lookups = vi.spyOn(store, 'findShop');

    await shops.setConfig(a.id, config({ promoCodes: [{ match: 'exact', code: 'JANE20', partnerId: '555001' }] }), now);
    await shops.setConnection(a.id, { accountSid: 'IRmerchant02' }, now);
    await shops.confirmInstalled(a.id, now);

    expect((await shops.get(b.id, now))!.shopKey).toBe('b.example');
    expect((await shops.find('test', 'b.example', now))!.id).toBe(b.id);
    expect(reads).not.toHaveBeenCalled();
    expect(lookups).not.toHaveBeenCalled();
    // The shop that changed is read again, and shows its change.
    expect(partnerOf((await shops.get(a.id, now))!.config, 'jane20')).toBe('555001');
    expect((await shops.find('test', 'a.example', now))!.impact!.accountSid).toBe('IRmerchant02');
    expect(reads).toHaveBeenCalledTimes(1);
    expect(lookups).toHaveBeenCalledTimes(1);
  });

  it('forgets a removed shop and a shop installed after it was looked up as unknown', async () => {
    shops = open(60_000);
    const a = await shops.add({ platform: 'test', shopKey: 'a.example', config: config({}), impact }, now);
    expect(await shops.find('test', 'c.example', now)).toBeNull();
    await shops.get(a.id, now);
    await shops.find('test', 'a.example', now);

    await shops.remove(a.id);
    expect(await shops.get(a.id, now)).toBeNull();
    expect(await shops.find('test', 'a.example', now)).toBeNull();
    const installed = await shops.install({ platform: 'test', shopKey: 'c.example' }, now);
    expect((await shops.find('test', 'c.example', now))!.id).toBe(installed.id);
  });

  it('loads a configuration saved before today’s limits, and maps orders with it as saved', async () => {
    shops = open(0);
    // 6,000 codes, 150 of them regexes: over today's limits (5,000 and 100), valid when it was saved.
    const legacy = {
      ...config({}),
      promoCodes: [
        ...Array.from({ length: 5_850 }, (_, i) => ({ match: 'exact' as const, code: `OLD${i}`, partnerId: String(10_000 + i) })),
        ...Array.from({ length: 150 }, (_, i) => ({ match: 'regex' as const, code: `^LEGACY${i}-[0-9]+$`, partnerId: String(20_000 + i) })),
      ],
    };
    expect(parseTrackingConfig(legacy).ok).toBe(false);
    const row = await store.addShop(
      { platform: 'test', shopKey: 'old.example', config: legacy, impactAccountSid: null, impactAuthTokenSealed: null, credentialsSealed: null },
      now,
    );

    const shop = await shops.get(row.id, now);
    expect(shop!.config!.promoCodes).toHaveLength(6_000);
    expect(partnerOf(shop!.config, 'old5849')).toBe('15849');
    expect(partnerOf(shop!.config, 'LEGACY149-12')).toBe('20149');
  });
});
