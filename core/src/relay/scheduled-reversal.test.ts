import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSecretBox, generateSecretKey, parseSecretKey } from '../crypto/secret-box.ts';
import { createImpactClient } from '../delivery/impact-client.ts';
import { DEFAULT_RETRY_POLICY } from '../delivery/retry-policy.ts';
import { TEST_ACTION_REVERSAL_DELAY_MS, planTestAction } from '../ledger/test-action.ts';
import { type Shop, ShopDirectory } from '../shops/shop-directory.ts';
import { type StoreLocation, openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { aConfig } from '../testing/builders.ts';
import { type FakeImpact, startFakeImpact } from '../testing/fake-impact.ts';
import { createScratchDatabase } from '../testing/postgres-database.ts';
import { createDeliveryWorker } from './delivery-worker.ts';

/**
 * impact.com asks that a test action be reversed no sooner than an hour after it (TEST_ACTION). The
 * reversal is queued with its time; nothing a merchant or an operator does to the shop meanwhile —
 * saving the connection, installing the app again, saving the configuration, restarting — sends it
 * sooner, while what was held for the shop itself goes at once.
 */
describe.each(['SQLite', 'PostgreSQL'] as const)('a test action’s scheduled reversal (%s)', (dialect) => {
  const key = createSecretBox(parseSecretKey(generateSecretKey())!);
  const config = aConfig();
  let database: { url: string; drop(): Promise<void> } | null = null;
  let location: StoreLocation;
  let fake: FakeImpact;
  let store: Store;
  let shops: ShopDirectory;
  let shop: Shop;
  let clock: number;
  let reversalAt: number;
  let worker: ReturnType<typeof createDeliveryWorker>;

  beforeAll(async () => {
    if (dialect === 'PostgreSQL') database = await createScratchDatabase('cartrelay_reversal');
  });
  afterAll(() => database?.drop());

  /** Opens the store, the shops and the delivery worker, as `cartrelay serve` does on start. */
  const start = async () => {
    store = await openStore(location);
    shops = new ShopDirectory(store, key, { cacheMs: 0 });
    worker = createDeliveryWorker({
      store,
      shops,
      impact: createImpactClient({ baseUrl: fake.url, timeoutMs: 1000 }),
      logger: pino({ level: 'silent' }),
      policy: { ...DEFAULT_RETRY_POLICY, submissionCheckDelayMs: 60_000 },
      now: () => clock,
      random: () => 1,
    });
  };

  beforeEach(async () => {
    fake = await startFakeImpact({ accounts: { IRtest: 'token' } });
    location = database
      ? { databaseUrl: database.url, dataDir: '', schema: `reversal_${Math.random().toString(36).slice(2, 10)}`, box: key }
      : { dataDir: mkdtempSync(join(tmpdir(), 'cartrelay-reversal-')), box: key };
    if (database) {
      const { default: pg } = await import('pg');
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${location.schema}`);
      await admin.end();
    }
    await start();
    shop = await shops.add({ platform: 'shopify', shopKey: 'test.myshopify.com', config, impact: { accountSid: 'IRtest', authToken: 'token' } });
    clock = 1_780_000_000_000;
    const plan = planTestAction(config, new Date(clock));
    reversalAt = plan.reversalAt;
    await store.enqueueDeliveries(shop.id, plan.deliveries, clock);
    expect(await worker.deliver()).toBe(1);
    expect(sent('POST')).toBe(1);
    clock += 60_000;
  });
  afterEach(async () => {
    await store.close();
    await fake.close();
  });

  const sent = (method: 'POST' | 'DELETE') => fake.requests.filter((r) => r.method === method && r.status === 200).length;

  /** Nothing goes out until the reversal's time, and then the reversal does. */
  const expectReversalOnTime = async () => {
    expect(reversalAt).toBe(1_780_000_000_000 + TEST_ACTION_REVERSAL_DELAY_MS);
    clock = reversalAt - 1;
    await worker.deliver();
    expect(sent('DELETE')).toBe(0);
    clock = reversalAt;
    await worker.deliver();
    expect(fake.requests.filter((r) => r.method === 'DELETE').map((r) => r.fields.DispositionCode)).toEqual(['TEST_ACTION']);
  };

  it('keeps its time when the connection is saved, while what waited for the connection goes at once', async () => {
    // A conversion held because the credentials were gone (the merchant disconnected for a moment).
    await store.updateShop(shop.id, { impactAuthTokenSealed: null }, clock);
    await store.enqueueDeliveries(shop.id, [{ ...planTestAction(config, new Date(clock)).deliveries[0]!, availableAt: clock }], clock);
    expect(await worker.deliver()).toBe(1);
    expect(sent('POST')).toBe(1);

    await shops.setConnection(shop.id, { accountSid: 'IRtest', authToken: 'token' }, clock);
    await worker.deliver();
    expect(sent('POST')).toBe(2);
    await expectReversalOnTime();
  });

  it('keeps its time when the app is uninstalled and installed again, while what was held for the uninstall goes at once', async () => {
    await shops.deactivate(shop.id, clock);
    await store.enqueueDeliveries(shop.id, [{ ...planTestAction(config, new Date(clock)).deliveries[0]!, availableAt: clock }], clock);
    expect(await worker.deliver()).toBe(1);
    expect(sent('POST')).toBe(1);

    await shops.install({ platform: 'shopify', shopKey: 'test.myshopify.com' }, clock);
    await worker.deliver();
    expect(sent('POST')).toBe(2);
    await expectReversalOnTime();
  });

  it('keeps its time when the configuration is saved', async () => {
    await shops.setConfig(shop.id, aConfig({ trigger: 'created' }), clock);
    await expectReversalOnTime();
  });

  it('keeps its time through a restart', async () => {
    await store.close();
    await start();
    await expectReversalOnTime();
  });
});
