import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addQueryArgs, escapeHtml, invalidParam, postFollowingRedirects, readBody, RestError, sendHtml, sendJson, sendRestError, wpDiePage } from './fake-wc-http.ts';
import type { PhpArray, PhpValue } from './fake-wc-oauth.ts';
import { bytesToText, checkOAuthSignature, checkTimestampAndNonce, getOAuthParameters, phpEmpty, phpParseStr, phpUrldecode } from './fake-wc-oauth.ts';
import type { CreateOrderInput, JsonValue, ListQuery, OrderStatus, RefundLineRequest, RenderContext, StoredOrder, StoredRefund, WcOrderJson, WcRefundJson } from './fake-wc-orders.ts';
import { applyStatus, buildOrder, buildRefund, cents, filterOrders, ORDER_STATUSES, orderTotal, renderOrder, renderRefund, Sequences, totalRefunded, updateMeta } from './fake-wc-orders.ts';
import type { HttpResult, StoredWebhook, WcWebhookJson, WebhookDelivery, WebhookPing, WebhookStatus } from './fake-wc-webhooks.ts';
import { isValidTopic, isValidUrl, renderWebhook, sendHttp, WEBHOOK_STATUSES, webhookEvent, webhookResource, webhookSignature, wpGeneratePassword, wpJsonEncode } from './fake-wc-webhooks.ts';

/**
 * A fake WooCommerce site on 127.0.0.1 for the WooCommerce app's tests, following WooCommerce's source
 * (woocommerce/woocommerce, plugins/woocommerce/): the app authorization endpoint (`WC_Auth`), REST
 * API authentication (`WC_REST_Authentication`: keys over Basic/query, OAuth 1.0a over HTTP), the v3
 * webhooks, orders and refunds endpoints, and webhook deliveries (`WC_Webhook`) with their ping,
 * signature, failure count and automatic disabling. Each module cites the file it follows.
 *
 * The site is always "logged in" as the administrator (user 1) for the authorize screen.
 */
export type { CreateOrderInput, JsonValue, OrderStatus, StoredOrder, StoredRefund, StoredWebhook, WcOrderJson, WcRefundJson, WcWebhookJson, WebhookDelivery, WebhookPing, WebhookStatus };
export { ORDER_STATUSES };

export type KeyPermissions = 'read' | 'write' | 'read_write';

export interface FakeWooCommerceOptions {
  /** The site URL, `home_url()` (default `http://127.0.0.1:<port>`). */
  readonly siteUrl?: string;
  /** WooCommerce always requires an https `callback_url`; the fake only when this is true (default false). */
  readonly requireHttpsCallback?: boolean;
  /** The site's clock in ms (default `Date.now`): order and webhook dates, delivery ids. */
  readonly now?: () => number;
  /** The clock OAuth timestamps are checked against (default `Date.now`, the clock clients sign with). */
  readonly authNow?: () => number;
  /** The site timezone's offset from UTC in minutes (default 0, WordPress's default UTC). */
  readonly timezoneOffsetMinutes?: number;
  /**
   * WooCommerce accepts consumer keys over Basic auth or `consumer_key`/`consumer_secret` only when
   * `is_ssl()`; the fake accepts them over plain HTTP too unless this is false (default true).
   */
  readonly basicAuthOverHttp?: boolean;
  /** `is_ssl()` (default: the site URL is https): the scheme of the URL OAuth signatures are checked against. */
  readonly isSsl?: boolean;
  /** Whether the CartRelay WordPress plugin is active, with its `wc-cartrelay/v1/connection` route (default true). */
  readonly cartrelayPlugin?: boolean;
  /** The `woocommerce_max_webhook_delivery_failures` filter (default 5). */
  readonly maxDeliveryFailures?: number;
  /** Delivery timeout (WooCommerce: 60 s). */
  readonly deliveryTimeoutMs?: number;
  /** Run queued deliveries on their own (as Action Scheduler would) right after each change (default true); otherwise only in `settled()`. */
  readonly autoDeliver?: boolean;
  /**
   * WooCommerce's dates have one-second resolution, so two changes in one second share a
   * `date_modified`. By default the fake moves each change at least one second after the previous
   * one; false keeps the clock as it is.
   */
  readonly strictlyIncreasingTimes?: boolean;
  readonly wcVersion?: string;
  readonly wpVersion?: string;
}

export interface FakeApiKey {
  readonly key_id: number;
  readonly user_id: number;
  readonly description: string;
  readonly permissions: KeyPermissions;
  readonly consumer_key: string;
  readonly consumer_secret: string;
  readonly truncated_key: string;
  /** Revoking deletes the key in WooCommerce; the fake keeps it, marked. */
  revoked: boolean;
  last_access: string | null;
  /** Used OAuth nonces, keyed by timestamp as WooCommerce keeps them. */
  readonly nonces: Map<string, string>;
}

export interface ApproveResult {
  readonly status: 'approved' | 'refused';
  /** Where WooCommerce sends the browser: `return_url` with `success=1&user_id=…`. */
  readonly redirectTo: string | null;
  /** The `callback_url`'s answer to the posted keys. */
  readonly callbackStatus: number | null;
  /** The `wp_die()` message when refused. */
  readonly error: string | null;
}

export interface CallbackPost {
  readonly url: string;
  readonly body: string;
  readonly status: number | null;
  readonly error: string | null;
}

export type FakeWebhook = WcWebhookJson & { readonly secret: string; readonly failure_count: number; readonly pending_delivery: boolean };

/** What CartRelay told the CartRelay plugin over its route (PUT /wp-json/wc-cartrelay/v1/connection). */
export interface PluginConnection {
  readonly linkSecret: string;
  readonly clickIdParam: string;
  readonly keyId: number;
  readonly appUrl: string;
}

export interface FakeWooCommerce {
  /** The site URL, without a trailing slash. */
  readonly url: string;
  close(): Promise<void>;
  /** What the CartRelay plugin was last told; null before, or after a DELETE. */
  readonly pluginConnection: PluginConnection | null;

  /** Approves an authorize URL as the merchant's click on Approve does. */
  approve(authorizeUrl: string): Promise<ApproveResult>;
  /** The Deny link's target: `return_url` with `success=0&user_id=…`. */
  deny(authorizeUrl: string): string;
  readonly keys: readonly FakeApiKey[];
  /** Keys made in the admin (Settings › Advanced › REST API), without the authorize flow. */
  createKey(permissions?: KeyPermissions, description?: string): FakeApiKey;
  revokeKey(keyId: number): void;
  /** Every post of keys to a `callback_url`. */
  readonly callbackPosts: readonly CallbackPost[];

  /** The webhooks, with their secrets and failure counts. */
  readonly webhooks: readonly FakeWebhook[];
  webhook(id: number): FakeWebhook | undefined;
  disableWebhook(id: number): void;
  readonly deliveries: readonly WebhookDelivery[];
  readonly pings: readonly WebhookPing[];
  /** While true, every delivery and ping fails as if the receiver refused the connection (nothing is sent). */
  receiverDown: boolean;
  /** Deliveries and pings to URLs starting with this prefix fail without being sent (null: none). */
  failDeliveriesTo(urlPrefix: string | null): void;
  /** Runs every queued delivery (Action Scheduler) and waits until none is left. */
  settled(): Promise<void>;

