import { DEFAULT_CLICK_ID_PARAM } from '../config/tracking-config.ts';
import { z } from 'zod';
import { type ClickCaptures, findOrderClickCapture } from '../captures/click-captures.ts';
import type { DeliveryListing } from '../delivery/outbox.ts';
import { lateClickCapture } from '../ledger/late-click.ts';
import { merchantLines } from '../mapping/explain-line.ts';
import { type MinorUnits, formatMinorUnits, parseMinorUnits, sumMinorUnits } from '../money/minor-units.ts';
import type { Order } from '../order/order.ts';
import { readClickWaitOutcome, type ClickWait } from '../webhooks/click-wait-outcome.ts';
import type { Shop } from '../shops/shop-directory.ts';
import type { RecentOrder, RelayQueries } from '../store/relay-queries.ts';
import { adminClickSource } from './click-source.ts';
import type { AdminAction, AdminActionsPage, AdminAttribution, AdminDelivery } from './contract.ts';

/** What recent actions read: the ledger's orders, their deliveries, the inbox's waiting orders, click captures. */
export type ActionsStore = Pick<RelayQueries, 'listRecentOrders' | 'listClickWaits' | 'listDeliveries' | 'ordersInLedger'> & Pick<ClickCaptures, 'findClickCapture'>;

/** `GET /actions`'s query: `limit` 1..200, `before` a page's nextCursor, `q` an order number, code or click id. */
export const ActionsQuerySchema = z.object({
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1).max(200).default(50),
  before: z
    .string()
    .optional()
    .transform((text, context) => {
      if (text === undefined || text === '') return null;
      const place = readCursor(text);
      if (!place) context.addIssue({ code: 'custom', message: 'is not a cursor this API gave' });
      return place;
    }),
  q: z.string().trim().max(100, 'at most 100 characters').optional(),
});
export type ActionsQuery = z.output<typeof ActionsQuerySchema>;

/**
 * Where an action stands in the list, newest first: its time (an order: when the ledger first saw it;
 * a test action: its first delivery; a waiting order: when its webhook came), then its kind (waiting,
 * order, test action), then its id. The cursor is the last item's place, base64url("ms:kind id").
 */
interface Place {
  readonly at: number;
  readonly rank: 0 | 1 | 2;
  readonly id: number;
}
const RANK_LETTERS = ['t', 'o', 'w'] as const;

function writeCursor(place: Place): string {
  return Buffer.from(`${place.at}:${RANK_LETTERS[place.rank]}${place.id}`).toString('base64url');
}

function readCursor(text: string): Place | null {
  const match = /^(\d{1,16}):([tow])(\d{1,16})$/.exec(Buffer.from(text, 'base64url').toString());
  if (!match) return null;
  return { at: Number(match[1]), rank: RANK_LETTERS.indexOf(match[2] as 't') as Place['rank'], id: Number(match[3]) };
}

const isBefore = (a: Place, b: Place) => a.at < b.at || (a.at === b.at && (a.rank < b.rank || (a.rank === b.rank && a.id < b.id)));
const newestFirst = (a: { place: Place }, b: { place: Place }) => (isBefore(a.place, b.place) ? 1 : isBefore(b.place, a.place) ? -1 : 0);

/**
 * A page of the shop's recent actions as the merchant reads them: orders held for a click id (from the
 * inbox, before they reach the ledger), the ledger's orders, and test actions, newest first. Each
 * source gives at most limit + 1 before the cursor; merged, the first `limit` are the page, and one more
 * means there is a next page.
 */
