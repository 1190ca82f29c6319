import { type DeliveryListing, type OrderListing, type Store, findOrderClickCapture, lateClickCapture, operatorLines } from '@cartrelay/core';
import { parseEnv } from '../env.ts';
import { type Io, UsageError } from '../io.ts';
import { parseOptions } from '../options.ts';
import { openRuntime } from '../runtime.ts';
import { actionsTable } from './actions-table.ts';
import { resolveShop } from './shops.ts';

export const ACTIONS_USAGE = 'usage: cartrelay actions --shop <shop> [--platform <platform>] [--since <ISO date>] [--status <converted|reversed|none>] [--limit <n>] [--json]';

/**
 * Lists each order's conversion, its fields, every attempt and impact.com's answer, with integrity
 * checks flagged (sale amount, discounts, currency, rejected or dead deliveries, submission errors).
 */
export async function actionsCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseOptions(
    args,
    { shop: { type: 'string', required: true }, platform: { type: 'string' }, since: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
    ACTIONS_USAGE,
  );
  const since = values.since === undefined ? undefined : Date.parse(values.since);
  if (since !== undefined && Number.isNaN(since)) throw new UsageError(`--since: "${values.since}" is not a date such as 2026-11-01 or 2026-11-01T10:00:00Z`);
  if (values.status !== undefined && !['converted', 'reversed', 'none'].includes(values.status)) throw new UsageError(`--status: expected converted, reversed or none`);
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit: expected a whole number ≥ 1');

  const runtime = await openRuntime(parseEnv(io.env), (line) => io.stderr(`${line}\n`));
  try {
    const shop = await resolveShop(runtime, values.shop, values.platform);
    const orders = await runtime.store.listOrders(shop.id, {
      ...(since !== undefined ? { since } : {}),
      ...(values.status ? { status: values.status as OrderListing['status'] } : {}),
      limit,
    });
    const listing = await Promise.all(orders.map((order) => describeOrder(runtime.store, shop.id, order)));
    const standalone = values.status ? [] : await runtime.store.listDeliveries(shop.id, { orderRef: null, ...(since !== undefined ? { since } : {}) });
    const others = standalone.map(describeDelivery);
    // A table for a person; --json for machines (every attempt, answer and integrity check).
    if (!values.json) io.stdout(actionsTable(orders, listing.map((order) => order.deliveries), others));
    else io.stdout(`${JSON.stringify({ shop: shop.shopKey, orders: listing, otherDeliveries: others }, null, 2)}\n`);
    return 0;
  } finally {
    await runtime.close();
  }
}

async function describeOrder(store: Store, shopId: number, order: OrderListing) {
  const deliveries = await store.listDeliveries(shopId, { orderRef: order.id });
  const conversion = deliveries.find((d) => d.kind === 'conversion');
  const capture = conversion ? await findOrderClickCapture(store, shopId, order) : null;
  const late = conversion ? lateClickCapture(conversion.fields, capture) : null;
  return {
    platformOrderId: order.platformOrderId,
    status: order.status,
    orderId: order.impactOrderId,
    actionTrackerId: order.actionTrackerId,
    checks: conversion ? integrityChecks(conversion.fields, deliveries) : [],
    ...(late
      ? { lateClickId: { clickId: late.clickId, source: late.source, capturedAt: new Date(late.capturedAt).toISOString(), note: 'arrived after the conversion was sent; impact.com cannot add it' } }
      : {}),
    deliveries: deliveries.map(describeDelivery),
    explain: operatorLines(order.explain),
  };
}

function describeDelivery(delivery: DeliveryListing) {
  const unanswered = unansweredAttempts(delivery);
  return {
    id: delivery.id,
    kind: delivery.kind,
    status: delivery.status,
    fields: delivery.fields,
    queuedUri: delivery.queuedUri,
    submission: delivery.submissionStatus ? { status: delivery.submissionStatus, errors: delivery.submissionErrors } : null,
    lastError: delivery.lastError,
    ...(unanswered > 0 ? { unansweredAttempts: unanswered } : {}),
    attempts: delivery.attemptLog.map((a) => ({ at: new Date(a.attemptedAt).toISOString(), httpStatus: a.httpStatus, ms: a.durationMs, answer: a.detail })),
  };
}

/** Problems worth a merchant's attention, checked against impact.com's rules for a sale. */
export function integrityChecks(fields: Readonly<Record<string, string>>, deliveries: readonly DeliveryListing[]): string[] {
  const flags: string[] = [];
  const amount = (value: string | undefined) => (value === undefined ? 0 : Number(value));
  let items = 0;
  for (let n = 1; fields[`ItemSku${n}`] !== undefined; n++) {
    items += amount(fields[`ItemSubTotal${n}`]);
    if (fields[`ItemPrice${n}`] !== undefined) flags.push(`ItemPrice${n} sent with ItemSubTotal${n}`);
    if (amount(fields[`ItemQuantity${n}`]) <= 0) flags.push(`ItemQuantity${n} is not positive`);
  }
  const discount = amount(fields.OrderDiscount);
  if (!/^[A-Z]{3}$/.test(fields.CurrencyCode ?? '')) flags.push('CurrencyCode missing or not ISO 4217');
  if (discount < 0) flags.push('OrderDiscount is negative');
  if (discount > items) flags.push('OrderDiscount exceeds the items’ subtotal: negative sale amount');
  if (items - discount === 0) flags.push('sale amount (items − discount, without tax and shipping) is zero');
  if (fields.OrderSubTotalPostDiscount !== undefined || fields.Amount !== undefined) flags.push('order-level amount sent with items');
  for (const delivery of deliveries) {
    if (delivery.status === 'rejected' || delivery.status === 'dead') flags.push(`${delivery.kind} ${delivery.status}: ${delivery.lastError ?? ''}`.trim());
    if (delivery.submissionStatus === 'error') {
      const repeat =
        unansweredAttempts(delivery) > 0
          ? ' (an earlier attempt was sent but its answer never recorded, the relay having stopped mid-request: if impact.com calls this OrderId taken, that attempt is the action it holds)'
          : '';
      flags.push(`${delivery.kind} submission error: ${JSON.stringify(delivery.submissionErrors)}${repeat}`);
    }
  }
  return flags;
}

/**
 * Attempts claimed but never recorded: the process stopped (or a power cut undid the record) while the
 * request was out. impact.com may have received it; delivery is at least once (ADR 4).
 */
function unansweredAttempts(delivery: DeliveryListing): number {
  // A 429 is logged but gives its attempt back (it never counts toward dead-lettering).
  const counted = delivery.attemptLog.filter((attempt) => attempt.httpStatus !== 429).length;
  return Math.max(0, delivery.attempts - counted);
}