  createOrder(input: CreateOrderInput): WcOrderJson;
  updateOrder(id: number, patch: { status?: Exclude<OrderStatus, 'trash'>; meta?: Readonly<Record<string, string>> }): WcOrderJson;
  refundOrder(id: number, input: { lines: ReadonlyArray<{ lineItemId: number; quantity: number }>; reason?: string; amount?: string }): Promise<WcRefundJson>;
  trashOrder(id: number): WcOrderJson;
  restoreOrder(id: number): WcOrderJson;
  order(id: number): WcOrderJson | undefined;
  refund(id: number): WcRefundJson | undefined;
  readonly orders: readonly WcOrderJson[];

  /** The site's clock. */
  now(): number;
  setNow(at: number | string | Date | null): void;
  advance(seconds: number): void;
}

const ADMIN_USER_ID = 1;
const SCOPES: readonly string[] = ['read', 'write', 'read_write'];

function textOf(value: PhpValue | undefined): string | undefined {
  return typeof value === 'string' ? bytesToText(value) : undefined;
}

function phpToJson(value: PhpValue): JsonValue {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [bytesToText(k), phpToJson(v)]));
  return bytesToText(value);
}

/** `wc_clean()` for a scalar (approximately `sanitize_text_field`). */
function wcClean(value: string): string {
  return value
    .replace(/<[^>]*>/g, '')
    .replace(/[\r\n\t ]+/g, ' ')
    .trim();
}

