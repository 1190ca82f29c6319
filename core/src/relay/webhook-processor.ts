import type { Logger } from 'pino';
import type { ClickCaptures } from '../captures/click-captures.ts';
import { parseJson } from '../json/parse-json.ts';
import { type ApplyOrderEvent, applyOrderEvents } from '../ledger/apply-order-events.ts';
import type { OrderLedger } from '../ledger/order-ledger.ts';
import type { OrderEvent } from '../ledger/order-lifecycle.ts';
import type { Order } from '../order/order.ts';
import type { PlatformAdapter } from '../platform/platform-adapter.ts';
import { describePayloadError } from '../platform/platform-adapter.ts';
import type { PersonalData } from '../privacy/personal-data.ts';
import { type Result, err } from '../result.ts';
import type { Shop, ShopDirectory } from '../shops/shop-directory.ts';
import type { ShopRecords } from '../shops/shop-records.ts';
import type { RelayQueries } from '../store/relay-queries.ts';
import type { WebhookInbox, WebhookRow } from '../webhooks/inbox.ts';
import { processingRetry, waitingRecheckAt } from '../webhooks/processing-retry.ts';
import type { PlatformAccess, PlatformBusy } from '../webhooks/webhook-receiver.ts';
import { enrichOrder } from './order-enrichment.ts';

/**
 * What processing reads and writes: the inbox it claims from, the ledger it applies order events to,
 * the click captures and ledger status that complete an order, a shop's fresh row, and customers'
 * personal data (privacy requests).
 */
export type WebhookProcessorStore = WebhookInbox &
  OrderLedger &
  ClickCaptures &
  Pick<RelayQueries, 'orderStatus'> &
  Pick<ShopRecords, 'getShop'> &
  Pick<PersonalData, 'exportCustomerData' | 'redactCustomer'>;

export interface WebhookProcessorOptions {
  readonly store: WebhookProcessorStore;
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
  /** The platform app's follow-up to an uninstall (removing what it created on the store), after the shop is deactivated. */
  readonly onUninstalled?: (shop: Shop) => Promise<void>;
  /**
   * How long one webhook's platform calls (fetching the order, asking for its customer journey) may
   * take before the batch goes on without it (ms): a slow shop's API never holds other shops' orders.
   */
  readonly platformBudgetMs?: number;
  /**
   * How long a batch waits for its decisions before it is saved with those made (ms; default 1 s): the
   * others, still waiting on their platform, are saved alone as they come, and hold no other shop's.
   */
  readonly batchWindowMs?: number;
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
 * order if the platform sent only its id, then plan and save the whole batch in one transaction. Each
 * webhook is decided on its own: one that throws, or whose platform is slow, fails or waits alone.
 */
export function createWebhookProcessor(options: WebhookProcessorOptions): (() => Promise<number>) & { drain(): Promise<void> } {
  const { store, shops, adapters, logger } = options;
  const now = options.now ?? Date.now;
  const batchSize = options.batchSize ?? 100;
  const leaseMs = options.leaseMs ?? 30_000;
  const maxAttempts = options.maxAttempts ?? 20;
  const report = options.onProcessed ?? (() => undefined);
  const clickWaitMs = options.clickWaitMs ?? 0;
  const maxWaitMs = options.maxWaitMs ?? 30 * 86_400_000;
  const platformBudgetMs = options.platformBudgetMs ?? 5_000;
  /** How long a batch waits for its slowest decisions before it is saved without them. */
  const batchWindowMs = Math.min(platformBudgetMs, options.batchWindowMs ?? 1_000);
  /** A platform call that may not take longer than the budget: after it, an error (the call is left to finish unheard). */
  const withinBudget = <T, E>(call: Promise<Result<T, E | string>>): Promise<Result<T, E | string>> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<Result<T, E | string>>((resolve) => {
      timer = setTimeout(() => resolve(err(`no answer within ${platformBudgetMs} ms`)), platformBudgetMs);
    });
    return Promise.race([call, late]).finally(() => clearTimeout(timer));
  };

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
            await options.onUninstalled?.(shop);
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
      case 'access_scopes_changed':
        return {
          kind: 'shop_change',
          run: async () => {
            await adapter.webhooks.accessScopesChanged?.({ shopKey: shop.shopKey, credentials: shop.credentials }, meaning.scopes);
            return `access scopes now: ${meaning.scopes.join(', ') || 'none'}`;
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
      return { kind: 'retry', outcome: `waiting for ${waiting}`, availableAt: waitingRecheckAt(webhook.receivedAt, now()), uncounted: true };
    }

    const event = (platformOrderId: string, orderEvent: OrderEvent): Decision => ({
      kind: 'event',
      input: { webhookId: webhook.id, shopId: shop.id, platformOrderId, event: orderEvent, config, now: now() },
    });
    const orderEvent = async (delivered: Order): Promise<Decision> => {
      let order = delivered;
      if (adapter.webhooks.completeOrder) {
        const completed = await withinBudget(adapter.webhooks.completeOrder({ shopKey: shop.shopKey, credentials: shop.credentials }, delivered));
        if (!completed.ok) return platformFailure(completed.error, 'order could not be completed');
        order = completed.value;
      }
      const receiver = adapter.webhooks.fetchOrderInsights
        ? { ...adapter.webhooks, fetchOrderInsights: (access: PlatformAccess, id: string) => withinBudget(adapter.webhooks.fetchOrderInsights!(access, id)) }
        : adapter.webhooks;
      const enrichment = await enrichOrder(order, { store, receiver, shop: { ...shop, config }, now: now(), clickWaitMs });
      if (enrichment.kind === 'wait') return { kind: 'retry', outcome: enrichment.reason, availableAt: enrichment.until, uncounted: true };
      return event(order.id, { kind: 'order', order: enrichment.order });
    };
    if (meaning.kind === 'order') return orderEvent(meaning.order);
    if (meaning.kind === 'refund') return event(meaning.platformOrderId, meaning);
    if (meaning.kind === 'order_deleted') return event(meaning.platformOrderId, { kind: 'deleted', platformOrderId: meaning.platformOrderId });

    const fetched = adapter.webhooks.fetchOrder
      ? await withinBudget(adapter.webhooks.fetchOrder({ shopKey: shop.shopKey, credentials: shop.credentials }, meaning.platformOrderId))
      : err(`${shop.platform} cannot fetch orders`);
    if (fetched.ok) return orderEvent(fetched.value.checkoutToken || !meaning.checkoutToken ? fetched.value : { ...fetched.value, checkoutToken: meaning.checkoutToken });
    return platformFailure(fetched.error, 'order fetch failed');

    /** A platform's rate limit is a wait, not a failure: a burst of orders must not use up their attempts. */
    function platformFailure(error: string | PlatformBusy, what: string): Decision {
      if (typeof error === 'object') return { kind: 'retry', outcome: `waiting for the platform: ${error.reason}`, availableAt: error.busyUntil, uncounted: true };
      return processingRetry(webhook.attempts, maxAttempts, now(), `${what}: ${error}`);
    }
  }

