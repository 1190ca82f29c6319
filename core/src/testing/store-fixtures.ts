import type { DeliveryAttempt, DeliveryOutbox, DeliveryOutcome } from '../delivery/outbox.ts';
import { applyOrderEvents } from '../ledger/apply-order-events.ts';
import type { OrderLedger } from '../ledger/order-ledger.ts';
import type { LifecyclePlan, OrderEvent } from '../ledger/order-lifecycle.ts';
import type { MinorUnits } from '../money/minor-units.ts';
import type { NewShop, ShopRecords, ShopRow } from '../shops/shop-records.ts';
import type { NewWebhook } from '../webhooks/inbox.ts';
import { aConfig, aLine, anOrder } from './builders.ts';

/** What the port batteries share: one moment, one shop's config, and builders over the ports under test. */

export const NOW = 1_780_000_000_000;

/** IP and user agent sent, so that the privacy requests have them to export and remove. */
export const CONFIG = aConfig({ sendIpAddress: true, sendUserAgent: true });

/** A configured, connected shop as the store takes it, without credentials. */
export function shopInput(shopKey = 'shop-1.myshopify.com'): NewShop {
  return { platform: 'shopify', shopKey, config: CONFIG, impactAccountSid: 'IRabc', impactAuthTokenSealed: 'v1.sealed', credentialsSealed: null };
}

export function addTestShop(store: ShopRecords, shopKey = 'shop-1.myshopify.com'): Promise<ShopRow> {
  return store.addShop(shopInput(shopKey), NOW);
}

export function aWebhook(shopId: number, deliveryId: string, overrides: Partial<NewWebhook> = {}): NewWebhook {
  return { shopId, topic: 'orders/paid', deliveryId, receivedAt: NOW, headers: { 'x-shopify-topic': 'orders/paid' }, body: '{"id":1}', ...overrides };
}

/** Order P1 (#1001): two of SKU A for 20.00. */
export function aSale(overrides: Parameters<typeof anOrder>[0] = {}) {
  return anOrder({ id: 'P1', number: '1001', lineItems: [aLine({ id: 'L1', sku: 'A', quantity: 2, subtotal: 2000 as MinorUnits })], ...overrides });
}

/** Applies one event through the ledger's use case; its plan, or a throw when it was not applied. */
export async function applyTestEvent(store: OrderLedger, shopId: number, event: OrderEvent, webhookId: number | null = null, platformOrderId = 'P1'): Promise<LifecyclePlan> {
  const [result] = await applyOrderEvents(store, [{ webhookId, shopId, platformOrderId, event, config: CONFIG, now: NOW }]);
  if (!result?.ok) throw new Error(result?.message ?? 'no result');
  return result.plan;
}

export function recordTestAttempt(store: DeliveryOutbox, id: number, outcome: DeliveryOutcome, attempt: DeliveryAttempt): Promise<void> {
  return store.recordDeliveryOutcomes([{ id, outcome, attempt }]);
}