/** FILTER_VALIDATE_URL, approximately. */
function filterValidateUrl(url: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^\s/?#]+[^\s]*$/i.test(url) || /[^\x21-\x7e]/.test(url)) return false;
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

function toMs(at: number | string | Date): number {
  const ms = typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (!Number.isFinite(ms)) throw new Error(`Not a time: ${String(at)}`);
  return ms;
}

function gmdate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

export async function startFakeWooCommerce(options: FakeWooCommerceOptions = {}): Promise<FakeWooCommerce> {
  const baseNow = options.now ?? Date.now;
  const authNow = options.authNow ?? Date.now;
  const offsetMinutes = options.timezoneOffsetMinutes ?? 0;
  const maxFailures = options.maxDeliveryFailures ?? 5;
  const timeoutMs = options.deliveryTimeoutMs ?? 60_000;
  const strict = options.strictlyIncreasingTimes ?? true;
  const wcVersion = options.wcVersion ?? '10.3.0';
  const wpVersion = options.wpVersion ?? '6.8.3';
  const userAgent = `WooCommerce/${wcVersion} Hookshot (WordPress/${wpVersion})`;
  const salt = randomBytes(32).toString('hex');
  const authNonce = randomBytes(5).toString('hex');

  let clockOverride: number | null = null;
  let lastChange = 0;
  const siteNow = () => clockOverride ?? baseNow();
  /** The time of a change to an order: at least one second after the previous change when `strict`. */
  const changeTime = () => {
    let at = siteNow();
    if (strict && Math.floor(at / 1000) <= Math.floor(lastChange / 1000)) at = (Math.floor(lastChange / 1000) + 1) * 1000;
    lastChange = Math.max(lastChange, at);
    return at;
  };

  const seq = new Sequences();
  const keys: FakeApiKey[] = [];
  let nextKeyId = 1;
  const callbackPosts: CallbackPost[] = [];
  const webhooks = new Map<number, StoredWebhook>();
  let nextWebhookId = 1;
  const deliveries: WebhookDelivery[] = [];
  const pings: WebhookPing[] = [];
  const orders = new Map<number, StoredOrder>();
  const refunds = new Map<number, StoredRefund>();
  let failPrefix: string | null = null;

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { code: 'internal_server_error', message: error instanceof Error ? error.message : String(error), data: { status: 500 } });
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const siteUrl = (options.siteUrl ?? `http://127.0.0.1:${port}`).replace(/\/+$/, '');
  const isSsl = options.isSsl ?? siteUrl.startsWith('https:');
  const basicAllowed = isSsl || (options.basicAuthOverHttp ?? true);
  const homePath = new URL(siteUrl).pathname.replace(/\/+$/, '');
  const restBase = `${siteUrl}/wp-json/wc/v3`;
  const ctx = (): RenderContext => ({ restBase, offsetMinutes, siteUrl, wcVersion, refunds });

  let pluginConnection: PluginConnection | null = null;
  const fake: FakeWooCommerce & { receiverDown: boolean } = {
    url: siteUrl,
    get pluginConnection() {
      return pluginConnection;
    },
    receiverDown: false,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
    approve: async (authorizeUrl) => {
      const query = phpParseStr(new URL(authorizeUrl).search.slice(1));
      const invalid = validateAuthRequest(query);
      if (invalid) return { status: 'refused', redirectTo: null, callbackStatus: null, error: invalid };
      const granted = await grantAccess(query);
      return granted.ok ? { status: 'approved', redirectTo: granted.location, callbackStatus: granted.callbackStatus, error: null } : { status: 'refused', redirectTo: null, callbackStatus: granted.callbackStatus, error: granted.message };
    },
    deny: (authorizeUrl) => {
      const query = phpParseStr(new URL(authorizeUrl).search.slice(1));
      return denyUrl(query);
    },
    get keys() {
      return keys;
    },
    createKey: (permissions = 'read_write', description = `Key - API (${gmdate(siteNow())})`) => makeKey(permissions, description),
    revokeKey: (keyId) => {
      const key = keys.find((k) => k.key_id === keyId);
      if (!key) throw new Error(`No key ${keyId}`);
      key.revoked = true;
    },
    get callbackPosts() {
      return callbackPosts;
    },
    get webhooks() {
      return [...webhooks.values()].map(snapshotWebhook);
    },
    webhook: (id) => {
      const webhook = webhooks.get(id);
      return webhook ? snapshotWebhook(webhook) : undefined;
    },
    disableWebhook: (id) => {
      const webhook = webhooks.get(id);
      if (!webhook) throw new Error(`No webhook ${id}`);
      webhook.status = 'disabled';
      void saveWebhook(webhook, false);
    },
    get deliveries() {
      return deliveries;
    },
    get pings() {
      return pings;
    },
    failDeliveriesTo: (urlPrefix) => {
      failPrefix = urlPrefix;
    },
    settled: async () => {
      for (;;) {
        if (running) await running;
        else if (queue.length > 0) startQueue();
        else return;
      }
    },
    createOrder: (input) => {
      const order = buildOrder(input, seq, changeTime());
      orders.set(order.id, order);
      enqueue('created', order);
      return renderOrder(order, ctx());
    },
    updateOrder: (id, patch) => {
      const order = mustOrder(id);
      const at = changeTime();
      if (patch.status) setStatus(order, patch.status, at);
      for (const [key, value] of Object.entries(patch.meta ?? {})) updateMeta(order.meta, key, value, seq);
      order.modifiedAt = at;
      enqueue('updated', order);
      return renderOrder(order, ctx());
    },
    refundOrder: async (id, input) => {
      const order = mustOrder(id);
      const lines: RefundLineRequest[] = input.lines.map((requested) => {
        const line = order.lines.find((l) => l.id === requested.lineItemId);
        if (!line) throw new Error(`Order ${id} has no line item ${requested.lineItemId}`);
        return { itemId: line.id, quantity: requested.quantity, refundTotal: Math.round((line.total * requested.quantity) / line.quantity) };
      });
      const amount = input.amount === undefined ? lines.reduce((sum, l) => sum + l.refundTotal, 0) : cents(input.amount);
      const refund = createRefund(order, { amount, reason: input.reason ?? '', lines, refundedPayment: false });
      return renderRefund(refund, ctx());
    },
    trashOrder: (id) => {
      const order = mustOrder(id);
      if (order.status === 'trash') throw new Error(`Order ${id} is already in the trash`);
      trash(order);
      return renderOrder(order, ctx());
    },
    restoreOrder: (id) => {
      const order = mustOrder(id);
      if (order.status !== 'trash') throw new Error(`Order ${id} is not in the trash`);
      order.status = order.statusBeforeTrash ?? 'pending';
      order.statusBeforeTrash = null;
      order.modifiedAt = changeTime();
      enqueue('restored', order);
      return renderOrder(order, ctx());
    },
    order: (id) => {
      const order = orders.get(id);
      return order ? renderOrder(order, ctx()) : undefined;
    },
    refund: (id) => {
      const refund = refunds.get(id);
      return refund ? renderRefund(refund, ctx()) : undefined;
    },
    get orders() {
      return [...orders.values()].map((order) => renderOrder(order, ctx()));
    },
    now: siteNow,
    setNow: (at) => {
      clockOverride = at === null ? null : toMs(at);
    },
    advance: (seconds) => {
      clockOverride = siteNow() + seconds * 1000;
    },
  };

  function snapshotWebhook(webhook: StoredWebhook): FakeWebhook {
    return { ...renderWebhook(webhook, restBase, offsetMinutes), secret: webhook.secret, failure_count: webhook.failureCount, pending_delivery: webhook.pendingDelivery };
  }

  function mustOrder(id: number): StoredOrder {
    const order = orders.get(id);
    if (!order) throw new Error(`No order ${id}`);
    return order;
  }

  function makeKey(permissions: KeyPermissions, description: string): FakeApiKey {
    const consumerKey = `ck_${randomBytes(20).toString('hex')}`;
    const key: FakeApiKey = { key_id: nextKeyId++, user_id: ADMIN_USER_ID, description, permissions, consumer_key: consumerKey, consumer_secret: `cs_${randomBytes(20).toString('hex')}`, truncated_key: consumerKey.slice(-7), revoked: false, last_access: null, nonces: new Map() };
    keys.push(key);
    return key;
  }

  // ---------------------------------------------------------------------------------------------
  // Orders and refunds (wc-order-functions.php)

  /** A status change; to `refunded` by hand, `wc_order_fully_refunded` refunds what is left. */
  function setStatus(order: StoredOrder, status: Exclude<OrderStatus, 'trash'>, at: number): void {
    const before = order.status;
    applyStatus(order, status, at);
    if (status === 'refunded' && before !== 'refunded') {
      const left = orderTotal(order) - totalRefunded(order, refunds);
      if (left > 0) {
        const { refund } = buildRefund(order, refunds, { amount: left, reason: 'Order fully refunded.', lines: [], refundedPayment: false }, seq, at);
        refunds.set(refund.id, refund);
        order.refundIds.unshift(refund.id);
      }
    }
  }

  /** `wc_create_refund`: the refund, the parent's status to `refunded` when nothing is left, then `woocommerce_order_refunded` (order.updated). */
  function createRefund(order: StoredOrder, input: { amount: number; reason: string; lines: readonly RefundLineRequest[]; refundedPayment: boolean }): StoredRefund {
    const at = changeTime();
    const { refund, full } = buildRefund(order, refunds, input, seq, at);
    refunds.set(refund.id, refund);
    order.refundIds.unshift(refund.id);
    if (full && order.status !== 'refunded') applyStatus(order, 'refunded', at);
    order.modifiedAt = at;
    enqueue('updated', order);
    return refund;
  }

  function trash(order: StoredOrder): void {
    order.statusBeforeTrash = order.status;
    order.status = 'trash';
    order.modifiedAt = changeTime();
    enqueue('deleted', order);
  }

  // ---------------------------------------------------------------------------------------------
  // Webhook deliveries (class-wc-webhook.php, wc-webhook-functions.php)

  interface QueuedDelivery {
    readonly webhookId: number;
    readonly orderId: number;
  }
  const queue: QueuedDelivery[] = [];
  let running: Promise<void> | null = null;
  const autoDeliver = options.autoDeliver ?? true;

  /**
   * `WC_Webhook::process` for each active webhook of the topic, then `wc_webhook_execute_queue`:
   * one pending action per (webhook, order) — a change to an order that already waits for delivery
   * adds nothing, and the payload is built when the delivery runs.
   */
  function enqueue(event: 'created' | 'updated' | 'deleted' | 'restored', order: StoredOrder): void {
    for (const webhook of webhooks.values()) {
      if (webhook.status !== 'active' || webhook.topic !== `order.${event}` || !isValidTopic(webhook.topic)) continue;
      if (queue.some((q) => q.webhookId === webhook.id && q.orderId === order.id)) continue;
      queue.push({ webhookId: webhook.id, orderId: order.id });
    }
    if (autoDeliver && queue.length > 0) setImmediate(() => startQueue());
  }

  function startQueue(): void {
    if (running || queue.length === 0) return;
    running = (async () => {
      while (queue.length > 0) await deliver(queue.shift()!);
    })().finally(() => {
      running = null;
    });
  }

  function failing(url: string): boolean {
    return fake.receiverDown || (failPrefix !== null && url.startsWith(failPrefix));
  }

  function refused(url: string): HttpResult {
    let host = url;
    try {
      const u = new URL(url);
      host = `${u.hostname} port ${u.port || (u.protocol === 'https:' ? 443 : 80)}`;
    } catch {}
    return { status: null, error: `cURL error 7: Failed to connect to ${host}: Connection refused`, headers: {}, body: '' };
  }

  /** `WC_Webhook::deliver` + `log_delivery` + `failed_delivery`. */
  async function deliver(queued: QueuedDelivery): Promise<void> {
    const webhook = webhooks.get(queued.webhookId);
    if (!webhook) return;
    const order = orders.get(queued.orderId);
    const event = webhookEvent(webhook.topic);
    const payload = event === 'deleted' || !order ? { id: queued.orderId } : renderOrder(order, ctx());
    const body = wpJsonEncode(payload).trim();
    const deliveryId = createHmac('md5', salt).update(`${webhook.id}${Math.floor(siteNow() / 1000)}`).digest('hex');
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': userAgent,
      'X-WC-Webhook-Source': `${siteUrl}/`,
      'X-WC-Webhook-Topic': webhook.topic,
      'X-WC-Webhook-Resource': webhookResource(webhook.topic),
      'X-WC-Webhook-Event': event,
      'X-WC-Webhook-Signature': webhookSignature(body, webhook.secret),
      'X-WC-Webhook-ID': String(webhook.id),
      'X-WC-Webhook-Delivery-ID': deliveryId,
    };
    const url = webhook.deliveryUrl;
    const result = failing(url) ? refused(url) : await sendHttp(url, { method: 'POST', headers, body, timeoutMs });
    const code = result.status ?? 0;
    const success = code >= 200 && code < 303;
    if (success) webhook.failureCount = 0;
    else if (webhook.failureCount > maxFailures) webhook.status = 'disabled';
    else webhook.failureCount += 1;
    deliveries.push({ webhookId: webhook.id, topic: webhook.topic, orderId: queued.orderId, deliveryId, url, status: result.status, error: result.error, success, headers, body, webhookStatusAfter: webhook.status, failureCountAfter: webhook.failureCount });
    await saveWebhook(webhook, false);
  }

  /** `WC_Webhook::deliver_ping`: `webhook_id=<id>` form-encoded; anything but 200 is an error. */
  async function deliverPing(webhook: StoredWebhook): Promise<true | string> {
    const url = webhook.deliveryUrl;
    const result = failing(url) ? refused(url) : await postFollowingRedirects(url, { headers: { 'User-Agent': userAgent, 'Content-Type': 'application/x-www-form-urlencoded' }, body: `webhook_id=${webhook.id}`, timeoutMs: 5_000 });
    let outcome: true | string;
    if (result.status === null) outcome = `Error: Delivery URL cannot be reached: ${result.error ?? ''}`;
    else if (result.status !== 200) outcome = `Error: Delivery URL returned response code: ${result.status}`;
    else outcome = true;
    pings.push({ webhookId: webhook.id, url, status: result.status, error: result.error, result: outcome });
    if (outcome === true) {
      webhook.pendingDelivery = false;
      await saveWebhook(webhook, false);
    }
    return outcome;
  }

  /** `WC_Webhook_Data_Store::update`: date_modified, and a ping when active and the URL changed or a ping is still pending. */
  async function saveWebhook(webhook: StoredWebhook, deliveryUrlChanged: boolean): Promise<void> {
    webhook.modifiedAt = siteNow();
    if (webhook.status === 'active' && (deliveryUrlChanged || webhook.pendingDelivery)) await deliverPing(webhook);
  }

  // ---------------------------------------------------------------------------------------------
  // wc-auth (class-wc-auth.php)

  /** `make_validation()`: the message of its exception, or null. */
  function validateAuthRequest(request: PhpArray): string | null {
    for (const param of ['app_name', 'user_id', 'return_url', 'callback_url', 'scope']) {
      const value = request.get(param);
      if (phpEmpty(value)) return `Missing parameter ${param}`;
      if (typeof value !== 'string') return `Invalid parameter ${param}`;
    }
    const scope = textOf(request.get('scope'))!;
    if (!SCOPES.includes(scope)) return `Invalid scope ${wcClean(scope)}`;
    for (const param of ['return_url', 'callback_url']) {
      const url = formattedUrl(request, param);
      if (!filterValidateUrl(url)) return `The ${url} is not a valid URL`;
    }
    if (options.requireHttpsCallback && !formattedUrl(request, 'callback_url').toLowerCase().startsWith('https://')) return 'The callback_url needs to be over SSL';
    return null;
  }

  /** `get_formatted_url()`: urldecoded (again), https:// added when there is no scheme. */
  function formattedUrl(request: PhpArray, param: string): string {
    const url = bytesToText(phpUrldecode(request.get(param) as string));
    return url.includes('://') ? url : `https://${url}`;
  }

  function denyUrl(request: PhpArray): string {
    return addQueryArgs(formattedUrl(request, 'return_url'), { success: '0', user_id: wcClean(textOf(request.get('user_id')) ?? '') });
  }

  function authQuery(request: PhpArray, extra: Record<string, string> = {}): string {
    const params = new URLSearchParams();
    params.set('app_name', wcClean(textOf(request.get('app_name')) ?? ''));
    params.set('user_id', wcClean(textOf(request.get('user_id')) ?? ''));
    params.set('return_url', formattedUrl(request, 'return_url'));
    params.set('callback_url', formattedUrl(request, 'callback_url'));
    params.set('scope', wcClean(textOf(request.get('scope')) ?? ''));
    for (const [k, v] of Object.entries(extra)) params.set(k, v);
    return params.toString();
  }

  /** `access_granted`: create the key, post it to `callback_url`, delete it unless the answer is exactly 200. */
  async function grantAccess(request: PhpArray): Promise<{ ok: true; location: string; callbackStatus: number } | { ok: false; message: string; callbackStatus: number | null }> {
    const appName = textOf(request.get('app_name'))!;
    const scope = textOf(request.get('scope'))!;
    const permissions: KeyPermissions = SCOPES.includes(scope) ? (scope as KeyPermissions) : 'read';
    const key = makeKey(permissions, `${wcClean(appName).slice(0, 170)} - API (${gmdate(siteNow())})`);
    const consumerData = { key_id: key.key_id, user_id: textOf(request.get('user_id'))!, consumer_key: key.consumer_key, consumer_secret: key.consumer_secret, key_permissions: permissions };
    const url = formattedUrl(request, 'callback_url');
    const body = wpJsonEncode(consumerData);
    const result = await postFollowingRedirects(url, { headers: { 'Content-Type': 'application/json;charset=UTF-8', 'User-Agent': `WordPress/${wpVersion}; ${siteUrl}` }, body, timeoutMs: 60_000 });
    callbackPosts.push({ url, body, status: result.status, error: result.error });
    if (result.status !== 200) {
      keys.splice(keys.indexOf(key), 1);
      const message = result.status === null ? (result.error ?? 'Request failed') : 'An error occurred in the request and at the time were unable to send the consumer data';
      return { ok: false, message, callbackStatus: result.status };
    }
    return { ok: true, location: addQueryArgs(formattedUrl(request, 'return_url'), { success: '1', user_id: wcClean(textOf(request.get('user_id'))!) }), callbackStatus: 200 };
  }

  function grantAccessPage(request: PhpArray): string {
    const appName = wcClean(textOf(request.get('app_name'))!);
    const scope = textOf(request.get('scope'))!;
    const scopeLabel = scope === 'read' ? 'Read' : scope === 'write' ? 'Write' : 'Read/Write';
    const permissions =
      scope === 'read'
        ? ['View coupons', 'View customers', 'View orders and sales reports', 'View products']
        : scope === 'write'
          ? ['Create webhooks', 'Create coupons', 'Create customers', 'Create orders', 'Create products']
          : ['Create webhooks', 'View and manage coupons', 'View and manage customers', 'View and manage orders and sales reports', 'View and manage products'];
    const granted = `${siteUrl}/wc-auth/v1/access_granted/?${authQuery(request, { wc_auth_nonce: authNonce })}`;
    return `<!DOCTYPE html>
<html lang="en-US">
<head><meta charset="UTF-8"><title>Application authentication request</title></head>
<body class="wc-auth wp-core-ui">
<div class="wc-auth-content">
<h1>${escapeHtml(appName)} would like to connect to your store</h1>
<p>This will give "<strong>${escapeHtml(appName)}</strong>" <strong>${escapeHtml(scopeLabel)}</strong> access which will allow it to:</p>
<ul class="wc-auth-permissions">
${permissions.map((p) => `\t<li>${escapeHtml(p)}</li>`).join('\n')}
</ul>
<div class="wc-auth-logged-in-as"><p>Logged in as admin <a href="${escapeHtml(`${siteUrl}/wp-login.php?action=logout`)}" class="wc-auth-logout">Logout</a></p></div>
<p class="wc-auth-actions">
\t<a href="${escapeHtml(granted)}" class="button button-primary wc-auth-approve">Approve</a>
\t<a href="${escapeHtml(denyUrl(request))}" class="button wc-auth-deny">Deny</a>
</p>
</div>
</body>
</html>
`;
  }

  async function handleAuth(res: ServerResponse, route: string, request: PhpArray): Promise<void> {
    const fail = (message: string) => sendHtml(res, 401, wpDiePage('Access denied', `Error: ${message}.`));
    const invalid = validateAuthRequest(request);
    if (invalid) return fail(invalid);
    if (route === 'login') {
      res.writeHead(302, { Location: `${siteUrl}/wc-auth/v1/authorize/?${authQuery(request)}` });
      res.end();
      return;
    }
    if (route === 'authorize') return sendHtml(res, 200, grantAccessPage(request));
    if (route === 'access_granted') {
      if (textOf(request.get('wc_auth_nonce')) !== authNonce) return fail('Invalid nonce verification');
      const granted = await grantAccess(request);
      if (!granted.ok) return fail(granted.message);
      res.writeHead(302, { Location: granted.location });
      res.end();
      return;
    }
    return fail('You do not have permission to access this page');
  }

  // ---------------------------------------------------------------------------------------------
  // REST API authentication (class-wc-rest-authentication.php)

  function findKey(consumerKey: string): FakeApiKey | undefined {
    return keys.find((k) => !k.revoked && k.consumer_key === consumerKey);
  }

  function authenticate(req: IncomingMessage, method: string, path: string, get: PhpArray, post: PhpArray): { key: FakeApiKey | null; error: RestError | null } {
    let error: RestError | null = null;
    const authorization = req.headers.authorization;
    if (basicAllowed) {
      let consumerKey = '';
      let consumerSecret = '';
      if (!phpEmpty(get.get('consumer_key')) && !phpEmpty(get.get('consumer_secret'))) {
        consumerKey = textOf(get.get('consumer_key')) ?? '';
        consumerSecret = textOf(get.get('consumer_secret')) ?? '';
      }
      if (!consumerKey && authorization?.startsWith('Basic ')) {
        const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon > 0 && colon < decoded.length - 1) {
          consumerKey = decoded.slice(0, colon);
          consumerSecret = decoded.slice(colon + 1);
        }
      }
      if (consumerKey && consumerSecret) {
        const key = findKey(consumerKey);
        if (key) {
          if (key.consumer_secret === consumerSecret) return { key, error: null };
          error = new RestError(401, 'woocommerce_rest_authentication_error', 'Consumer secret is invalid.');
        }
      }
    }
    const oauth = getOAuthParameters(get, post, authorization);
    if (oauth.kind === 'none') return { key: null, error };
    if (oauth.kind === 'error') return { key: null, error: new RestError(401, oauth.code, oauth.message) };
    const key = findKey(textOf(oauth.params.get('oauth_consumer_key')) ?? '');
    if (!key) return { key: null, error: new RestError(401, 'woocommerce_rest_authentication_error', 'Consumer key is invalid.') };
    const relative = homePath && path.startsWith(`${homePath}/`) ? path.slice(homePath.length + 1) : path.replace(/^\//, '');
    const home = new URL(siteUrl);
    home.protocol = isSsl ? 'https:' : 'http:';
    const baseRequestUri = `${home.toString().replace(/\/+$/, '')}/${relative}`;
    const signature = checkOAuthSignature({ method, baseRequestUri, params: oauth.params, consumerSecret: key.consumer_secret });
    if (!signature.ok) return { key: null, error: new RestError(401, 'woocommerce_rest_authentication_error', signature.message) };
    const fresh = checkTimestampAndNonce(key.nonces, oauth.params.get('oauth_timestamp') as string, oauth.params.get('oauth_nonce') as string, Math.floor(authNow() / 1000));
    if (!fresh.ok) return { key: null, error: new RestError(401, 'woocommerce_rest_authentication_error', fresh.message) };
    return { key, error: null };
  }

  /** `check_permissions`: the key's read/write permission for the method. */
  function keyPermissionError(key: FakeApiKey, method: string): RestError | null {
    if (method === 'GET' || method === 'HEAD') {
      if (key.permissions !== 'read' && key.permissions !== 'read_write') return new RestError(401, 'woocommerce_rest_authentication_error', 'The API key provided does not have read permissions.');
    } else if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) {
      if (key.permissions !== 'write' && key.permissions !== 'read_write') return new RestError(401, 'woocommerce_rest_authentication_error', 'The API key provided does not have write permissions.');
    } else if (method !== 'OPTIONS') return new RestError(401, 'woocommerce_rest_authentication_error', 'Unknown request method.');
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // REST routes

  type Params = Record<string, JsonValue>;
  type Permission = 'list' | 'view' | 'create' | 'edit' | 'delete';
  interface Answer {
    readonly status: number;
    readonly body: unknown;
    readonly headers?: Record<string, string>;
  }
  interface Route {
    readonly pattern: RegExp;
    readonly methods: readonly string[];
    readonly permission: Permission;
    readonly run: (params: Params, match: RegExpExecArray, key: FakeApiKey) => Promise<Answer> | Answer;
  }
  const EDITABLE = ['POST', 'PUT', 'PATCH'];
  const PERMISSION_ERRORS: Record<Permission, [string, string]> = {
    list: ['woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.'],
    view: ['woocommerce_rest_cannot_view', 'Sorry, you cannot view this resource.'],
    create: ['woocommerce_rest_cannot_create', 'Sorry, you are not allowed to create resources.'],
    edit: ['woocommerce_rest_cannot_edit', 'Sorry, you are not allowed to edit this resource.'],
    delete: ['woocommerce_rest_cannot_delete', 'Sorry, you are not allowed to delete this resource.'],
  };

  const str = (params: Params, name: string): string | undefined => {
    const value = params[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw invalidParam(name, `${name} is not of type string.`);
  };
  const int = (params: Params, name: string, def: number | undefined, min?: number, max?: number): number | undefined => {
    const raw = params[name];
    if (raw === undefined || raw === null || raw === '') return def;
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
    if (!Number.isInteger(value)) throw invalidParam(name, `${name} is not of type integer.`);
    if (min !== undefined && max !== undefined && (value < min || value > max)) throw invalidParam(name, `${name} must be between ${min} (inclusive) and ${max} (inclusive)`);
    if (min !== undefined && value < min) throw invalidParam(name, `${name} must be greater than or equal to ${min}`);
    return value;
  };
  const oneOf = <T extends string>(params: Params, name: string, allowed: readonly T[], def: T): T => {
    const value = str(params, name);
    if (value === undefined) return def;
    if (!(allowed as readonly string[]).includes(value)) throw invalidParam(name, `${name} is not one of ${listWords(allowed)}.`);
    return value as T;
  };
  const bool = (params: Params, name: string, def: boolean): boolean => {
    const raw = params[name];
    if (raw === undefined || raw === null) return def;
    if (raw === true || raw === 'true' || raw === '1' || raw === 1) return true;
    if (raw === false || raw === 'false' || raw === '0' || raw === 0 || raw === '') return false;
    throw invalidParam(name, `${name} is not of type boolean.`);
  };
  const date = (params: Params, name: string): string | undefined => {
    const value = str(params, name);
    if (value === undefined) return undefined;
    if (!/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|z|[+-]\d{2}(:?\d{2})?)?$/.test(value)) throw invalidParam(name, 'Invalid date.');
    return value;
  };
  const idList = (params: Params, name: string): number[] => {
    const raw = params[name];
    if (raw === undefined || raw === null) return [];
    const items = Array.isArray(raw) ? raw : typeof raw === 'object' ? Object.values(raw) : String(raw).split(/[\s,]+/);
    return [...new Set(items.map((v) => Math.abs(Number.parseInt(String(v), 10))).filter((n) => Number.isFinite(n) && n > 0))];
  };
  const listWords = (items: readonly string[]) => (items.length > 1 ? `${items.slice(0, -1).join(', ')}, and ${items.at(-1)}` : (items[0] ?? ''));

  function paginationHeaders(base: string, params: Params, page: number, total: number, maxPages: number): Record<string, string> {
    const headers: Record<string, string> = { 'X-WP-Total': String(total), 'X-WP-TotalPages': String(maxPages) };
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (typeof v === 'string' && !k.startsWith('oauth_') && k !== 'page') query.set(k, v);
    const link = (p: number) => {
      const q = new URLSearchParams(query);
      q.set('page', String(p));
      return `${base}?${q.toString()}`;
    };
    const links: string[] = [];
    if (page > 1) links.push(`<${link(Math.min(page - 1, Math.max(maxPages, 1)))}>; rel="prev"`);
    if (maxPages > page) links.push(`<${link(page + 1)}>; rel="next"`);
    if (links.length > 0) headers.Link = links.join(', ');
    return headers;
  }

  const webhookInvalidId = (status: number, message: string) => new RestError(status, 'woocommerce_rest_shop_webhook_invalid_id', message);

  const routes: Route[] = [
    {
      pattern: /^webhooks$/,
      methods: ['GET'],
      permission: 'list',
      run: (params) => {
        const perPage = int(params, 'per_page', 10, 1, 100)!;
        const page = int(params, 'page', 1, 1)!;
        const status = oneOf(params, 'status', ['all', 'active', 'paused', 'disabled'] as const, 'all');
        const order = oneOf(params, 'order', ['asc', 'desc'] as const, 'desc');
        const orderby = oneOf(params, 'orderby', ['date', 'id', 'title'] as const, 'date');
        const include = idList(params, 'include');
        const exclude = idList(params, 'exclude');
        const search = str(params, 'search');
        const offsetParam = int(params, 'offset', undefined);
        const dir = order === 'asc' ? 1 : -1;
        const found = [...webhooks.values()]
          .filter((w) => (status === 'all' || w.status === status) && (include.length === 0 || include.includes(w.id)) && !exclude.includes(w.id) && (!search || w.name.includes(search)))
          .sort((a, b) => dir * (orderby === 'title' ? a.name.localeCompare(b.name) || a.id - b.id : orderby === 'id' ? a.id - b.id : Math.floor(a.createdAt / 1000) - Math.floor(b.createdAt / 1000) || a.id - b.id));
        const offset = offsetParam ? offsetParam : page > 1 ? (page - 1) * perPage : 0;
        const total = found.length;
        // WC_Webhook_Data_Store::search_webhooks: `$args['limit'] > 1 ? ceil( $total / $args['limit'] ) : 1`.
        const maxPages = perPage > 1 ? Math.ceil(total / perPage) : 1;
        const shownPage = Math.ceil(offset / perPage + 1);
        return { status: 200, body: found.slice(offset, offset + perPage).map((w) => renderWebhook(w, restBase, offsetMinutes)), headers: paginationHeaders(`${restBase}/webhooks`, params, shownPage, total, maxPages) };
      },
    },
    {
      pattern: /^webhooks$/,
      methods: ['POST'],
      permission: 'create',
      run: async (params, _match, key) => {
        const missing = ['topic', 'delivery_url'].filter((name) => params[name] === undefined || params[name] === null);
        if (missing.length > 0) throw new RestError(400, 'rest_missing_callback_param', `Missing parameter(s): ${missing.join(', ')}`, { status: 400, params: missing });
        oneOf(params, 'status', WEBHOOK_STATUSES, 'active');
        if (params.id) throw new RestError(400, 'woocommerce_rest_shop_webhook_exists', 'Cannot create existing shop_webhook.');
        const topic = str(params, 'topic') ?? '';
        if (!topic || !isValidTopic(topic.toLowerCase())) throw new RestError(400, 'woocommerce_rest_shop_webhook_invalid_topic', 'Webhook topic is required and must be valid.');
        const deliveryUrl = str(params, 'delivery_url') ?? '';
        if (!deliveryUrl || !isValidUrl(deliveryUrl)) throw new RestError(400, 'woocommerce_rest_shop_webhook_invalid_delivery_url', 'Webhook delivery URL must be a valid URL starting with http:// or https://.');
        const at = siteNow();
        const name = str(params, 'name') || `Webhook created on ${webhookCreatedOn(at)}`;
        const secret = str(params, 'secret') || wpGeneratePassword(50);
        // WC_REST_Webhooks_V1_Controller::create_item sets the status from the post status ('publish' → active): a requested status is ignored.
        const webhook: StoredWebhook = { id: nextWebhookId++, name, status: 'active', topic: isValidTopic(wcClean(topic)) ? wcClean(topic) : '', deliveryUrl, secret, userId: key.user_id, apiVersion: 3, failureCount: 0, pendingDelivery: true, createdAt: at, modifiedAt: null };
        webhooks.set(webhook.id, webhook);
        const body = renderWebhook(webhook, restBase, offsetMinutes);
        // The ping's result is not looked at: the webhook is created either way.
        await deliverPing(webhook);
        return { status: 201, body, headers: { Location: `${restBase}/webhooks/${webhook.id}` } };
      },
    },
    {
      pattern: /^webhooks\/(\d+)$/,
      methods: ['GET'],
      permission: 'view',
      run: (_params, match) => {
        const id = Number(match[1]);
        if (id === 0) throw webhookInvalidId(404, 'Invalid ID.');
        const webhook = webhooks.get(id);
        if (!webhook) throw webhookInvalidId(400, 'ID is invalid.');
        return { status: 200, body: renderWebhook(webhook, restBase, offsetMinutes) };
      },
    },
    {
      pattern: /^webhooks\/(\d+)$/,
      methods: EDITABLE,
      permission: 'edit',
      run: async (params, match) => {
        oneOf(params, 'status', WEBHOOK_STATUSES, 'active');
        const webhook = webhooks.get(Number(match[1]));
        if (!webhook) throw webhookInvalidId(400, 'ID is invalid.');
        const topic = str(params, 'topic');
        if (topic) {
          if (!isValidTopic(topic.toLowerCase())) throw new RestError(400, 'woocommerce_rest_shop_webhook_invalid_topic', 'Webhook topic must be valid.');
          webhook.topic = isValidTopic(wcClean(topic)) ? wcClean(topic) : '';
        }
        const deliveryUrl = str(params, 'delivery_url');
        let urlChanged = false;
        if (deliveryUrl) {
          if (!isValidUrl(deliveryUrl)) throw new RestError(400, 'woocommerce_rest_shop_webhook_invalid_delivery_url', 'Webhook delivery URL must be a valid URL starting with http:// or https://.');
          urlChanged = deliveryUrl !== webhook.deliveryUrl;
          webhook.deliveryUrl = deliveryUrl;
        }
        const secret = str(params, 'secret');
        if (secret) webhook.secret = secret;
        const status = str(params, 'status');
        if (status) webhook.status = status as WebhookStatus;
        const name = str(params, 'name');
        if (name) webhook.name = name;
        await saveWebhook(webhook, urlChanged);
        return { status: 200, body: renderWebhook(webhook, restBase, offsetMinutes) };
      },
    },
    {
      pattern: /^webhooks\/(\d+)$/,
      methods: ['DELETE'],
      permission: 'delete',
      run: (params, match) => {
        if (!bool(params, 'force', false)) throw new RestError(501, 'woocommerce_rest_trash_not_supported', 'Webhooks do not support trashing.');
        const webhook = webhooks.get(Number(match[1]));
        if (!webhook) throw webhookInvalidId(404, 'Invalid ID.');
        const body = renderWebhook(webhook, restBase, offsetMinutes);
        webhooks.delete(webhook.id);
        return { status: 200, body };
      },
    },
    {
      pattern: /^orders$/,
      methods: ['GET'],
      permission: 'list',
      run: (params) => {
        const perPage = int(params, 'per_page', 10, 1, 100)!;
        const page = int(params, 'page', 1, 1)!;
        const allowed = ['any', 'trash', ...ORDER_STATUSES];
        const rawStatus = params.status;
        const statuses = rawStatus === undefined || rawStatus === null ? ['any'] : Array.isArray(rawStatus) ? rawStatus.map(String) : typeof rawStatus === 'object' ? Object.values(rawStatus).map(String) : String(rawStatus).split(/[\s,]+/).filter(Boolean);
        statuses.forEach((status, index) => {
          if (!allowed.includes(status)) throw invalidParam('status', `status[${index}] is not one of ${listWords(allowed)}.`);
        });
        const query: ListQuery = {
          statuses,
          after: date(params, 'after'),
          before: date(params, 'before'),
          modifiedAfter: date(params, 'modified_after'),
          modifiedBefore: date(params, 'modified_before'),
          datesAreGmt: bool(params, 'dates_are_gmt', false),
          orderby: oneOf(params, 'orderby', ['date', 'id', 'include', 'title', 'slug', 'modified'] as const, 'date'),
          order: oneOf(params, 'order', ['asc', 'desc'] as const, 'desc'),
          include: idList(params, 'include'),
          exclude: idList(params, 'exclude'),
          customer: int(params, 'customer', undefined),
          product: int(params, 'product', undefined),
        };
        const found = filterOrders(orders.values(), query, offsetMinutes);
        const offset = int(params, 'offset', undefined) ?? (page - 1) * perPage;
        const total = found.length;
        const maxPages = Math.ceil(total / perPage);
        return { status: 200, body: found.slice(offset, offset + perPage).map((o) => renderOrder(o, ctx())), headers: paginationHeaders(`${restBase}/orders`, params, page, total, maxPages) };
      },
    },
    {
      pattern: /^orders\/(\d+)$/,
      methods: ['GET'],
      permission: 'view',
      run: (_params, match) => ({ status: 200, body: renderOrder(restOrder(match), ctx()) }),
    },
    {
      pattern: /^orders\/(\d+)$/,
      methods: EDITABLE,
      permission: 'edit',
      run: (params, match) => {
        const order = restOrder(match);
        const status = str(params, 'status');
        if (status !== undefined && !(ORDER_STATUSES as readonly string[]).includes(status)) throw invalidParam('status', `status is not one of ${listWords(ORDER_STATUSES)}.`);
        const at = changeTime();
        const meta = params.meta_data;
        if (Array.isArray(meta)) {
          for (const entry of meta) {
            if (entry && typeof entry === 'object' && !Array.isArray(entry) && typeof entry.key === 'string') updateMeta(order.meta, entry.key, entry.value ?? '', seq);
          }
        }
        if (status) setStatus(order, status as Exclude<OrderStatus, 'trash'>, at);
        order.modifiedAt = at;
        enqueue('updated', order);
        return { status: 200, body: renderOrder(order, ctx()) };
      },
    },
    {
      pattern: /^orders\/(\d+)$/,
      methods: ['DELETE'],
      permission: 'delete',
      run: (params, match) => {
        const order = restOrder(match);
        const body = renderOrder(order, ctx());
        if (bool(params, 'force', false)) {
          // Deleting for good fires neither wp_trash_post nor woocommerce_trash_order: no order.deleted.
          orders.delete(order.id);
          for (const id of order.refundIds) refunds.delete(id);
          return { status: 200, body };
        }
        if (order.status === 'trash') throw new RestError(410, 'woocommerce_rest_already_trashed', 'The shop_order has already been deleted.');
        trash(order);
        return { status: 200, body: renderOrder(order, ctx()) };
      },
    },
    {
      pattern: /^orders\/(\d+)\/refunds$/,
      methods: ['GET'],
      permission: 'list',
      run: (params, match) => {
        const perPage = int(params, 'per_page', 10, 1, 100)!;
        const page = int(params, 'page', 1, 1)!;
        const order = orders.get(Number(match[1]));
        const dir = oneOf(params, 'order', ['asc', 'desc'] as const, 'desc') === 'asc' ? 1 : -1;
        const found = (order?.refundIds ?? []).flatMap((id) => refunds.get(id) ?? []).sort((a, b) => dir * (Math.floor(a.createdAt / 1000) - Math.floor(b.createdAt / 1000) || a.id - b.id));
        const total = found.length;
        const offset = (page - 1) * perPage;
        return { status: 200, body: found.slice(offset, offset + perPage).map((r) => renderRefund(r, ctx())), headers: paginationHeaders(`${restBase}/orders/${match[1]}/refunds`, params, page, total, Math.ceil(total / perPage)) };
      },
    },
    {
      pattern: /^orders\/(\d+)\/refunds$/,
      methods: ['POST'],
      permission: 'create',
      run: (params, match) => {
        const order = orders.get(Number(match[1]));
        // WP_Error( …, 404 ): the status is not in an array, so the REST server answers 500 with `data: 404`.
        if (!order) throw new RestError(500, 'woocommerce_rest_invalid_order_id', 'Invalid order ID.', 404);
        const lines: RefundLineRequest[] = [];
        let sum = 0;
        const rawLines = params.line_items;
        for (const entry of Array.isArray(rawLines) ? rawLines : []) {
          if (!entry || typeof entry !== 'object' || Array.isArray(entry)) continue;
          const refundTotal = cents(String(entry.refund_total ?? 0));
          sum += refundTotal;
          lines.push({ itemId: Number(entry.id), quantity: Number(entry.quantity ?? 0), refundTotal });
        }
        const amountRaw = str(params, 'amount');
        const amount = amountRaw ? cents(amountRaw) : sum;
        if (amount < 0) throw new RestError(400, 'woocommerce_rest_invalid_order_refund', 'Refund amount must be greater than zero.');
        if (bool(params, 'api_refund', true)) {
          throw new RestError(500, 'woocommerce_rest_cannot_create_order_refund', order.paymentMethod === 'bacs' || order.paymentMethod === 'cod' || order.paymentMethod === 'cheque' ? 'The payment gateway for this order does not support automatic refunds.' : 'The payment gateway for this order does not exist.', 500);
        }
        let refund: StoredRefund;
        try {
          refund = createRefund(order, { amount, reason: str(params, 'reason') ?? '', lines, refundedPayment: false });
        } catch (error) {
          throw new RestError(500, 'woocommerce_rest_cannot_create_order_refund', error instanceof Error ? error.message : String(error), 500);
        }
        return { status: 201, body: renderRefund(refund, ctx()), headers: { Location: `${restBase}/orders/${order.id}/refunds/${refund.id}` } };
      },
    },
    {
      pattern: /^orders\/(\d+)\/refunds\/(\d+)$/,
      methods: ['GET'],
      permission: 'view',
      run: (_params, match) => ({ status: 200, body: renderRefund(restRefund(match).refund, ctx()) }),
    },
    {
      pattern: /^orders\/(\d+)\/refunds\/(\d+)$/,
      methods: ['DELETE'],
      permission: 'delete',
      run: (_params, match) => {
        // force defaults to true for refunds; deleting one fires woocommerce_delete_order_refund (order.updated).
        const { order, refund } = restRefund(match);
        const body = renderRefund(refund, ctx());
        refunds.delete(refund.id);
        order.refundIds.splice(order.refundIds.indexOf(refund.id), 1);
        order.modifiedAt = changeTime();
        enqueue('updated', order);
        return { status: 200, body };
      },
    },
  ];

  function restRefund(match: RegExpExecArray): { order: StoredOrder; refund: StoredRefund } {
    const order = orders.get(Number(match[1]));
    // WP_Error( …, 404 ): the status is not in an array, so the REST server answers 500 with `data: 404`.
    if (!order) throw new RestError(500, 'woocommerce_rest_invalid_order_id', 'Invalid order ID.', 404);
    const refund = refunds.get(Number(match[2]));
    if (!refund || refund.orderId !== order.id) throw new RestError(500, 'woocommerce_rest_invalid_order_refund_id', 'Invalid order refund ID.', 404);
    return { order, refund };
  }

  function restOrder(match: RegExpExecArray): StoredOrder {
    const order = orders.get(Number(match[1]));
    if (!order) throw new RestError(404, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.');
    return order;
  }

  function webhookCreatedOn(at: number): string {
    const d = new Date(at + offsetMinutes * 60_000);
    const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
    const hours = d.getUTCHours() % 12 || 12;
    return `${month} ${String(d.getUTCDate()).padStart(2, '0')}, ${d.getUTCFullYear()} @ ${String(hours).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
  }

  /** The CartRelay plugin's own route (class-cartrelay-connection-route.php), as a user with manage_woocommerce reaches it. */
  function pluginRoute(res: ServerResponse, method: string, params: Params, authenticated: boolean): void {
    const { linkSecret, clickIdParam, keyId, appUrl } = params;
    if (!authenticated) sendRestError(res, new RestError(401, 'rest_forbidden', 'Sorry, you are not allowed to do that.'));
    else if (method === 'GET') sendJson(res, 200, { connected: pluginConnection !== null, clickIdParam: pluginConnection?.clickIdParam ?? 'irclickid' });
    else if (method === 'DELETE') {
      pluginConnection = null;
      sendJson(res, 200, { connected: false });
    } else if (method !== 'PUT') sendRestError(res, new RestError(404, 'rest_no_route', 'No route was found matching the URL and request method.'));
    else if (typeof linkSecret !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(linkSecret) || typeof clickIdParam !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(clickIdParam) || typeof keyId !== 'number' || typeof appUrl !== 'string') {
      sendRestError(res, new RestError(400, 'cartrelay_invalid_connection', 'The connection is not valid.'));
    } else {
      pluginConnection = { linkSecret, clickIdParam, keyId, appUrl };
      sendJson(res, 200, { connected: true });
    }
  }

  async function handleRest(req: IncomingMessage, res: ServerResponse, route: string, path: string, get: PhpArray, body: Buffer): Promise<void> {
    const contentType = (req.headers['content-type'] ?? '').toLowerCase();
    let method = (req.method ?? 'GET').toUpperCase();
    const post = method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded') ? phpParseStr(body.toString('latin1')) : new Map<string, PhpValue>();
    const auth = authenticate(req, method, path, get, post);
    if (auth.error) return sendRestError(res, auth.error);
    if (auth.key) {
      const denied = keyPermissionError(auth.key, method);
      if (denied) return sendRestError(res, denied);
      auth.key.last_access = gmdate(siteNow());
    }
    const params: Params = {};
    for (const [k, v] of get) params[bytesToText(k)] = phpToJson(v);
    for (const [k, v] of post) params[bytesToText(k)] = phpToJson(v);
    if (contentType.startsWith('application/json') && body.length > 0) {
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        return sendRestError(res, new RestError(400, 'rest_invalid_json', 'Invalid JSON body passed.', { status: 400, json_error_code: 4, json_error_message: 'Syntax error' }));
      }
      if (json && typeof json === 'object' && !Array.isArray(json)) Object.assign(params, json as Params);
    }
    const override = req.headers['x-http-method-override'] ?? (typeof params._method === 'string' ? params._method : undefined);
    if (method === 'POST' && typeof override === 'string' && override) method = override.toUpperCase();
    if (route === 'wc-cartrelay/v1/connection' && (options.cartrelayPlugin ?? true)) {
      pluginRoute(res, method, params, auth.key !== null && auth.key !== undefined);
      return;
    }
    const relative = route.replace(/^wc\/v3\//, '');
    for (const candidate of routes) {
      if (!route.startsWith('wc/v3/') || !candidate.methods.includes(method)) continue;
      const match = candidate.pattern.exec(relative);
      if (!match) continue;
      try {
        if (!auth.key) {
          const [code, message] = PERMISSION_ERRORS[candidate.permission];
          throw new RestError(401, code, message);
        }
        const answer = await candidate.run(params, match, auth.key);
        return sendJson(res, answer.status, answer.body, answer.headers);
      } catch (error) {
        if (error instanceof RestError) return sendRestError(res, error);
        throw error;
      }
    }
    return sendRestError(res, new RestError(404, 'rest_no_route', 'No route was found matching the URL and request method.'));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    const query = queryAt === -1 ? '' : rawUrl.slice(queryAt + 1);
    const get = phpParseStr(query);
    const body = await readBody(req);
    const local = (homePath && path.startsWith(homePath) ? path.slice(homePath.length) : path).replace(/^\/+/, '');
    const auth = /^wc-auth\/v1\/([^/]*)\/?$/.exec(local);
    if (auth) {
      const request: PhpArray = new Map(get);
      if (req.method === 'POST' && (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) for (const [k, v] of phpParseStr(body.toString('latin1'))) request.set(k, v);
      return handleAuth(res, wcClean(auth[1] ?? '').toLowerCase(), request);
    }
    const restRoute = local.startsWith('wp-json/') ? local.slice('wp-json/'.length).replace(/\/+$/, '') : local === '' && typeof get.get('rest_route') === 'string' ? bytesToText(get.get('rest_route') as string).replace(/^\/+|\/+$/g, '') : null;
    if (restRoute !== null) {
      if (restRoute.startsWith('wc/') || restRoute.startsWith('wc-')) return handleRest(req, res, restRoute, path, get, body);
      return sendRestError(res, new RestError(404, 'rest_no_route', 'No route was found matching the URL and request method.'));
    }
    sendHtml(res, 404, wpDiePage('Page not found', 'Page not found'));
  }

  return fake;
}
