import type { FakeAnswer } from './fake-http.ts';
import { MISSING_SCOPE, positiveInt, rfc2822, v2Error, v3Error } from './fake-http.ts';
import type { FakeGrant } from './fake-login.ts';

/**
 * V2 orders (`/stores/{hash}/v2/orders…`, reference/orders.v2.oas2.yml) and V3 refunds
 * (`/v3/orders/{id}/payment_actions/refunds`, reference/orders.v3.yml), with the helpers a test uses
 * to change orders as a shopper or a merchant would.
 */
export type V2Order = { id: number | string } & Record<string, unknown>;
export type V2OrderProduct = Record<string, unknown>;

export interface V3Refund {
  readonly id: number;
  readonly order_id: number;
  readonly user_id: number;
  readonly created: string;
  readonly reason: string;
  readonly total_amount: number;
  readonly total_tax: number;
  readonly uses_merchant_override_values: boolean;
  readonly items: ReadonlyArray<{ item_type: 'PRODUCT' | 'ORDER'; item_id: number; reason: string; quantity?: number; requested_amount: number | null }>;
  readonly payments: ReadonlyArray<{ id: number; provider_id: string; amount: number; offline: boolean; is_declined: boolean; declined_message: string }>;
}

export interface StoredOrder {
  order: V2Order;
  products: V2OrderProduct[];
  coupons: unknown[];
  refunds: V3Refund[];
}

/** An event BigCommerce fires for a change, to pass to `deliver(storeHash, event.scope, event.data)`. */
export interface FakeEvent {
  readonly scope: string;
  readonly data: Record<string, unknown>;
}

/** `GET /v2/order_statuses` (orders.v2.oas2.yml). */
export const ORDER_STATUSES: Readonly<Record<number, string>> = {
  0: 'Incomplete',
  1: 'Pending',
  2: 'Shipped',
  3: 'Partially Shipped',
  4: 'Refunded',
  5: 'Cancelled',
  6: 'Declined',
  7: 'Awaiting Payment',
  8: 'Awaiting Pickup',
  9: 'Awaiting Shipment',
  10: 'Completed',
  11: 'Awaiting Fulfillment',
  12: 'Manual Verification Required',
  13: 'Disputed',
  14: 'Partially Refunded',
};

const ORDERS_READ = ['store_v2_orders', 'store_v2_orders_read_only'];
/** Refunds: "Requires at least one of the following scopes" (orders.v3.yml, getOrderRefunds). */
const REFUNDS_READ = [...ORDERS_READ, 'store_v2_transactions', 'store_v2_transactions_read_only'];
const SORTABLE = ['id', 'customer_id', 'date_created', 'date_modified', 'status_id', 'channel_id', 'external_id'];
/** "The maximum number … returned is 250" (docs/start/about/common-query-params.mdx); more is capped (the fake's reading). */
const MAX_LIMIT = 250;

/** Money as the V2 API writes it: a string with four decimals. Kept in ten-thousandths to add it up without floats. */
const units = (value: unknown) => Math.round(Number(value ?? 0) * 10_000);
const money = (tenThousandths: number) => (tenThousandths / 10_000).toFixed(4);