export async function listActions(store: ActionsStore, shop: Shop, query: ActionsQuery, now: number): Promise<AdminActionsPage> {
  const { limit, before } = query;
  const search = query.q || null;
  const clickIdParam = shop.config?.clickIdParam ?? DEFAULT_CLICK_ID_PARAM;

  const waits = await waitingOrders(store, shop.id);
  // The ledger's orders strictly after the cursor: a waiting order's place (rank 2) is after every order of its time, a test's before.
  const orderBefore = before && { createdAt: before.at, id: before.rank === 2 ? Number.MAX_SAFE_INTEGER : before.rank === 1 ? before.id : 0 };
  const orders = await store.listRecentOrders(shop.id, { limit: limit + 1, before: orderBefore, search });

  const candidates: Array<{ place: Place; build: () => Promise<AdminAction> }> = [
    ...waits.outside
      .filter((wait) => !search || matchesOrder(search, wait.platformOrderId, wait.orderNumber))
      .map((wait) => ({ place: { at: wait.receivedAt, rank: 2 as const, id: wait.webhookId }, build: async () => waitingAction(wait) })),
    ...orders.map((order) => ({
      place: { at: order.createdAt, rank: 1 as const, id: order.id },
      build: () => orderAction(store, shop, order, waits.inLedger.get(order.platformOrderId) ?? null, clickIdParam),
    })),
    ...(await testActions(store, shop.id, now))
      .filter((test) => !search || matchesOrder(search, test.action.platformOrderId, ''))
      .map((test) => ({ place: test.place, build: async () => test.action })),
  ];
  const page = candidates.filter((candidate) => !before || isBefore(candidate.place, before)).sort(newestFirst);
  const shown = page.slice(0, limit);
  return {
    actions: await Promise.all(shown.map((candidate) => candidate.build())),
    nextCursor: page.length > limit ? writeCursor(shown[shown.length - 1]!.place) : null,
  };
}