  /** A webhook's decision; whatever it throws (a store that refuses its values, a plugin's bug) fails it alone. */
  async function decideAlone(webhook: WebhookRow): Promise<Decision> {
    try {
      return await decide(webhook);
    } catch (error) {
      logger.error({ shopId: webhook.shopId, webhookId: webhook.id, topic: webhook.topic, err: error }, 'webhook could not be processed');
      return processingRetry(webhook.attempts, maxAttempts, now(), `failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Saves what the decisions came to: order events in one transaction, then finishes, shop changes and retries. */
  async function record(decided: ReadonlyArray<{ readonly webhook: WebhookRow; readonly decision: Decision }>): Promise<void> {
    const events = decided.flatMap(({ webhook, decision }) => (decision.kind === 'event' ? [{ webhook, input: decision.input }] : []));
    const results = await applyOrderEvents(store, events.map((e) => e.input));
    const finished: Array<{ id: number; status: 'done' | 'failed'; outcome: string }> = [];
    for (const [i, result] of results.entries()) {
      const { webhook, input } = events[i]!;
      const context = { shopId: webhook.shopId, webhookId: webhook.id, topic: webhook.topic, orderId: input.platformOrderId };
      if (result.ok) {
        report(result.plan.deliveries.length > 0 ? 'planned' : 'no_change');
        if (logger.isLevelEnabled('debug')) logger.debug({ ...context, planned: result.plan.deliveries.map((d) => d.kind) }, 'webhook processed');
      } else {
        // Unexpected: try this one again later (or give it up); the rest of the batch went through.
        const next = result.reason === 'order_id_taken' ? ({ kind: 'finish', outcome: result.message } as const) : processingRetry(webhook.attempts, maxAttempts, now(), `not applied: ${result.message}`);
        if (next.kind === 'finish') {
          finished.push({ id: webhook.id, status: 'failed', outcome: next.outcome });
          report('failed');
          logger.warn({ ...context, outcome: next.outcome }, 'webhook not applied');
        } else {
          await store.retryWebhook(webhook.id, next.outcome, next.availableAt);
          report('retry');
          logger.error({ ...context, error: result.message }, 'webhook not applied; will retry');
        }
      }
    }
    for (const { webhook, decision } of decided) {
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
          const next = processingRetry(webhook.attempts, maxAttempts, now(), `not applied: ${String(error)}`);
          if (next.kind === 'finish') {
            finished.push({ id: webhook.id, status: 'failed', outcome: next.outcome });
            report('failed');
            logger.error({ shopId: webhook.shopId, webhookId: webhook.id, err: error }, 'shop change failed; given up');
          } else {
            await store.retryWebhook(webhook.id, next.outcome, next.availableAt);
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
  }

  /** Decisions still waiting on a platform when their batch was saved; saved each as it comes. */
  const stragglers = new Set<Promise<void>>();

  const step = async () => {
    const webhooks = await store.claimWebhooks(batchSize, leaseMs, now());
    if (webhooks.length === 0) return 0;
    const pending = webhooks.map((webhook) => ({ webhook, decision: decideAlone(webhook) }));
    // The batch is saved with the decisions made within the window; one still waiting on its platform
    // (at most the budget) is saved alone when it comes, and the next batch does not wait for it.
    const settled = new Map<WebhookRow, Decision>();
    for (const { webhook, decision } of pending) void decision.then((d) => settled.set(webhook, d));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(pending.map((p) => p.decision)),
      new Promise((resolve) => {
        timer = setTimeout(resolve, batchWindowMs);
      }),
    ]);
    clearTimeout(timer);
    await record(pending.flatMap(({ webhook }) => (settled.has(webhook) ? [{ webhook, decision: settled.get(webhook)! }] : [])));
    for (const { webhook, decision } of pending) {
      if (settled.has(webhook)) continue;
      const late: Promise<void> = decision
        .then((d) => record([{ webhook, decision: d }]))
        .catch((error: unknown) => logger.error({ webhookId: webhook.id, err: error }, 'a late webhook could not be saved; its lease will run out and it will be tried again'))
        .finally(() => stragglers.delete(late));
      stragglers.add(late);
    }
    return webhooks.length;
  };
  return Object.assign(step, {
    /** Waits for the decisions still being saved (shutdown). */
    drain: async () => {
      await Promise.all(stragglers);
    },
  });
}
