import { type Result, err, ok } from '@cartrelay/core';
import { z } from 'zod';
import type { WooApiFailure, WooCommerceApi, WooStoreAccess } from '../api/woocommerce-api.ts';
import { WOO_WEBHOOK_TOPICS } from '../webhooks.ts';

/** A webhook as WooCommerce's REST API lists it (https://woocommerce.github.io/woocommerce-rest-api-docs/#webhook-properties). */
const WebhookSchema = z.object({ id: z.number().int(), topic: z.string(), status: z.string(), delivery_url: z.string() });
type StoreWebhook = z.output<typeof WebhookSchema>;

export interface WebhookRepairs {
  readonly created: readonly string[];
  /** Paused or disabled (WooCommerce disables a webhook whose deliveries keep failing), made active again. */
  readonly reactivated: readonly string[];
  /** Second copies of one topic: each change would arrive twice. */
  readonly removed: readonly string[];
}

/**
 * Gives the store one active webhook per order topic, delivering to `deliveryUrl` and signed with
 * `secret`: missing ones created (WooCommerce pings each on creation), disabled ones made active again
 * with the secret set anew, duplicates deleted. WooCommerce retries no delivery and disables a webhook
 * after repeated failures; this, run periodically, undoes that, and reconciliation reads what was missed.
 */
export async function ensureWebhooks(
  api: WooCommerceApi,
  store: WooStoreAccess,
  target: { readonly deliveryUrl: string; readonly secret: string },
): Promise<Result<WebhookRepairs, WooApiFailure>> {
  const listed = await ourWebhooks(api, store, target.deliveryUrl);
  if (!listed.ok) return listed;
  const created: string[] = [];
  const reactivated: string[] = [];
  const removed: string[] = [];
  for (const topic of WOO_WEBHOOK_TOPICS) {
    const [kept, ...extra] = listed.value.filter((webhook) => webhook.topic === topic).sort((a, b) => a.id - b.id);
    if (!kept) {
      const made = await api.request(store, 'post', 'webhooks', { body: { name: `CartRelay ${topic}`, topic, delivery_url: target.deliveryUrl, secret: target.secret, status: 'active' } });
      if (!made.ok) return made;
      created.push(topic);
    } else if (kept.status !== 'active') {
      const updated = await api.request(store, 'put', `webhooks/${kept.id}`, { body: { status: 'active', secret: target.secret } });
      if (!updated.ok) return updated;
      reactivated.push(topic);
    }
    for (const duplicate of extra) {
      const deleted = await api.request(store, 'delete', `webhooks/${duplicate.id}`, { params: { force: true } });
      if (!deleted.ok) return deleted;
      removed.push(topic);
    }
  }
  return ok({ created, reactivated, removed });
}

/** Deletes the app's webhooks (disconnecting): whatever else the store delivers elsewhere stays. */
export async function removeWebhooks(api: WooCommerceApi, store: WooStoreAccess, deliveryUrl: string): Promise<Result<number, WooApiFailure>> {
  const listed = await ourWebhooks(api, store, deliveryUrl);
  if (!listed.ok) return listed;
  for (const webhook of listed.value) {
    const deleted = await api.request(store, 'delete', `webhooks/${webhook.id}`, { params: { force: true } });
    if (!deleted.ok) return deleted;
  }
  return ok(listed.value.length);
}

/** Every webhook of the store that delivers to the app, page by page. */
async function ourWebhooks(api: WooCommerceApi, store: WooStoreAccess, deliveryUrl: string): Promise<Result<StoreWebhook[], WooApiFailure>> {
  const ours: StoreWebhook[] = [];
  for (let page = 1; ; page++) {
    const answer = await api.request(store, 'get', 'webhooks', { params: { per_page: 100, page } });
    if (!answer.ok) return answer;
    const parsed = z.array(WebhookSchema).safeParse(answer.value.body);
    if (!parsed.success) return err({ kind: 'rejected', status: 200, message: `the store's webhooks list is not WooCommerce's: ${parsed.error.message}` });
    ours.push(...parsed.data.filter((webhook) => webhook.delivery_url === deliveryUrl));
    if (parsed.data.length < 100 || page >= (answer.value.totalPages ?? page)) return ok(ours);
  }
}
