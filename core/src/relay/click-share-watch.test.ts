import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLICK_SHARE_MIN_BASELINE_ORDERS } from '../admin/home.ts';
import { type Shop, ShopDirectory } from '../shops/shop-directory.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { aConfig, aSecretBox, anOrder } from '../testing/builders.ts';
import { createClickShareWatch } from './click-share-watch.ts';
import { createRelayMetrics } from './metrics.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 20, 12);
const CONFIG = aConfig({ promoCodes: [{ match: 'exact', code: 'JANE20', partnerId: '555001' }] });

describe('click-id share watch', () => {
  let store: Store;
  let shops: ShopDirectory;
  let clock: number;
  let warnings: Array<Record<string, unknown>>;
  let count = 0;

  beforeEach(async () => {
    const box = aSecretBox();
    store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'cartrelay-share-')), box });
    shops = new ShopDirectory(store, box, { cacheMs: 0 });
    clock = NOW;
    warnings = [];
  });
  afterEach(async () => {
    await store.close();
  });

  const addShop = (shopKey: string) => shops.add({ platform: 'test', shopKey, config: CONFIG, impact: { accountSid: 'IRmerchant01', authToken: 'secret-token' } }, NOW - 40 * DAY);
  async function order(shop: Shop, at: number, clickId: boolean) {
    const id = `P${++count}`;
    const placed = anOrder({ id, number: id, createdAt: new Date(at).toISOString(), landingUrl: clickId ? `/?irclickid=C${id}` : null, discountCodes: clickId ? [] : ['JANE20'] });
    const [result] = await store.applyOrderEvents([{ webhookId: null, shopId: shop.id, platformOrderId: id, event: { kind: 'order', order: placed }, config: CONFIG, now: at }]);
    expect(result?.ok).toBe(true);
  }
  /** 20 orders with click ids in the two weeks before the last 3 days; then 6 in the last hours, `recentClicks` of them with one. */
  async function seed(shop: Shop, recentClicks: number) {
    for (let n = 0; n < CLICK_SHARE_MIN_BASELINE_ORDERS; n++) await order(shop, NOW - (4 + (n % 13)) * DAY, true);
    for (let n = 0; n < 6; n++) await order(shop, NOW - (n + 1) * 3_600_000, n < recentClicks);
  }
  const watch = () =>
    createClickShareWatch({
      store,
      shops,
      now: () => clock,
      logger: pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line) as Record<string, unknown>) }),
    });

  it('warns once per shop per day, at start and again the next day, and exposes each shop on /metrics', async () => {
    const dropping = await addShop('dropping.example');
    const steady = await addShop('steady.example');
    await shops.install({ platform: 'test', shopKey: 'unconfigured.example' }, NOW);
    await seed(dropping, 1);
    await seed(steady, 6);
    const job = watch();
    const metrics = createRelayMetrics(store, { clickShareReadings: job.readings });

    await job.run();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, platform: 'test', shop: 'dropping.example', recentShare: 0.167, usualShare: 1, recentOrders: 6, usualOrders: 20 });
    expect(Object.keys(warnings[0]!).sort()).toEqual(['hostname', 'level', 'msg', 'pid', 'platform', 'recentOrders', 'recentShare', 'shop', 'time', 'usualOrders', 'usualShare']);
    const exposed = await metrics.registry.getSingleMetricAsString('cartrelay_click_id_share_drop');
    expect(exposed).toContain('cartrelay_click_id_share_drop{platform="test",shop="dropping.example"} 1');
    expect(exposed).toContain('cartrelay_click_id_share_drop{platform="test",shop="steady.example"} 0');
    expect(exposed).not.toContain('unconfigured.example');

    // Later the same day: no new evaluation; a forced one (another process, a restart) does not warn again.
    clock = NOW + 3_600_000;
    await job.run();
    await job.evaluate();
    await watch().run();
    expect(warnings).toHaveLength(1);

    // The next UTC day: evaluated again, and warned again while the drop lasts.
    clock = NOW + DAY;
    await job.run();
    expect(warnings.map((w) => w.shop)).toEqual(['dropping.example', 'dropping.example']);
  });

  it('stays quiet when no shop’s share dropped', async () => {
    await seed(await addShop('steady.example'), 3);
    await watch().run();
    expect(warnings).toEqual([]);
  });
});
