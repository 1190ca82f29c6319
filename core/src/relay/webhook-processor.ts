import type { Logger } from 'pino';
import { parseJson } from '../json/parse-json.ts';
import type { OrderEvent } from '../ledger/order-lifecycle.ts';
import type { PlatformAdapter } from '../platform/platform-adapter.ts';
import { describePayloadError } from '../platform/platform-adapter.ts';
import type { ShopDirectory } from '../shops/shop-directory.ts';
import type { ApplyOrderEvent, Store, WebhookRow } from '../store/store.ts';

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
  readonly onProcessed?: (outcome: ProcessedOutcome) => void;
}

type ProcessedOutcome = 'planned' | 'no_change' | 'ignored' | 'failed' | 'retry';

/** What one webhook comes to before anything is written. */
type Decision =
  | { readonly kind: 'event'; readonly input: ApplyOrderEvent }
  | { readonly kind: 'finish'; readonly status: 'done' | 'failed'; readonly outcome: string }
  | { readonly kind: 'retry'; readonly outcome: string; readonly availableAt: number };

/**
 * Turns stored webhooks into ledger changes, a batch at a time: interpret each (plugin), fetch the
 * order if the platform sent only its id, then plan and save the whole batch in one transaction.
 */
export function createWebhookProcessor(options: WebhookProcessorOptions): () => Promise<number> {
  const { store, shops, adapters, logger } = options;
  const now = options.now ?? Date.now;
  const batchSize = options.batchSize ?? 100;
  const leaseMs = options.leaseMs ?? 30_000;
  const maxAttempts = options.maxAttempts ?? 20;
  const report = options.onProcessed ?? (() => undefined);

  async function decide(webhook: WebhookRow): Promise<Decision> {
    const shop = await shops.get(webhook.shopId);
    const adapter = shop ? adapters.get(shop.platform) : undefined;
    if (!shop || !adapter) return { kind: 'finish', status: 'failed', outcome: `no adapter for shop ${webhook.shopId}` };
    if (!shop.active) return { kind: 'finish', status: 'done', outcome: 'shop inactive (uninstalled)' };

    const payload = parseJson(webhook.body);
    if (!payload.ok) return { kind: 'finish', status: 'failed', outcome: `invalid JSON: ${payload.error}` };
    const interpreted = adapter.webhooks.interpret(webhook.topic, payload.value);
    if (!interpreted.ok) return { kind: 'finish', status: 'failed', outcome: `invalid payload: ${describePayloadError(interpreted.error)}` };
    const meaning = interpreted.value;
    if (meaning.kind === 'ignored') return { kind: 'finish', status: 'done', outcome: meaning.reason };

    const event = (platformOrderId: string, orderEvent: OrderEvent): Decision => ({
      kind: 'event',
      input: { webhookId: webhook.id, shopId: shop.id, platformOrderId, event: orderEvent, config: shop.config, now: now() },
    });
    if (meaning.kind === 'order') return event(meaning.order.id, meaning);
    if (meaning.kind === 'refund') return event(meaning.platformOrderId, meaning);
    if (meaning.kind === 'order_deleted') return event(meaning.platformOrderId, { kind: 'deleted', platformOrderId: meaning.platformOrderId });

    const fetched = adapter.webhooks.fetchOrder
      ? await adapter.webhooks.fetchOrder({ shopKey: shop.shopKey, accessToken: shop.accessToken }, meaning.platformOrderId)
      : { ok: false as const, error: `${shop.platform} cannot fetch orders` };
    if (fetched.ok) return event(meaning.platformOrderId, { kind: 'order', order: fetched.value });
    if (webhook.attempts >= maxAttempts) return { kind: 'finish', status: 'failed', outcome: `order fetch failed ${webhook.attempts} times: ${fetched.error}` };
    return { kind: 'retry', outcome: `order fetch failed: ${fetched.error}`, availableAt: now() + Math.min(3_600_000, 5_000 * 2 ** webhook.attempts) };
  }

  return async () => {
    const webhooks = await store.claimWebhooks(batchSize, leaseMs, now());
    if (webhooks.length === 0) return 0;
    const decisions = await Promise.all(webhooks.map(decide));

    const events = decisions.flatMap((d, i) => (d.kind === 'event' ? [{ webhook: webhooks[i]!, input: d.input }] : []));
    const results = await store.applyOrderEvents(events.map((e) => e.input));
    const finished: Array<{ id: number; status: 'done' | 'failed'; outcome: string }> = [];
    for (const [i, result] of results.entries()) {
      const { webhook, input } = events[i]!;
      const context = { shopId: webhook.shopId, webhookId: webhook.id, topic: webhook.topic, orderId: input.platformOrderId };
      if (result.ok) {
        report(result.plan.deliveries.length > 0 ? 'planned' : 'no_change');
        if (logger.isLevelEnabled('debug')) logger.debug({ ...context, planned: result.plan.deliveries.map((d) => d.kind) }, 'webhook processed');
      } else if (result.reason === 'order_id_taken' || webhook.attempts >= maxAttempts) {
        finished.push({ id: webhook.id, status: 'failed', outcome: result.message });
        report('failed');
        logger.warn({ ...context, outcome: result.message }, 'webhook not applied');
      } else {
        // Unexpected: try this one again later; the rest of the batch went through.
        await store.retryWebhook(webhook.id, `not applied: ${result.message}`, now() + Math.min(3_600_000, 5_000 * 2 ** webhook.attempts));
        report('retry');
        logger.error({ ...context, error: result.message }, 'webhook not applied; will retry');
      }
    }
    for (const [i, decision] of decisions.entries()) {
      const webhook = webhooks[i]!;
      if (decision.kind === 'finish') {
        finished.push({ id: webhook.id, status: decision.status, outcome: decision.outcome });
        report(decision.status === 'failed' ? 'failed' : 'ignored');
        if (decision.status === 'failed') logger.warn({ shopId: webhook.shopId, webhookId: webhook.id, topic: webhook.topic, outcome: decision.outcome }, 'webhook not processed');
      } else if (decision.kind === 'retry') {
        await store.retryWebhook(webhook.id, decision.outcome, decision.availableAt);
        report('retry');
        logger.warn({ shopId: webhook.shopId, webhookId: webhook.id, outcome: decision.outcome, retryAt: decision.availableAt }, 'will retry');
      }
    }
    await store.finishWebhooks(finished, now());
    return webhooks.length;
  };
}
