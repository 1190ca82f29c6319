import { randomBytes } from 'node:crypto';

/**
 * Orders and refunds of the fake WooCommerce, rendered as the REST API v3 renders them
 * (`WC_REST_Orders_V2_Controller::get_formatted_item_data` / `get_order_item_data`, the refunds
 * controller's `get_formatted_item_data`, and `wc_create_refund` in includes/wc-order-functions.php).
 * Amounts are kept in cents and shown with 2 decimals (`wc_get_price_decimals()` default).
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const ORDER_STATUSES = ['pending', 'processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'failed', 'checkout-draft'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number] | 'trash';
const PAID_STATUSES: readonly string[] = ['processing', 'completed'];

export interface StoredMeta {
  id: number;
  key: string;
  value: JsonValue;
}

export interface StoredLine {
  readonly id: number;
  readonly name: string;
  readonly productId: number;
  readonly variationId: number;
  readonly quantity: number;
  /** Cents, before discounts. */
  readonly subtotal: number;
  /** Cents, after discounts. */
  readonly total: number;
  readonly sku: string;
  readonly meta: StoredMeta[];
}

export interface StoredCoupon {
  readonly id: number;
  readonly code: string;
  readonly discount: number;
}

export type WcAddress = {
  first_name: string;
  last_name: string;
  company: string;
  address_1: string;
  address_2: string;
  city: string;
  state: string;
  postcode: string;
  country: string;
  email?: string;
  phone?: string;
};

export interface StoredOrder {
  readonly id: number;
  status: OrderStatus;
  /** The status before it went to the trash (restored on untrash). */
  statusBeforeTrash: OrderStatus | null;
  readonly orderKey: string;
  readonly currency: string;
  readonly createdAt: number;
  modifiedAt: number;
  paidAt: number | null;
  completedAt: number | null;
  readonly customerId: number;
  readonly billing: WcAddress;
  readonly shipping: WcAddress;
  readonly customerIp: string;
  readonly customerUserAgent: string;
  readonly customerNote: string;
  readonly paymentMethod: string;
  readonly paymentMethodTitle: string;
  readonly transactionId: string;
  readonly meta: StoredMeta[];
  readonly lines: StoredLine[];
  readonly coupons: StoredCoupon[];
  /** Newest first, as `get_refunds()`. */
  readonly refundIds: number[];
}

export interface StoredRefundLine {
  readonly id: number;
  readonly refundedItemId: number;
  readonly name: string;
  readonly productId: number;
  readonly variationId: number;
  /** Negative. */
  readonly quantity: number;
  /** Negative cents. */
  readonly total: number;
  readonly sku: string;
  readonly meta: StoredMeta[];
}

export interface StoredRefund {
  readonly id: number;
  readonly orderId: number;
  readonly createdAt: number;
  /** Positive cents. */
  readonly amount: number;
  readonly reason: string;
  readonly refundedBy: number;
  readonly refundedPayment: boolean;
  readonly meta: StoredMeta[];
  readonly lines: StoredRefundLine[];
}

/** Ids come from shared sequences, as in WordPress: orders and refunds share one, order items another, meta a third. */
export class Sequences {
  post = 100;
  item = 1;
  meta = 1000;
  nextPost(): number {
    this.post += 1;
    return this.post;
  }
  nextItem(): number {
    const id = this.item;
    this.item += 1;
    return id;
  }
  nextMeta(): number {
    this.meta += 1;
    return this.meta;
  }
}

export function cents(amount: string | number): number {
  const value = typeof amount === 'number' ? amount : Number(amount);
  if (!Number.isFinite(value)) throw new Error(`Not an amount: ${amount}`);
  return Math.round(value * 100);
}

