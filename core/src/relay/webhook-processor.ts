import type { Logger } from 'pino';
import { parseJson } from '../json/parse-json.ts';
import type { PlatformAdapter } from '../platform/platform-adapter.ts';
import { describePayloadError } from '../platform/platform-adapter.ts';
import type { ShopDirectory } from '../shops/shop-directory.ts';
import type { Store, WebhookRow } from '../store/store.ts';
import type { OrderEvent } from '../ledger/order-lifecycle.ts';

export interface WebhookProcessorOptions {
  readonly store: Store;
  readonly shops: ShopDirectory;
  readonly adapters: ReadonlyMap<string, PlatformAdapter>;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly batchSize?: number;
  readonly leaseMs?: number;
  /** Tries before a webhook that keeps failing (a platform API down for days) is given up. */
  readonly maxAttempts?: number;
  readonly onProcessed?: (outcome: 'planned' | 'no_change' | 'ignored' | 'failed' | 'retry', webhook: WebhookRow) => void;
}

/**
 * Turns stored webhooks into ledger changes: interpret (plugin), fetch the order if the platform
 * sent only its id, then plan and save in one transaction (store.applyOrderEvent).
 */
export function createWebhookProcessor(options: WebhookProcessorOptions): () => Promise<number> {
  const { store, shops, adapters, logger } = options;
  const now = options.now ?? Date.now;
  const batchSize = options.batchSize ?? 100;
  const leaseMs = options.leaseMs ?? 30_000;
  const maxAttempts = options.maxAttempts ?? 20;
  const report = options.onProcessed ?? (() => undefined);

  async function process(webhook: WebhookRow): Promise<void> {
    const log = logger.child({ webhookId: webhook.id, shopId: webhook.shopId, topic: webhook.topic, deliveryId: webhook.deliveryId });
    const finish = async (status: 'done' | 'failed', outcome: string, reported: 'ignored' | 'failed') => {
      await store.finishWebhook(webhook.id, status, outcome, now());
      report(reported, webhook);
      if (status === 'failed') log.warn({ outcome }, 'webhook not processed');
      else log.debug({ outcome }, 'webhook ignored');
    };

    const shop = await shops.get(webhook.shopId);
    const adapter = shop ? adapters.get(shop.platform) : undefined;
    if (!shop || !adapter) return finish('failed', `no adapter for shop ${webhook.shopId}`, 'failed');
    if (!shop.active) return finish('done', 'shop inactive (uninstalled)', 'ignored');

    const payload = parseJson(webhook.body);
    if (!payload.ok) return finish('failed', `invalid JSON: ${payload.error}`, 'failed');
    const interpreted = adapter.webhooks.interpret(webhook.topic, payload.value);
    if (!interpreted.ok) return finish('failed', `invalid payload: ${describePayloadError(interpreted.error)}`, 'failed');
    const meaning = interpreted.value;
    if (meaning.kind === 'ignored') return finish('done', meaning.reason, 'ignored');

    let event: OrderEvent;
    let platformOrderId: string;
    if (meaning.kind === 'order_reference') {
      const fetched = adapter.webhooks.fetchOrder
        ? await adapter.webhooks.fetchOrder({ shopKey: shop.shopKey, accessToken: shop.accessToken }, meaning.platformOrderId)
        : { ok: false as const, error: `${shop.platform} cannot fetch orders` };
      if (!fetched.ok) {
        if (webhook.attempts >= maxAttempts) return finish('failed', `order fetch failed ${webhook.attempts} times: ${fetched.error}`, 'failed');
        const retryAt = now() + Math.min(3_600_000, 5_000 * 2 ** webhook.attempts);
        await store.retryWebhook(webhook.id, `order fetch failed: ${fetched.error}`, retryAt);
        report('retry', webhook);
        log.warn({ error: fetched.error, retryAt }, 'order fetch failed; will retry');
        return;
      }
      event = { kind: 'order', order: fetched.value };
      platformOrderId = meaning.platformOrderId;
    } else if (meaning.kind === 'order') {
      event = meaning;
      platformOrderId = meaning.order.id;
    } else {
      event = meaning;
      platformOrderId = meaning.platformOrderId;
    }

    try {
      const plan = await store.applyOrderEvent({ webhookId: webhook.id, shopId: shop.id, platformOrderId, event, config: shop.config, now: now() });
      report(plan.deliveries.length > 0 ? 'planned' : 'no_change', webhook);
      log.info({ orderId: platformOrderId, planned: plan.deliveries.map((d) => d.kind) }, 'webhook processed');
    } catch (error) {
      if (isUniqueViolation(error)) {
        return finish('failed', `another order of this shop already converted under the same OrderId (order ${platformOrderId})`, 'failed');
      }
      throw error;
    }
  }

  return async () => {
    const webhooks = await store.claimWebhooks(batchSize, leaseMs, now());
    for (const webhook of webhooks) {
      try {
        await process(webhook);
      } catch (error) {
        // An unexpected failure (database gone): the lease runs out and the webhook is tried again.
        logger.error({ err: error, webhookId: webhook.id }, 'webhook processing failed');
      }
    }
    return webhooks.length;
  };
}

/** SQLite and Postgres both say "unique" in a unique-constraint failure. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === '23505' || /UNIQUE constraint failed/.test(String((error as Error).message));
}
