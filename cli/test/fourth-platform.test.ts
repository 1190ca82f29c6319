import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShopDirectory, createImpactClient, createSecretBox, generateSecretKey, openStore, parseSecretKey, parseTrackingConfig, startStoreRelay } from '@cartrelay/core';
import { type FakeImpact, startFakeImpact } from '@cartrelay/core/fake-impact';
import { describeWebhookContract } from '@cartrelay/core/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLUGINS } from '../src/platforms.ts';
import { acmePlugin, acmeWebhookRequest } from './fourth-platform/acme-plugin.ts';

/**
 * A fourth platform, added by this test alone: the Acme plugin (test/fourth-platform/acme-plugin.ts)
 * registered beside the three in a relay started as `serve` starts one, with no line of core/ or cli/
 * written for it. An install through its own route, a signed order webhook, a conversion at impact.com.
 */
const SECRET = 'acme-app-secret';
const order = JSON.stringify({
  id: 'A-1001',
  number: '1001',
  currency: 'USD',
  placed_at: '2026-11-20T10:00:00Z',
  landing_url: '/mugs?irclickid=AcmeClick42',
  lines: [{ id: 'L1', sku: 'MUG-RED', name: 'Red mug', quantity: 2, price: '9.50' }],
});

describe('a fourth platform, as a plugin', () => {
  let impact: FakeImpact;
  let relay: Awaited<ReturnType<typeof startStoreRelay>>;
  let shops: ShopDirectory;
  let close: () => Promise<void>;

  beforeAll(async () => {
    impact = await startFakeImpact({ accounts: { IRacme: 'acme-token' } });
    const box = createSecretBox(parseSecretKey(generateSecretKey())!);
    const store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'cartrelay-acme-')), box });
    shops = new ShopDirectory(store, box, { cacheMs: 0 });
    relay = await startStoreRelay({
      plugins: [...PLUGINS, acmePlugin],
      env: { ACME_APP_SECRET: SECRET },
      context: { store, shops, box, impact: createImpactClient({ baseUrl: impact.url }), logger: pino({ level: 'silent' }), now: Date.now },
      port: 0,
      host: '127.0.0.1',
    });
    close = async () => {
      await relay.close();
      await store.close();
      await impact.close();
    };
  });
  afterAll(() => close());

  it('installs a shop through its app, and turns its signed order webhook into a conversion at impact.com', async () => {
    const installed = await fetch(`${relay.url}/acme/install?shop=mug-shop`, { method: 'POST' });
    expect(await installed.json()).toEqual({ shop: 'mug-shop', active: true });
    const shop = (await shops.find('acme', 'mug-shop'))!;
    await shops.setConnection(shop.id, { accountSid: 'IRacme', authToken: 'acme-token' });
    const config = parseTrackingConfig({ version: 1, program: { campaignId: '4242', actionTrackerId: '77' } });
    if (!config.ok) throw new Error('the test config is invalid');
    await shops.setConfig(shop.id, config.value);

    const webhook = acmeWebhookRequest({ shop: 'mug-shop', topic: 'order.paid', delivery: 'd-1', body: order, secret: SECRET });
    const answer = await fetch(`${relay.url}/webhooks/acme`, { method: 'POST', headers: webhook.headers, body: webhook.body });
    expect(answer.status).toBe(200);
    await expect.poll(() => impact.actions.get('IRacme|77|1001')?.fields, { timeout: 10_000 }).toMatchObject({
      OrderId: '1001',
      ClickId: 'AcmeClick42',
      CurrencyCode: 'USD',
      ItemSku1: 'MUG-RED',
      ItemQuantity1: '2',
      ItemSubTotal1: '19.00',
    });
  });
});

describeWebhookContract({
  plugin: acmePlugin,
  env: { ACME_APP_SECRET: SECRET },
  shop: { shopKey: 'mug-shop' },
  signed: () => acmeWebhookRequest({ shop: 'mug-shop', topic: 'order.paid', delivery: `d-${Math.random()}`, body: order, secret: SECRET }),
  signatureHeader: 'x-acme-signature',
  unknownTopic: () => acmeWebhookRequest({ shop: 'mug-shop', topic: 'product.changed', delivery: 'p-1', body: '{"id":"P-1"}', secret: SECRET }),
});
