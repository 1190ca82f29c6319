import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedPlugins, startStoreRelay } from '../apps/start-store-relay.ts';
import type { AnyStorePlugin } from '../apps/store-plugin.ts';
import { createImpactClient } from '../delivery/impact-client.ts';
import type { Relay } from '../relay/relay.ts';
import { ShopDirectory } from '../shops/shop-directory.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import type { PlatformCredentials } from '../webhooks/webhook-receiver.ts';
import { aConfig, aSecretBox } from './builders.ts';

/** A webhook request as the platform sends it: headers (lower-case names) and the exact body. */
export interface WebhookRequest {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface WebhookContractOptions {
  readonly plugin: AnyStorePlugin;
  /** The plugin's settings (its app secret, when the platform signs with one). */
  readonly env: Readonly<Record<string, string>>;
  /** The shop the samples are for, as the platform names it, with its credentials (the secret it signs with, when it signs per shop). */
  readonly shop: { readonly shopKey: string; readonly credentials?: PlatformCredentials };
  /** A delivery of an order topic, signed as the platform signs it (documented sample). */
  readonly signed: () => WebhookRequest;
  /** The header that carries the signature. */
  readonly signatureHeader: string;
  /** A signed delivery of a topic the platform sends but that carries no order (acknowledged, then ignored). */
  readonly unknownTopic: () => WebhookRequest;
}

/**
 * The webhook path every plugin's relay side must keep, through the relay's real HTTP route: a signed
 * sample is accepted (200, stored), the same with one byte of its body changed gets 401, without its
 * signature header 401, and a topic that carries no order is acknowledged (200) and then ignored.
 */
export function describeWebhookContract(options: WebhookContractOptions): void {
  describe(`${options.plugin.platform} webhook contract`, () => {
    let store: Store;
    let relay: Relay & { readonly plugins: StartedPlugins };

    beforeAll(async () => {
      const box = aSecretBox();
      store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), `cartrelay-${options.plugin.platform}-webhooks-`)), box });
      const shops = new ShopDirectory(store, box, { cacheMs: 0 });
      await shops.add({
        platform: options.plugin.platform,
        shopKey: options.shop.shopKey,
        config: aConfig(),
        impact: { accountSid: 'IRcontract', authToken: 'token' },
        credentials: options.shop.credentials ?? null,
      });
      relay = await startStoreRelay({
        plugins: [options.plugin],
        env: options.env,
        // Only the webhook path is tested: nothing is delivered, and no platform is asked.
        context: { store, shops, box, impact: createImpactClient({ baseUrl: 'http://127.0.0.1:9' }), logger: pino({ level: 'silent' }), now: Date.now },
        port: 0,
        host: '127.0.0.1',
        workers: false,
      });
    });
    afterAll(async () => {
      await relay.close();
      await store.close();
    });

    const post = async (request: WebhookRequest) => {
      const answer = await fetch(`${relay.url}/webhooks/${options.plugin.platform}`, { method: 'POST', headers: request.headers, body: request.body });
      return { status: answer.status, body: (await answer.json()) as { ok?: boolean; outcome?: string; error?: string } };
    };
    const pending = async () => (await store.queueDepth()).webhooks;

    it('accepts a signed delivery and stores it', async () => {
      const before = await pending();
      expect(await post(options.signed())).toEqual({ status: 200, body: { ok: true, outcome: 'stored' } });
      expect(await pending()).toBe(before + 1);
    });

    it('refuses the same delivery with one byte of its body changed: 401, nothing stored', async () => {
      const signed = options.signed();
      // A digit changed, so the body stays well-formed JSON: only its signature can tell.
      const at = signed.body.search(/\d(?=\D*$)/);
      expect(at).toBeGreaterThanOrEqual(0);
      const flipped = signed.body.slice(0, at) + (signed.body[at] === '1' ? '2' : '1') + signed.body.slice(at + 1);
      const before = await pending();
      expect((await post({ ...signed, body: flipped })).status).toBe(401);
      expect(await pending()).toBe(before);
    });

    it('refuses a delivery without its signature header: 401, nothing stored', async () => {
      const { [options.signatureHeader]: _removed, ...unsigned } = options.signed().headers;
      const before = await pending();
      expect((await post({ ...options.signed(), headers: unsigned })).status).toBe(401);
      expect(await pending()).toBe(before);
    });

    it('acknowledges a topic that carries no order, and ignores it', async () => {
      const request = options.unknownTopic();
      expect((await post(request)).status).toBe(200);
      const [webhook] = await store.claimWebhooks(100, 1_000, Date.now()).then((rows) => rows.filter((row) => row.body === request.body));
      expect(webhook).toBeDefined();
      const adapter = relay.plugins.adapters.get(options.plugin.platform)!;
      const meaning = adapter.webhooks.interpret(webhook!.topic, JSON.parse(webhook!.body));
      expect(meaning).toMatchObject({ ok: true, value: { kind: 'ignored' } });
    });
  });
}