export function createOrders(options: { readonly now: () => number; readonly apiUrl: () => string }) {
  const stores = new Map<string, Map<string, StoredOrder>>();
  let nextOrderId = 100;
  let nextProductId = 1000;
  let nextRefundId = 1;

  const ordersOf = (storeHash: string) => {
    const orders = stores.get(storeHash) ?? new Map<string, StoredOrder>();
    stores.set(storeHash, orders);
    return orders;
  };
  const find = (storeHash: string, orderId: number | string) => {
    const stored = ordersOf(storeHash).get(String(orderId));
    if (!stored) throw new Error(`store ${storeHash} has no order ${orderId}`);
    return stored;
  };

  /** A product line with the fields the V2 API always returns; given fields win. */
  function productLine(orderId: number, input: V2OrderProduct): V2OrderProduct {
    const quantity = Number(input.quantity ?? 1);
    const price = input.price_inc_tax ?? input.base_price ?? '10.0000';
    return {
      id: nextProductId++,
      order_id: orderId,
      product_id: 0,
      variant_id: 0,
      name: 'Fake product',
      sku: '',
      type: 'physical',
      base_price: money(units(price)),
      price_ex_tax: money(units(input.price_ex_tax ?? price)),
      price_inc_tax: money(units(price)),
      price_tax: '0.0000',
      base_total: money(units(price) * quantity),
      total_ex_tax: money(units(input.price_ex_tax ?? price) * quantity),
      total_inc_tax: money(units(price) * quantity),
      total_tax: '0.0000',
      quantity,
      is_refunded: false,
      quantity_refunded: 0,
      refund_amount: '0.0000',
      applied_discounts: [],
      product_options: [],
      parent_order_product_id: null,
      is_bundled_product: false,
      ...input,
    };
  }

  const api = {
    /** `GET /v2/orders`: filters, sort, page and limit; an empty page is 204 with no body. */
    list(grant: FakeGrant, query: URLSearchParams): FakeAnswer {
      if (!ORDERS_READ.some((scope) => grant.scopes.has(scope))) return MISSING_SCOPE;
      const bounds: Array<[string, string, 1 | -1]> = [
        ['min_date_modified', 'date_modified', 1],
        ['max_date_modified', 'date_modified', -1],
        ['min_date_created', 'date_created', 1],
        ['max_date_created', 'date_created', -1],
      ];
      const filters: Array<(order: V2Order) => boolean> = [];
      for (const [parameter, field, direction] of bounds) {
        const raw = query.get(parameter);
        if (raw === null) continue;
        const bound = parseFilterDate(raw);
        if (bound === null) return v2Error(400, `The field '${parameter}' is invalid: "${raw}" is neither RFC 2822 nor ISO 8601 (is a + in it URL-encoded?)`);
        // Inclusive at BigCommerce's one-second resolution.
        const boundSeconds = Math.floor(bound / 1000);
        filters.push((order) => direction * (Math.floor(Date.parse(String(order[field])) / 1000) - boundSeconds) >= 0);
      }
      for (const [parameter, compare] of [
        ['min_id', (order: V2Order, value: string) => Number(order.id) >= Number(value)],
        ['max_id', (order: V2Order, value: string) => Number(order.id) <= Number(value)],
        ['status_id', (order: V2Order, value: string) => String(order.status_id) === value],
        ['customer_id', (order: V2Order, value: string) => String(order.customer_id) === value],
        ['cart_id', (order: V2Order, value: string) => order.cart_id === value],
        ['channel_id', (order: V2Order, value: string) => String(order.channel_id) === value],
        ['email', (order: V2Order, value: string) => (order.billing_address as { email?: string } | undefined)?.email === value],
      ] as const) {
        const value = query.get(parameter);
        if (value !== null) filters.push((order) => compare(order, value));
      }
      const [sortField = 'id', sortDirection = 'asc'] = (query.get('sort') ?? 'id').split(':');
      if (!SORTABLE.includes(sortField) || !['asc', 'desc'].includes(sortDirection)) return v2Error(400, `The field 'sort' is invalid: ${query.get('sort')}`);
      const key = (order: V2Order) => (sortField.startsWith('date_') ? Date.parse(String(order[sortField])) : Number(order[sortField] ?? 0));
      const matching = [...ordersOf(grant.storeHash).values()]
        .map((stored) => stored.order)
        .filter((order) => filters.every((filter) => filter(order)))
        // The default sort is by id, lowest to highest; ties by id.
        .sort((a, b) => (sortDirection === 'desc' ? -1 : 1) * (key(a) - key(b) || Number(a.id) - Number(b.id)));
      const limit = Math.min(MAX_LIMIT, positiveInt(query.get('limit')) ?? 50);
      const page = positiveInt(query.get('page')) ?? 1;
      const slice = matching.slice((page - 1) * limit, page * limit);
      // "V2 API returns a 204 with no body when there are no orders" (V2 bodies carry no pagination meta).
      return slice.length === 0 ? { status: 204 } : { status: 200, body: slice };
    },
    /** `GET /v2/orders/{id}[/products|/coupons]`. */
    get(grant: FakeGrant, orderId: string | undefined, part: 'order' | 'products' | 'coupons'): FakeAnswer {
      if (!ORDERS_READ.some((scope) => grant.scopes.has(scope))) return MISSING_SCOPE;
      const stored = ordersOf(grant.storeHash).get(String(orderId));
      if (!stored) return v2Error(404, 'The requested resource was not found.');
      if (part === 'order') return { status: 200, body: stored.order };
      const items = part === 'products' ? stored.products : stored.coupons;
      return items.length === 0 ? { status: 204 } : { status: 200, body: items };
    },
    /** `GET /v3/orders/{id}/payment_actions/refunds`: `{data, meta}` by ascending refund id. */
    refunds(grant: FakeGrant, orderId: string | undefined): FakeAnswer {
      if (!REFUNDS_READ.some((scope) => grant.scopes.has(scope))) return MISSING_SCOPE;
      const stored = ordersOf(grant.storeHash).get(String(orderId));
      if (!stored) return v3Error(404, 'Order not found');
      return { status: 200, body: { data: [...stored.refunds].sort((a, b) => a.id - b.id), meta: {} } };
    },
  };

  const touch = (order: V2Order) => {
    order.date_modified = rfc2822(options.now());
  };

  return {
    stores,
    api,
    /** Stores a bundle exactly as given (the order, its products and coupons). */
    setOrder(storeHash: string, bundle: { order: V2Order; products: unknown[]; coupons: unknown[] }): void {
      ordersOf(storeHash).set(String(bundle.order.id), {
        order: bundle.order,
        products: bundle.products as V2OrderProduct[],
        coupons: bundle.coupons,
        refunds: ordersOf(storeHash).get(String(bundle.order.id))?.refunds ?? [],
      });
    },
    /** A new order, completed with the fields the V2 API returns (ids, dates now, totals from its products). */
    addOrder(storeHash: string, input: { order?: Partial<V2Order>; products?: V2OrderProduct[]; coupons?: unknown[] } = {}): V2Order {
      const id = Number(input.order?.id ?? nextOrderId);
      nextOrderId = Math.max(nextOrderId, id + 1);
      const products = (input.products ?? [{ sku: 'FAKE-SKU', name: 'Fake product', quantity: 1, price_inc_tax: '10.0000' }]).map((line) => productLine(id, line));
      const subtotal = products.reduce((sum, line) => sum + units(line.total_inc_tax), 0);
      const statusId = Number(input.order?.status_id ?? 11);
      const now = rfc2822(options.now());
      const base = `${options.apiUrl()}/stores/${storeHash}/v2/orders/${id}`;
      const order: V2Order = {
        id,
        customer_id: 0,
        date_created: now,
        date_modified: now,
        date_shipped: '',
        status_id: statusId,
        status: ORDER_STATUSES[statusId] ?? 'Unknown',
        custom_status: ORDER_STATUSES[statusId] ?? 'Unknown',
        subtotal_ex_tax: money(subtotal),
        subtotal_inc_tax: money(subtotal),
        subtotal_tax: '0.0000',
        base_shipping_cost: '0.0000',
        shipping_cost_ex_tax: '0.0000',
        shipping_cost_inc_tax: '0.0000',
        total_ex_tax: money(subtotal),
        total_inc_tax: money(subtotal),
        total_tax: '0.0000',
        items_total: products.reduce((sum, line) => sum + Number(line.quantity), 0),
        is_tax_inclusive_pricing: false,
        payment_method: 'Test Payment Gateway',
        payment_status: 'captured',
        // Documented as "always returns 0" (orders.v2.oas2.yml).
        refunded_amount: '0.0000',
        discount_amount: '0.0000',
        coupon_discount: '0.0000',
        currency_code: 'USD',
        default_currency_code: 'USD',
        store_default_currency_code: 'USD',
        currency_exchange_rate: '1.0000000000',
        order_source: 'www',
        channel_id: 1,
        cart_id: null,
        customer_message: '',
        staff_notes: '',
        ip_address: '',
        billing_address: { first_name: 'Jane', last_name: 'Doe', email: 'janedoe@example.com', country_iso2: 'US', form_fields: [] },
        products: { url: `${base}/products`, resource: `/orders/${id}/products` },
        shipping_addresses: { url: `${base}/shipping_addresses`, resource: `/orders/${id}/shipping_addresses` },
        coupons: { url: `${base}/coupons`, resource: `/orders/${id}/coupons` },
        ...input.order,
      };
      ordersOf(storeHash).set(String(id), { order, products, coupons: input.coupons ?? [], refunds: [] });
      return order;
    },
    /** Merges a change into an order; `date_modified` moves to now unless the change sets it. */
    updateOrder(storeHash: string, orderId: number | string, change: Partial<V2Order>): V2Order {
      const stored = find(storeHash, orderId);
      touch(stored.order);
      Object.assign(stored.order, change);
      return stored.order;
    },
    /** A status change as the merchant (or a payment) makes it; returns the `store/order/statusUpdated` event. */
    setStatus(storeHash: string, orderId: number | string, statusId: number): { order: V2Order; events: FakeEvent[] } {
      const stored = find(storeHash, orderId);
      const previous = Number(stored.order.status_id);
      Object.assign(stored.order, { status_id: statusId, status: ORDER_STATUSES[statusId] ?? 'Unknown', custom_status: ORDER_STATUSES[statusId] ?? 'Unknown' });
      touch(stored.order);
      const events = previous === statusId ? [] : [statusEvent(stored.order.id, previous, statusId)];
      return { order: stored.order, events };
    },
    /**
     * A refund as the merchant makes it in the control panel: each line's `quantity_refunded` grows,
     * a V3 refund is recorded, and the order becomes Refunded (4) once every unit is refunded, else
     * Partially Refunded (14). Lines name an order product by `itemId` (its `id`) or `sku`; with no
     * lines and an `amount`, an amount-only ORDER refund.
     */
    refund(
      storeHash: string,
      orderId: number | string,
      lines: ReadonlyArray<{ itemId?: number; sku?: string; quantity: number }>,
      refundOptions: { amount?: string; reason?: string } = {},
    ): { order: V2Order; refund: V3Refund; events: FakeEvent[] } {
      const stored = find(storeHash, orderId);
      const items: Array<V3Refund['items'][number]> = [];
      let total = 0;
      for (const line of lines) {
        const product = stored.products.find((candidate) => (line.itemId !== undefined ? candidate.id === line.itemId : candidate.sku === line.sku));
        if (!product) throw new Error(`order ${orderId} has no product ${line.itemId ?? line.sku}`);
        const refunded = Number(product.quantity_refunded ?? 0) + line.quantity;
        if (refunded > Number(product.quantity)) throw new Error(`order ${orderId}: cannot refund ${refunded} of ${product.quantity} × ${product.sku}`);
        Object.assign(product, { quantity_refunded: refunded, is_refunded: refunded >= Number(product.quantity) });
        items.push({ item_type: 'PRODUCT', item_id: Number(product.id), reason: refundOptions.reason ?? '', quantity: line.quantity, requested_amount: null });
        total += units(product.price_inc_tax) * line.quantity;
      }
      if (lines.length === 0) {
        if (refundOptions.amount === undefined) throw new Error('a refund needs lines or an amount');
        items.push({ item_type: 'ORDER', item_id: Number(stored.order.id), reason: refundOptions.reason ?? '', requested_amount: Number(refundOptions.amount) });
        total = units(refundOptions.amount);
      }
      const refundId = nextRefundId++;
      const refund: V3Refund = {
        id: refundId,
        order_id: Number(stored.order.id),
        user_id: 0,
        created: new Date(options.now()).toISOString(),
        reason: refundOptions.reason ?? '',
        total_amount: total / 10_000,
        total_tax: 0,
        uses_merchant_override_values: false,
        items,
        payments: [{ id: refundId, provider_id: 'testgateway', amount: total / 10_000, offline: false, is_declined: false, declined_message: '' }],
      };
      stored.refunds.push(refund);
      const previous = Number(stored.order.status_id);
      const allRefunded = stored.products.length > 0 && stored.products.every((product) => Number(product.quantity_refunded ?? 0) >= Number(product.quantity));
      const statusId = allRefunded ? 4 : 14;
      Object.assign(stored.order, { status_id: statusId, status: ORDER_STATUSES[statusId], custom_status: ORDER_STATUSES[statusId] });
      touch(stored.order);
      const events: FakeEvent[] = [{ scope: 'store/order/refund/created', data: { type: 'order', id: Number(stored.order.id), refund: { refund_id: refund.id } } }];
      if (previous !== statusId) events.push(statusEvent(stored.order.id, previous, statusId));
      return { order: stored.order, refund, events };
    },
    orderOf(storeHash: string, orderId: number | string): StoredOrder | undefined {
      return ordersOf(storeHash).get(String(orderId));
    },
  };
}

function statusEvent(orderId: number | string, previous: number, next: number): FakeEvent {
  return { scope: 'store/order/statusUpdated', data: { type: 'order', id: Number(orderId), status: { previous_status_id: previous, new_status_id: next } } };
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const RFC_2822 = /^([A-Z][a-z]{2}, )?\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}(:\d{2})? ([+-]\d{4}|GMT|UT|Z)$/;

/** "RFC-2822 or ISO-8601", e.g. `Thu, 20 Apr 2017 11:32:00 -0400` or `2017-04-20T11:32:00.000-04:00`. */
export function parseFilterDate(value: string): number | null {
  if (!ISO_8601.test(value) && !RFC_2822.test(value)) return null;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed;
}