/** Whether a search names an order: its platform id or number, whole or its beginning, any case, "#" ignored. */
function matchesOrder(search: string, platformOrderId: string, orderNumber: string): boolean {
  const text = search.toLowerCase();
  return platformOrderId.toLowerCase().startsWith(text) || (orderNumber !== '' && orderNumber.toLowerCase().startsWith(text.replace(/^#/, '')));
}

interface WaitingOrder extends ClickWait {
  readonly webhookId: number;
  readonly receivedAt: number;
}

/**
 * Order webhooks the inbox holds for a click id, one per order (its newest): those of orders the ledger
 * already has mark that order waiting; the others are listed on their own.
 */
async function waitingOrders(store: ActionsStore, shopId: number): Promise<{ outside: WaitingOrder[]; inLedger: Map<string, WaitingOrder> }> {
  const byOrder = new Map<string, WaitingOrder>();
  for (const row of await store.listClickWaits(shopId, 200)) {
    const wait = readClickWaitOutcome(row.outcome);
    if (wait && !byOrder.has(wait.platformOrderId)) byOrder.set(wait.platformOrderId, { ...wait, webhookId: row.webhookId, receivedAt: row.receivedAt });
  }
  const known = await store.ordersInLedger(shopId, [...byOrder.keys()]);
  const outside: WaitingOrder[] = [];
  const inLedger = new Map<string, WaitingOrder>();
  for (const wait of byOrder.values()) {
    if (known.has(wait.platformOrderId)) inLedger.set(wait.platformOrderId, wait);
    else outside.push(wait);
  }
  return { outside, inLedger };
}

function waitingAction(wait: WaitingOrder): AdminAction {
  return {
    source: 'order',
    placedAt: new Date(wait.receivedAt).toISOString(),
    amount: null,
    partner: null,
    attribution: { by: 'none' },
    statusText: 'Waiting for its click id',
    waitingUntil: new Date(wait.until).toISOString(),
    platformOrderId: wait.platformOrderId,
    orderNumber: wait.orderNumber,
    impactOrderId: null,
    status: 'none',
    updatedAt: new Date(wait.receivedAt).toISOString(),
    deliveries: [],
    lateClickId: null,
    explain: ['The order is held for a click id the storefront may still report; it goes without one when the wait ends.'],
  };
}

async function orderAction(store: ActionsStore, shop: Shop, listing: RecentOrder, wait: WaitingOrder | null, clickIdParam: string): Promise<AdminAction> {
  const deliveries = await store.listDeliveries(shop.id, { orderRef: listing.id });
  const conversion = deliveries.find((d) => d.kind === 'conversion') ?? null;
  const capture = conversion ? await findOrderClickCapture(store, shop.id, listing) : null;
  const late = conversion ? lateClickCapture(conversion.fields, capture) : null;
  const explain = merchantLines(listing.explain);
  const waiting = wait !== null && listing.status === 'none';
  return {
    source: 'order',
    placedAt: listing.order ? new Date(listing.order.createdAt).toISOString() : new Date(listing.createdAt).toISOString(),
    amount: conversion ? saleAmount(conversion.fields) : null,
    partner: conversion?.fields.MediaPartnerId ? { id: conversion.fields.MediaPartnerId, name: null } : null,
    attribution: conversion ? attributionOf(conversion.fields, listing.order, clickIdParam) : { by: 'none' },
    statusText: waiting ? 'Waiting for its click id' : orderStatusText(listing, deliveries, explain),
    waitingUntil: waiting ? new Date(wait.until).toISOString() : null,
    platformOrderId: listing.platformOrderId,
    orderNumber: listing.orderNumber,
    impactOrderId: listing.impactOrderId,
    status: listing.status,
    updatedAt: new Date(listing.updatedAt).toISOString(),
    deliveries: deliveries.map(adminDelivery),
    lateClickId: late ? { clickId: late.clickId, source: late.source, capturedAt: new Date(late.capturedAt).toISOString() } : null,
    explain,
  };
}

/**
 * The sale amount a conversion sent: Σ ItemSubTotalN − OrderDiscount, in exact integers at the
 * precision the fields were written with (impact.com takes at most 2 decimals; JPY none), with its
 * currency. Null when the fields hold no amount this can read.
 */
export function saleAmount(fields: Readonly<Record<string, string>>): AdminAction['amount'] {
  const currency = fields.CurrencyCode;
  const subtotals = Object.keys(fields)
    .filter((name) => /^ItemSubTotal\d+$/.test(name))
    .map((name) => fields[name]!);
  if (!currency || subtotals.length === 0) return null;
  const discount = fields.OrderDiscount ?? '0';
  const decimals = Math.max(...[...subtotals, discount].map((amount) => amount.split('.')[1]?.length ?? 0));
  const items = subtotals.map((amount) => parseMinorUnits(amount, decimals));
  const off = parseMinorUnits(discount, decimals);
  if (off === null || items.some((units) => units === null)) return null;
  const total = sumMinorUnits([...(items as MinorUnits[]), -off as MinorUnits]);
  return { value: formatMinorUnits(total, decimals), currency };
}

/** How a conversion was attributed: its ClickId and where the order had it, else its code, else none. */
function attributionOf(fields: Readonly<Record<string, string>>, order: Order | null, clickIdParam: string): AdminAttribution {
  if (fields.ClickId) return { by: 'click_id', clickId: fields.ClickId, source: adminClickSource(fields.ClickId, order, clickIdParam) };
  if (fields.OrderPromoCode) return { by: 'code', code: fields.OrderPromoCode };
  return { by: 'none' };
}

/**
 * Where an order stands, in plain words: its newest delivery's state (a reversal or modification after
 * the conversion says what it did), or why nothing was sent.
 */
function orderStatusText(listing: RecentOrder, deliveries: readonly DeliveryListing[], explain: readonly string[]): string {
  const latest = deliveries[deliveries.length - 1];
  if (!latest) {
    const notSent = explain.find((line) => line.startsWith('Not sent: '));
    return notSent ? notSent.replace(/\.$/, '') : listing.status === 'none' ? 'Not sent' : 'Sent';
  }
  return deliveryStatusText(latest);
}

const DONE_TEXT: Record<DeliveryListing['kind'], string> = { conversion: 'Accepted by impact.com', modification: 'Modified', reversal: 'Reversed' };

function deliveryStatusText(delivery: DeliveryListing): string {
  const what = delivery.kind === 'conversion' ? '' : `${delivery.kind === 'reversal' ? 'Reversal' : 'Modification'} `;
  switch (delivery.status) {
    case 'pending':
    case 'inflight':
      return delivery.lastError ? `${what}Will retry: ${delivery.lastError}` : `${what || 'Conversion '}queued for impact.com`;
    case 'rejected':
      return `${what}Rejected by impact.com: ${delivery.lastError ?? 'no reason given'}`;
    case 'dead':
      return `${what}Not delivered: ${delivery.lastError ?? 'gave up after its attempts'}`;
    case 'done':
      if (delivery.submissionStatus === 'queued') return `${what || ''}Sent, waiting for impact.com`;
      if (delivery.submissionStatus === 'error') return `${what}Rejected by impact.com: ${firstErrorMessage(delivery.submissionErrors)}`;
      return DONE_TEXT[delivery.kind];
  }
}

/** impact.com's errors come as strings or objects with a Message (its casing varies). */
function firstErrorMessage(errors: readonly unknown[] | null): string {
  const first = errors?.[0];
  if (typeof first === 'string' && first) return first;
  if (first && typeof first === 'object') {
    const record = first as Record<string, unknown>;
    const message = record.Message ?? record.message ?? record.ErrorMessage ?? record.Error;
    if (typeof message === 'string' && message) return message;
    return JSON.stringify(first).slice(0, 200);
  }
  return 'no reason given';
}

/** Test actions belong to no order: their conversion and scheduled reversal share an OrderId. */
async function testActions(store: ActionsStore, shopId: number, now: number): Promise<Array<{ place: Place; action: AdminAction }>> {
  const byTest = new Map<string, DeliveryListing[]>();
  for (const delivery of await store.listDeliveries(shopId, { orderRef: null })) {
    const orderId = delivery.fields.OrderId ?? `delivery ${delivery.id}`;
    byTest.set(orderId, [...(byTest.get(orderId) ?? []), delivery]);
  }
  return [...byTest].map(([orderId, deliveries]) => {
    const first = deliveries[0]!;
    const conversion = deliveries.find((d) => d.kind === 'conversion') ?? null;
    const done = (kind: string) => deliveries.some((d) => d.kind === kind && d.status === 'done');
    const action: AdminAction = {
      source: 'test_action',
      placedAt: new Date(first.createdAt).toISOString(),
      amount: conversion ? saleAmount(conversion.fields) : null,
      partner: conversion?.fields.MediaPartnerId ? { id: conversion.fields.MediaPartnerId, name: null } : null,
      // impact.com's documented test click id, sent as a landing page's would be.
      attribution: conversion?.fields.ClickId ? { by: 'click_id', clickId: conversion.fields.ClickId, source: 'landing_url' } : { by: 'none' },
      statusText: testStatusText(deliveries, now),
      waitingUntil: null,
      platformOrderId: orderId,
      orderNumber: null,
      impactOrderId: orderId,
      status: done('reversal') ? 'reversed' : done('conversion') ? 'converted' : 'none',
      updatedAt: new Date(Math.max(...deliveries.map((d) => d.completedAt ?? d.createdAt))).toISOString(),
      deliveries: deliveries.map(adminDelivery),
      lateClickId: null,
      explain: ['A test action: a marked conversion that impact.com reverses as TEST_ACTION an hour after it was sent.'],
    };
    return { place: { at: first.createdAt, rank: 0 as const, id: first.id }, action };
  });
}

/** A test action's conversion as any order's; once it went, its reversal's time or fate. */
function testStatusText(deliveries: readonly DeliveryListing[], now: number): string {
  const conversion = deliveries.find((d) => d.kind === 'conversion');
  const reversal = deliveries.find((d) => d.kind === 'reversal');
  if (conversion && conversion.status !== 'done') return `Test action: ${deliveryStatusText(conversion)}`;
  if (conversion?.submissionStatus === 'error') return `Test action: ${deliveryStatusText(conversion)}`;
  if (reversal?.status === 'pending' && !reversal.lastError) {
    return reversal.availableAt > now ? `Test action: reversal due ${new Date(reversal.availableAt).toISOString()}` : 'Test action: reversal queued for impact.com';
  }
  if (reversal) return `Test action: ${deliveryStatusText(reversal)}`;
  return `Test action: ${conversion ? deliveryStatusText(conversion) : 'nothing sent'}`;
}

function adminDelivery(d: DeliveryListing): AdminDelivery {
  return {
    kind: d.kind,
    status: d.status,
    attempts: d.attemptLog.length,
    lastError: d.lastError,
    submissionStatus: d.submissionStatus,
    submissionErrors: d.submissionErrors,
    createdAt: new Date(d.createdAt).toISOString(),
    completedAt: d.completedAt === null ? null : new Date(d.completedAt).toISOString(),
    dueAt: d.status === 'pending' ? new Date(d.availableAt).toISOString() : null,
  };
}
