import type { Logger } from 'pino';
import { parseJson } from '../json/parse-json.ts';
import type { OrderEvent } from '../ledger/order-lifecycle.ts';
import type { Order } from '../order/order.ts';
import type { PlatformAdapter } from '../platform/platform-adapter.ts';
import { describePayloadError } from '../platform/platform-adapter.ts';
import type { ShopDirectory } from '../shops/shop-directory.ts';
import type { ApplyOrderEvent, Store, WebhookRow } from '../store/store.ts';
import { enrichOrder } from './order-enrichment.ts';

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
  /** How long after an order was placed its conversion may wait for a click id from a beacon or journey (ms). */
  readonly clickWaitMs?: number;
  /** How long a webhook may wait for its shop to be installed again or configured before it is dropped (ms). */
  readonly maxWaitMs?: number;
}

type ProcessedOutcome = 'planned' | 'no_change' | 'ignored' | 'failed' | 'retry';

/** What one webhook comes to before anything is written. */
type Decision =
  | { readonly kind: 'event'; readonly input: ApplyOrderEvent }
  | { readonly kind: 'finish'; readonly status: 'done' | 'failed'; readonly outcome: string }
  /** A change to the shop itself (uninstall, privacy requests), made once the batch's order events are saved. */
  | { readonly kind: 'shop_change'; readonly run: () => Promise<string> }
  /** `uncounted`: a wait, not a failure (the shop is not configured yet, a click id may still come). */
  | { readonly kind: 'retry'; readonly outcome: string; readonly availableAt: number; readonly uncounted?: boolean };

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
  const clickWaitMs = options.clickWaitMs ?? 0;
  const maxWaitMs = options.maxWaitMs ?? 30 * 86_400_000;

  async function decide(webhook: WebhookRow): Promise<Decision> {
    const shop = await shops.get(webhook.shopId);
    const adapter = shop ? adapters.get(shop.platform) : undefined;
    if (!shop || !adapter) return { kind: 'finish', status: 'failed', outcome: `no adapter for shop ${webhook.shopId}` };

    const payload = parseJson(webhook.body);
    if (!payload.ok) return { kind: 'finish', status: 'failed', outcome: `invalid JSON: ${payload.error}` };
    const interpreted = adapter.webhooks.interpret(webhook.topic, payload.value);
    if (!interpreted.ok) return { kind: 'finish', status: 'failed', outcome: `invalid payload: ${describePayloadError(interpreted.error)}` };
    const meaning = interpreted.value;
    if (meaning.kind === 'ignored') return { kind: 'finish', status: 'done', outcome: meaning.reason };

    // The shop's lifecycle and privacy requests apply whatever state the shop is in: shop/redact comes
    // two days after the uninstall.
    const occurredAt = adapter.webhooks.occurredAt?.(webhook.headers) ?? webhook.receivedAt;
    switch (meaning.kind) {
      case 'shop_uninstalled':
        return {
          kind: 'shop_change',
          run: async () => {
            // Read fresh, not from the cache: another process may have installed the shop again since.
            const current = await store.getShop(shop.id);
            // A late or retried notice of an uninstall the merchant has since undone by installing again.
            if (!current || occurredAt < current.installedAt) return 'uninstall from before the latest install: ignored';
            await shops.deactivate(shop.id, now());
            return 'shop deactivated (uninstalled); its ledger is kept';
          },
        };
      case 'shop_redact':
        return {
          kind: 'shop_change',
          run: async () => {
            const current = await store.getShop(shop.id);
            // Sent two days after an uninstall; a shop installed again since is a live merchant's data.
            if (current?.active) return 'shop/redact for a shop installed again: kept';
            await shops.remove(shop.id);
            return 'shop data deleted';
          },
        };
      case 'customer_data_request':
        return {
          kind: 'shop_change',
          run: async () => {
            const exported = await store.exportCustomerData(shop.id, meaning.customer, meaning.requestId, now());
            return `customer data exported for the merchant: ${exported.orders.length} order(s)`;
          },
        };
      case 'customer_redact':
        return { kind: 'shop_change', run: async () => `customer redacted from ${await store.redactCustomer(shop.id, meaning.customer, now())} order(s)` };
    }

    // An uninstalled or not yet configured shop's webhooks are kept (an uninstall notice may have been
    // wrong or undone; the merchant may still set the app up): a reinstall or a saved configuration
    // releases them. The recheck covers a change made while one was in hand, slows down once they are
    // an hour old, and gives up at the retention period, whose purge would otherwise never reach them.
    const config = shop.config;
    if (!shop.active || !config) {
      const waiting = !shop.active ? 'the shop to be installed again' : 'the shop to be configured';
      const age = now() - webhook.receivedAt;
      if (age > maxWaitMs) return { kind: 'finish', status: 'done', outcome: `dropped: waited ${Math.round(age / 86_400_000)} days for ${waiting}` };
      return { kind: 'retry', outcome: `waiting for ${waiting}`, availableAt: now() + (age > 3_600_000 ? 3_600_000 : 300_000), uncounted: true };
    }

    const event = (platformOrderId: string, orderEvent: OrderEvent): Decision => ({
      kind: 'event',
      input: { webhookId: webhook.id, shopId: shop.id, platformOrderId, event: orderEvent, config, now: now() },
    });
    const orderEvent = async (order: Order): Promise<Decision> => {
      const enrichment = await enrichOrder(order, { store, receiver: adapter.webhooks, shop: { ...shop, config }, now: now(), clickWaitMs });
      if (enrichment.kind === 'wait') return { kind: 'retry', outcome: enrichment.reason, availableAt: enrichment.until, uncounted: true };
      return event(order.id, { kind: 'order', order: enrichment.order });
    };
    if (meaning.kind === 'order') return orderEvent(meaning.order);
    if (meaning.kind === 'refund') return event(meaning.platformOrderId, meaning);
    if (meaning.kind === 'order_deleted') return event(meaning.platformOrderId, { kind: 'deleted', platformOrderId: meaning.platformOrderId });

    const fetched = adapter.webhooks.fetchOrder
      ? await adapter.webhooks.fetchOrder({ shopKey: shop.shopKey, accessToken: shop.accessToken }, meaning.platformOrderId)
      : { ok: false as const, error: `${shop.platform} cannot fetch orders` };
    if (fetched.ok) return orderEvent(fetched.value);
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
      } else if (decision.kind === 'shop_change') {
        try {
          const outcome = await decision.run();
          finished.push({ id: webhook.id, status: 'done', outcome });
          report('ignored');
          logger.info({ shopId: webhook.shopId, webhookId: webhook.id, topic: webhook.topic, outcome }, 'shop changed');
        } catch (error) {
          if (webhook.attempts >= maxAttempts) {
            finished.push({ id: webhook.id, status: 'failed', outcome: `failed ${webhook.attempts} times: ${String(error)}` });
            report('failed');
            logger.error({ shopId: webhook.shopId, webhookId: webhook.id, err: error }, 'shop change failed; given up');
          } else {
            await store.retryWebhook(webhook.id, `not applied: ${String(error)}`, now() + Math.min(3_600_000, 5_000 * 2 ** webhook.attempts));
            report('retry');
            logger.error({ shopId: webhook.shopId, webhookId: webhook.id, err: error }, 'shop change failed; will retry');
          }
        }
      } else if (decision.kind === 'retry') {
        await store.retryWebhook(webhook.id, decision.outcome, decision.availableAt, { uncounted: decision.uncounted ?? false });
        report('retry');
        // A wait (no configuration yet, a click id to come) is expected; a failed fetch is worth a warning.
        logger[decision.uncounted ? 'debug' : 'warn']({ shopId: webhook.shopId, webhookId: webhook.id, outcome: decision.outcome, retryAt: decision.availableAt }, 'will retry');
      }
    }
    await store.finishWebhooks(finished, now());
    return webhooks.length;
  };
}