export function money(valueInCents: number): string {
  const sign = valueInCents < 0 ? '-' : '';
  const abs = Math.abs(valueInCents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** `Y-m-d\TH:i:s` of an instant shifted by the site's UTC offset (0 for the GMT field). */
export function wpDate(ms: number | null, offsetMinutes: number): string | null {
  if (ms === null) return null;
  return new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000).toISOString().slice(0, 19);
}

export function orderTotal(order: StoredOrder): number {
  return order.lines.reduce((sum, line) => sum + line.total, 0);
}

export type WcMetaJson = { id: number; key: string; value: JsonValue };
export type WcItemMetaJson = WcMetaJson & { display_key: string; display_value: string };
export type WcLinks = Record<string, Array<{ href: string }>>;
export type WcLineItemJson = {
  id: number;
  name: string;
  product_id: number;
  variation_id: number;
  quantity: number;
  tax_class: string;
  subtotal: string;
  subtotal_tax: string;
  total: string;
  total_tax: string;
  taxes: JsonValue[];
  meta_data: WcItemMetaJson[];
  sku: string;
  price: number;
  image: { id: string | number; src: string };
  parent_name: string | null;
};
export type WcCouponLineJson = { id: number; code: string; discount: string; discount_tax: string; meta_data: WcMetaJson[] };
export type WcOrderJson = {
  id: number;
  parent_id: number;
  status: OrderStatus;
  currency: string;
  version: string;
  prices_include_tax: boolean;
  date_created: string | null;
  date_modified: string | null;
  discount_total: string;
  discount_tax: string;
  shipping_total: string;
  shipping_tax: string;
  cart_tax: string;
  total: string;
  total_tax: string;
  customer_id: number;
  order_key: string;
  billing: WcAddress;
  shipping: WcAddress;
  payment_method: string;
  payment_method_title: string;
  transaction_id: string;
  customer_ip_address: string;
  customer_user_agent: string;
  created_via: string;
  customer_note: string;
  date_completed: string | null;
  date_paid: string | null;
  cart_hash: string;
  number: string;
  meta_data: WcMetaJson[];
  line_items: WcLineItemJson[];
  tax_lines: JsonValue[];
  shipping_lines: JsonValue[];
  fee_lines: JsonValue[];
  coupon_lines: WcCouponLineJson[];
  refunds: Array<{ id: number; reason: string; total: string }>;
  payment_url: string;
  is_editable: boolean;
  needs_payment: boolean;
  needs_processing: boolean;
  date_created_gmt: string | null;
  date_modified_gmt: string | null;
  date_completed_gmt: string | null;
  date_paid_gmt: string | null;
  currency_symbol: string;
  _links: WcLinks;
};
export type WcRefundJson = {
  id: number;
  date_created: string | null;
  date_created_gmt: string | null;
  amount: string;
  reason: string;
  refunded_by: number;
  refunded_payment: boolean;
  meta_data: WcMetaJson[];
  line_items: WcLineItemJson[];
  shipping_lines: JsonValue[];
  tax_lines: JsonValue[];
  fee_lines: JsonValue[];
  _links: WcLinks;
};

export interface RenderContext {
  readonly restBase: string;
  readonly offsetMinutes: number;
  readonly siteUrl: string;
  readonly wcVersion: string;
  readonly refunds: ReadonlyMap<number, StoredRefund>;
}

function itemMeta(meta: readonly StoredMeta[]): WcItemMetaJson[] {
  return meta.map((m) => ({ id: m.id, key: m.key, value: m.value, display_key: m.key, display_value: typeof m.value === 'string' ? m.value : m.value === null ? '' : JSON.stringify(m.value) }));
}

function lineJson(line: { id: number; name: string; productId: number; variationId: number; quantity: number; subtotal: number; total: number; sku: string; meta: readonly StoredMeta[] }): WcLineItemJson {
  return {
    id: line.id,
    name: line.name,
    product_id: line.productId,
    variation_id: line.variationId,
    quantity: line.quantity,
    tax_class: '',
    subtotal: money(line.subtotal),
    subtotal_tax: '0.00',
    total: money(line.total),
    total_tax: '0.00',
    taxes: [],
    meta_data: itemMeta(line.meta),
    sku: line.sku,
    // `$item->get_total() / $item->get_quantity()`, a number.
    price: line.quantity ? line.total / 100 / line.quantity : 0,
    image: { id: '', src: '' },
    parent_name: null,
  };
}

/** The order as `GET /wc/v3/orders/{id}` shows it (and as the webhook payload carries it). */
export function renderOrder(order: StoredOrder, ctx: RenderContext): WcOrderJson {
  const off = ctx.offsetMinutes;
  const total = orderTotal(order);
  const discount = order.coupons.reduce((sum, c) => sum + c.discount, 0);
  const self = `${ctx.restBase}/orders/${order.id}`;
  const links: WcLinks = { self: [{ href: self }], collection: [{ href: `${ctx.restBase}/orders` }] };
  if (order.customerId !== 0) links.customer = [{ href: `${ctx.restBase}/customers/${order.customerId}` }];
  return {
    id: order.id,
    parent_id: 0,
    status: order.status,
    currency: order.currency,
    version: ctx.wcVersion,
    prices_include_tax: false,
    date_created: wpDate(order.createdAt, off),
    date_modified: wpDate(order.modifiedAt, off),
    discount_total: money(discount),
    discount_tax: '0.00',
    shipping_total: '0.00',
    shipping_tax: '0.00',
    cart_tax: '0.00',
    total: money(total),
    total_tax: '0.00',
    customer_id: order.customerId,
    order_key: order.orderKey,
    billing: { ...order.billing },
    shipping: { ...order.shipping },
    payment_method: order.paymentMethod,
    payment_method_title: order.paymentMethodTitle,
    transaction_id: order.transactionId,
    customer_ip_address: order.customerIp,
    customer_user_agent: order.customerUserAgent,
    created_via: 'checkout',
    customer_note: order.customerNote,
    date_completed: wpDate(order.completedAt, off),
    date_paid: wpDate(order.paidAt, off),
    cart_hash: '',
    number: String(order.id),
    meta_data: order.meta.map((m) => ({ id: m.id, key: m.key, value: m.value })),
    line_items: order.lines.map(lineJson),
    tax_lines: [],
    shipping_lines: [],
    fee_lines: [],
    coupon_lines: order.coupons.map((c) => ({ id: c.id, code: c.code, discount: money(c.discount), discount_tax: '0.00', meta_data: [] })),
    refunds: order.refundIds.flatMap((id) => {
      const refund = ctx.refunds.get(id);
      return refund ? [{ id: refund.id, reason: refund.reason, total: `-${money(refund.amount)}` }] : [];
    }),
    payment_url: `${ctx.siteUrl}/checkout/order-pay/${order.id}/?pay_for_order=true&key=${order.orderKey}`,
    is_editable: order.status === 'pending' || order.status === 'on-hold' || order.status === 'checkout-draft',
    needs_payment: order.status === 'pending' || order.status === 'failed',
    needs_processing: true,
    date_created_gmt: wpDate(order.createdAt, 0),
    date_modified_gmt: wpDate(order.modifiedAt, 0),
    date_completed_gmt: wpDate(order.completedAt, 0),
    date_paid_gmt: wpDate(order.paidAt, 0),
    currency_symbol: order.currency === 'EUR' ? '€' : order.currency === 'GBP' ? '£' : '$',
    _links: links,
  };
}

/** The refund as `GET /wc/v3/orders/{order_id}/refunds/{id}` shows it. */
export function renderRefund(refund: StoredRefund, ctx: RenderContext): WcRefundJson {
  const base = `${ctx.restBase}/orders/${refund.orderId}/refunds`;
  return {
    id: refund.id,
    date_created: wpDate(refund.createdAt, ctx.offsetMinutes),
    date_created_gmt: wpDate(refund.createdAt, 0),
    amount: money(refund.amount),
    reason: refund.reason,
    refunded_by: refund.refundedBy,
    refunded_payment: refund.refundedPayment,
    meta_data: refund.meta.map((m) => ({ id: m.id, key: m.key, value: m.value })),
    line_items: refund.lines.map((line) => lineJson({ ...line, subtotal: line.total })),
    shipping_lines: [],
    tax_lines: [],
    fee_lines: [],
    _links: { self: [{ href: `${base}/${refund.id}` }], collection: [{ href: base }], up: [{ href: `${ctx.restBase}/orders/${refund.orderId}` }] },
  };
}

export interface CreateOrderLine {
  readonly sku: string;
  readonly name?: string;
  readonly quantity: number;
  /** The unit price, e.g. "12.50". */
  readonly price: string;
  readonly productId?: number;
  readonly variationId?: number;
  readonly meta?: Readonly<Record<string, string>>;
}

export interface CreateOrderInput {
  readonly status?: Exclude<OrderStatus, 'trash'>;
  readonly lineItems: readonly CreateOrderLine[];
  readonly coupons?: ReadonlyArray<{ readonly code: string; readonly discount: string }>;
  readonly meta?: Readonly<Record<string, string>>;
  readonly currency?: string;
  readonly customerId?: number;
  readonly email?: string;
  readonly billing?: Partial<WcAddress>;
  readonly customerIp?: string;
  readonly customerUserAgent?: string;
  /** When the order was paid (ms or ISO-8601); default: at creation when the status is processing or completed. */
  readonly paidAt?: number | string | null;
  readonly paymentMethod?: string;
}

const EMPTY_ADDRESS: WcAddress = { first_name: '', last_name: '', company: '', address_1: '', address_2: '', city: '', state: '', postcode: '', country: '' };

/** Builds a stored order; the coupon discounts are spread over the lines in proportion to their subtotals. */
export function buildOrder(input: CreateOrderInput, seq: Sequences, at: number): StoredOrder {
  if (input.lineItems.length === 0) throw new Error('createOrder: at least one line item');
  const id = seq.nextPost();
  const subtotals = input.lineItems.map((line) => {
    if (!Number.isInteger(line.quantity) || line.quantity <= 0) throw new Error(`createOrder: bad quantity ${line.quantity}`);
    return cents(line.price) * line.quantity;
  });
  const coupons = (input.coupons ?? []).map((c) => ({ id: 0, code: c.code, discount: cents(c.discount) }));
  const discount = coupons.reduce((sum, c) => sum + c.discount, 0);
  const gross = subtotals.reduce((a, b) => a + b, 0);
  if (discount > gross) throw new Error('createOrder: discount above the subtotal');
  let left = discount;
  const lines: StoredLine[] = input.lineItems.map((line, index) => {
    const subtotal = subtotals[index]!;
    const share = index === input.lineItems.length - 1 ? left : Math.round((discount * subtotal) / gross);
    left -= share;
    return {
      id: seq.nextItem(),
      name: line.name ?? line.sku,
      productId: line.productId ?? 10 + index,
      variationId: line.variationId ?? 0,
      quantity: line.quantity,
      subtotal,
      total: subtotal - share,
      sku: line.sku,
      meta: Object.entries(line.meta ?? {}).map(([key, value]) => ({ id: seq.nextMeta(), key, value })),
    };
  });
  const status = input.status ?? 'processing';
  const paidAt = input.paidAt === undefined ? (PAID_STATUSES.includes(status) ? at : null) : input.paidAt === null ? null : typeof input.paidAt === 'number' ? input.paidAt : Date.parse(input.paidAt);
  const billing: WcAddress = { ...EMPTY_ADDRESS, first_name: 'John', last_name: 'Doe', country: 'US', email: input.email ?? 'john.doe@example.com', phone: '', ...input.billing };
  return {
    id,
    status,
    statusBeforeTrash: null,
    orderKey: `wc_order_${randomBytes(7).toString('hex').slice(0, 13)}`,
    currency: input.currency ?? 'USD',
    createdAt: at,
    modifiedAt: at,
    paidAt,
    completedAt: status === 'completed' ? at : null,
    customerId: input.customerId ?? 0,
    billing,
    shipping: { ...EMPTY_ADDRESS, phone: '' },
    customerIp: input.customerIp ?? '',
    customerUserAgent: input.customerUserAgent ?? '',
    customerNote: '',
    paymentMethod: input.paymentMethod ?? 'bacs',
    paymentMethodTitle: input.paymentMethod ? input.paymentMethod : 'Direct bank transfer',
    transactionId: '',
    meta: Object.entries(input.meta ?? {}).map(([key, value]) => ({ id: seq.nextMeta(), key, value })),
    lines,
    coupons: coupons.map((c) => ({ ...c, id: seq.nextItem() })),
    refundIds: [],
  };
}

/** A status change as `WC_Order::set_status` + `maybe_set_date_paid` / `maybe_set_date_completed` do it. */
export function applyStatus(order: StoredOrder, status: Exclude<OrderStatus, 'trash'>, at: number): void {
  order.status = status;
  if (PAID_STATUSES.includes(status) && order.paidAt === null) order.paidAt = at;
  if (status === 'completed' && order.completedAt === null) order.completedAt = at;
}

/** `update_meta_data`: replaces the value of the first entry with that key, or adds one. */
export function updateMeta(meta: StoredMeta[], key: string, value: JsonValue, seq: Sequences): void {
  const existing = meta.find((m) => m.key === key);
  if (existing) existing.value = value;
  else meta.push({ id: seq.nextMeta(), key, value });
}

export interface RefundLineRequest {
  readonly itemId: number;
  readonly quantity: number;
  /** Cents, positive. */
  readonly refundTotal: number;
}

/** Cents refunded so far. */
export function totalRefunded(order: StoredOrder, refunds: ReadonlyMap<number, StoredRefund>): number {
  return order.refundIds.reduce((sum, id) => sum + (refunds.get(id)?.amount ?? 0), 0);
}

/**
 * The refund object of `wc_create_refund`: a copy of each refunded line with `_refunded_item_id`, a
 * negative quantity and negative totals. Throws "Invalid refund amount." as WooCommerce does when the
 * amount is negative or above what is left to refund.
 */
export function buildRefund(order: StoredOrder, refunds: ReadonlyMap<number, StoredRefund>, input: { amount: number; reason: string; lines: readonly RefundLineRequest[]; refundedPayment: boolean }, seq: Sequences, at: number): { refund: StoredRefund; full: boolean } {
  const remaining = orderTotal(order) - totalRefunded(order, refunds);
  if (input.amount < 0 || input.amount > remaining) throw new Error('Invalid refund amount.');
  const id = seq.nextPost();
  const lines: StoredRefundLine[] = [];
  for (const line of order.lines) {
    const requested = input.lines.find((l) => l.itemId === line.id);
    if (!requested || (requested.quantity === 0 && requested.refundTotal === 0)) continue;
    lines.push({
      id: seq.nextItem(),
      refundedItemId: line.id,
      name: line.name,
      productId: line.productId,
      variationId: line.variationId,
      quantity: requested.quantity * -1,
      total: requested.refundTotal * -1,
      sku: line.sku,
      meta: [...line.meta.map((m) => ({ id: seq.nextMeta(), key: m.key, value: m.value })), { id: seq.nextMeta(), key: '_refunded_item_id', value: String(line.id) }],
    });
  }
  const refund: StoredRefund = { id, orderId: order.id, createdAt: at, amount: input.amount, reason: input.reason, refundedBy: 1, refundedPayment: input.refundedPayment, meta: [], lines };
  return { refund, full: remaining - input.amount <= 0 };
}

export interface ListQuery {
  readonly statuses: readonly string[];
  readonly after?: string;
  readonly before?: string;
  readonly modifiedAfter?: string;
  readonly modifiedBefore?: string;
  readonly datesAreGmt: boolean;
  readonly orderby: string;
  readonly order: 'asc' | 'desc';
  readonly include: readonly number[];
  readonly exclude: readonly number[];
  readonly customer?: number;
  readonly product?: number;
}

/**
 * WP_Date_Query's `build_mysql_datetime` for a REST date: a string that is not plain `Y-m-d H:i:s` is
 * read with `date_create( $value, wp_timezone() )` and formatted in the site's timezone, so a given
 * offset is converted to site time, and the result is compared (strictly) with the local or the GMT
 * column as `dates_are_gmt` says — even when that column is GMT.
 */
export function wpQueryDate(value: string, offsetMinutes: number): string {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/.exec(value);
  if (!m) return value;
  if (!m[4]) return `${m[1]}T${m[2]}`;
  const instant = Date.parse(`${m[1]}T${m[2]}${m[4].toUpperCase() === 'Z' ? 'Z' : normalizeOffset(m[4])}`);
  return wpDate(instant, offsetMinutes) ?? value;
}

function normalizeOffset(offset: string): string {
  const digits = offset.slice(1).replace(':', '');
  return `${offset[0]}${digits.slice(0, 2)}:${(digits.slice(2) || '00').padEnd(2, '0')}`;
}

export function filterOrders(orders: Iterable<StoredOrder>, q: ListQuery, offsetMinutes: number): StoredOrder[] {
  const any = q.statuses.includes('any');
  const col = (ms: number) => wpDate(ms, q.datesAreGmt ? 0 : offsetMinutes) ?? '';
  const result = [...orders].filter((o) => {
    if (any ? o.status === 'trash' : !q.statuses.includes(o.status)) return false;
    if (q.include.length > 0 && !q.include.includes(o.id)) return false;
    if (q.exclude.includes(o.id)) return false;
    if (q.customer !== undefined && o.customerId !== q.customer) return false;
    if (q.product !== undefined && !o.lines.some((l) => l.productId === q.product)) return false;
    if (q.after !== undefined && !(col(o.createdAt) > wpQueryDate(q.after, offsetMinutes))) return false;
    if (q.before !== undefined && !(col(o.createdAt) < wpQueryDate(q.before, offsetMinutes))) return false;
    if (q.modifiedAfter !== undefined && !(col(o.modifiedAt) > wpQueryDate(q.modifiedAfter, offsetMinutes))) return false;
    if (q.modifiedBefore !== undefined && !(col(o.modifiedAt) < wpQueryDate(q.modifiedBefore, offsetMinutes))) return false;
    return true;
  });
  const dir = q.order === 'asc' ? 1 : -1;
  const seconds = (ms: number) => Math.floor(ms / 1000);
  result.sort((a, b) => {
    switch (q.orderby) {
      case 'id':
        return dir * (a.id - b.id);
      case 'include':
        return q.include.indexOf(a.id) - q.include.indexOf(b.id);
      case 'modified':
        // 'modified ID': both in the same direction.
        return dir * (seconds(a.modifiedAt) - seconds(b.modifiedAt) || a.id - b.id);
      default:
        // date, title and slug all follow the creation date (order titles and slugs are made from it).
        return dir * (seconds(a.createdAt) - seconds(b.createdAt) || a.id - b.id);
    }
  });
  return result;
}
