import { DEFAULT_CLICK_ID_PARAM } from '../config/tracking-config.ts';
import type { ShopCursors } from '../shops/shop-cursors.ts';
import type { Shop } from '../shops/shop-directory.ts';
import type { ImpactAnswerRow, OrderAttributionRow, RelayQueries } from '../store/relay-queries.ts';
import { adminClickSource } from './click-source.ts';
import type { AdminAlert, AdminAttribution, AdminClickSource, AdminDailyAttribution, AdminHome, AdminPeriodStats } from './contract.ts';

/**
 * Home: is CartRelay doing its job for this shop? The set-up checklist, the last webhook, the
 * platform's click capture, the last 7 and 30 days from the ledger and the deliveries, and the alerts
 * a merchant must see (impact.com refusing the shop, click ids quietly disappearing). The figures are
 * computed as the page is read, from the last 30 days of orders only.
 */

const DAY_MS = 86_400_000;

/*
 * The click-id share drop. A theme, consent banner or checkout change that strips `irclickid` costs
 * partners their commissions without any error anywhere: the only sign is that fewer orders carry a
 * click id than before. The shop is compared with itself, not with a fixed share (shops differ
 * widely in how much partner traffic they get).
 */
/** The recent window: three days notices a broken capture within the week and evens out a single quiet day. */
export const CLICK_SHARE_RECENT_DAYS = 3;
/** The baseline: the two weeks before the recent window, long enough to hold weekday and weekend traffic twice. */
export const CLICK_SHARE_BASELINE_DAYS = 14;
/** "Well below its own level": under half of the baseline share, beyond what partners' campaigns vary by week to week. */
const CLICK_SHARE_DROP_RATIO = 0.5;
/** Orders the baseline needs before its share means anything: below 20, one partner's sale more or less moves it by 5 points. */
export const CLICK_SHARE_MIN_BASELINE_ORDERS = 20;
/** Orders the recent window needs: fewer than 5 orders without a click id is a quiet few days, not a broken capture. */
export const CLICK_SHARE_MIN_RECENT_ORDERS = 5;

/** How many of the latest delivery attempts are read to decide whether impact.com refuses the shop. */
const IMPACT_ANSWERS_READ = 50;

/** Written when the merchant saves the impact.com connection: impact.com's refusals before it are not the new credentials'. */
export const CONNECTION_SAVED_CURSOR = 'impact_connection_saved';

/** The platform's click capture as Home shows it (StoreApp.clickCaptureStatus). */
export type ClickCaptureStatus = NonNullable<AdminHome['clickCapture']>;

/** What Home reads. */
export type HomeStore = Pick<RelayQueries, 'lastWebhook' | 'listOrderAttribution' | 'listImpactAnswers' | 'listDeliveries'> & Pick<ShopCursors, 'readCursor'>;

export interface HomeContext {
  readonly store: HomeStore;
  readonly now: number;
  /** The platform app's answer (Shopify's pixel, BigCommerce's scripts, WooCommerce's plugin); absent: the platform has none. */
  readonly clickCaptureStatus?: ((shop: Shop) => Promise<ClickCaptureStatus | null>) | undefined;
}

export async function buildAdminHome(shop: Shop, context: HomeContext): Promise<AdminHome> {
  const { store, now } = context;
  const clickIdParam = shop.config?.clickIdParam ?? DEFAULT_CLICK_ID_PARAM;
  const rows = await store.listOrderAttribution(shop.id, now - 30 * DAY_MS);
  const orders = rows.map((row) => ({ at: row.createdAt, attribution: orderAttribution(row, clickIdParam), conversion: row.conversion }));
  const testDeliveries = await store.listDeliveries(shop.id, { orderRef: null });
  const savedAt = Date.parse((await store.readCursor(shop.id, CONNECTION_SAVED_CURSOR)) ?? '');
  const answers = await store.listImpactAnswers(shop.id, Number.isNaN(savedAt) ? shop.installedAt : savedAt, IMPACT_ANSWERS_READ);
  const rejected = impactRejection(answers);
  const drop = clickShareDrop(orders, now);
  const alerts: AdminAlert[] = [];
  if (rejected) alerts.push(rejected);
  if (drop.dropped) {
    alerts.push({
      kind: 'click_share_drop',
      message:
        `Orders attributed by click id fell to ${percent(drop.recentShare)} over the last ${CLICK_SHARE_RECENT_DAYS} days, from ${percent(drop.usualShare)} ` +
        `over the ${CLICK_SHARE_BASELINE_DAYS} days before. A theme, consent banner or checkout change may be removing the ${clickIdParam} parameter, and partners lose their commissions.`,
      recentShare: drop.recentShare,
      usualShare: drop.usualShare,
    });
  }
  const lastWebhook = await store.lastWebhook(shop.id);
  return {
    checklist: {
      connected: shop.impact !== null,
      programSet: Boolean(shop.config?.program.campaignId && shop.config.program.actionTrackerId),
      // A click id on an order older than the 30 days read counts no more: its capture may have broken since.
      attributionReady: (shop.config?.promoCodes.length ?? 0) > 0 || orders.some((o) => o.attribution.by === 'click_id'),
      testActionSeen: testDeliveries.some((d) => d.kind === 'conversion' && d.status === 'done' && isAccepted(d)),
    },
    lastWebhook: lastWebhook && { topic: lastWebhook.topic, receivedAt: new Date(lastWebhook.receivedAt).toISOString() },
    clickCapture: (await context.clickCaptureStatus?.(shop)) ?? null,
    periods: [periodStats(orders, 7, now), periodStats(orders, 30, now)],
    daily: dailyAttribution(orders, now),
    alerts,
  };
}

/** An order with how it was attributed, for the figures. */
export interface AttributedOrder {
  readonly at: number;
  readonly attribution: AdminAttribution;
  readonly conversion: OrderAttributionRow['conversion'];
}

/**
 * How an order was attributed, read from what its conversion carried: a ClickId (and where the order
 * had it: the landing URL or its attributes, Shopify's customer journey, else a storefront capture, as
 * mapping/click-id.ts looks for it), else a partner's code (MediaPartnerId or OrderPromoCode), else none.
 */
export function orderAttribution(row: OrderAttributionRow, clickIdParam: string): AdminAttribution {
  const sent = row.conversion;
  if (sent?.clickId) return { by: 'click_id', clickId: sent.clickId, source: adminClickSource(sent.clickId, row.order, clickIdParam) };
  const code = sent?.orderPromoCode ?? sent?.mediaPartnerId;
  return code ? { by: 'code', code } : { by: 'none' };
}

const isAccepted = (c: { readonly submissionStatus: string | null; readonly submissionErrors: readonly unknown[] | null }) =>
  c.submissionStatus === 'complete' && !c.submissionErrors?.length;

function periodStats(orders: readonly AttributedOrder[], days: 7 | 30, now: number): AdminPeriodStats {
  const within = orders.filter((o) => o.at >= now - days * DAY_MS && o.at <= now);
  const conversions = within.flatMap((o) => (o.conversion ? [o.conversion] : []));
  const bySource: Record<AdminClickSource, number> = { landing_url: 0, storefront: 0, customer_journey: 0 };
  for (const o of within) if (o.attribution.by === 'click_id') bySource[o.attribution.source]++;
  return {
    days,
    orders: within.length,
    // Sent: impact.com answered it (queued, or refused it for good); a dead-lettered one never got through.
    conversionsSent: conversions.filter((c) => c.status === 'done' || c.status === 'rejected').length,
    accepted: conversions.filter((c) => c.status === 'done' && isAccepted(c)).length,
    failing: conversions.filter((c) => c.status === 'rejected' || c.status === 'dead' || (c.status === 'done' && c.submissionStatus === 'error')).length,
    attributed: {
      clickId: within.filter((o) => o.attribution.by === 'click_id').length,
      clickIdBySource: bySource,
      code: within.filter((o) => o.attribution.by === 'code').length,
      none: within.filter((o) => o.attribution.by === 'none').length,
    },
  };
}

/** The last 30 UTC days, oldest first, today last, every day present. */
export function dailyAttribution(orders: readonly AttributedOrder[], now: number): AdminDailyAttribution[] {
  const today = Math.floor(now / DAY_MS);
  const days = Array.from({ length: 30 }, (_, n) => ({ date: new Date((today - 29 + n) * DAY_MS).toISOString().slice(0, 10), clickId: 0, code: 0, none: 0 }));
  for (const o of orders) {
    const day = days[Math.floor(o.at / DAY_MS) - (today - 29)];
    if (!day) continue;
    if (o.attribution.by === 'click_id') day.clickId++;
    else if (o.attribution.by === 'code') day.code++;
    else day.none++;
  }
  return days;
}

export interface ClickShareDrop {
  readonly dropped: boolean;
  readonly recentShare: number;
  readonly usualShare: number;
  readonly recentOrders: number;
  readonly usualOrders: number;
}

/** The click-id share of the recent window against the baseline before it (the CLICK_SHARE_* constants). */
export function clickShareDrop(orders: readonly Pick<AttributedOrder, 'at' | 'attribution'>[], now: number): ClickShareDrop {
  const recentFrom = now - CLICK_SHARE_RECENT_DAYS * DAY_MS;
  const usualFrom = recentFrom - CLICK_SHARE_BASELINE_DAYS * DAY_MS;
  const recent = orders.filter((o) => o.at >= recentFrom && o.at <= now);
  const usual = orders.filter((o) => o.at >= usualFrom && o.at < recentFrom);
  const share = (list: typeof orders) => (list.length === 0 ? 0 : round(list.filter((o) => o.attribution.by === 'click_id').length / list.length));
  const recentShare = share(recent);
  const usualShare = share(usual);
  return {
    dropped: usual.length >= CLICK_SHARE_MIN_BASELINE_ORDERS && recent.length >= CLICK_SHARE_MIN_RECENT_ORDERS && recentShare < usualShare * CLICK_SHARE_DROP_RATIO,
    recentShare,
    usualShare,
    recentOrders: recent.length,
    usualOrders: usual.length,
  };
}

type ImpactVerdict = 'refused' | 'contract' | 'accepted' | 'unknown';

/** What one answer says of the shop's credentials and contract; `unknown`: nothing (no answer, 5xx, 429, a submission not processed yet). */
function verdictOf(answer: ImpactAnswerRow): ImpactVerdict {
  const status = answer.httpStatus;
  if (status === 401 || status === 403) return 'refused';
  if (status === null || status >= 500 || status === 429) return 'unknown';
  if (status >= 300) return 'accepted'; // a 400 for a field: the credentials and contract were not the problem
  if (answer.submissionStatus === 'error') return contractCode(answer.submissionErrors) ? 'contract' : 'accepted';
  return answer.submissionStatus === 'complete' ? 'accepted' : 'unknown';
}

/** impact.com's code for a missing or inactive contract in a submission's errors (CONTRACT_NOT_FOUND…), when there is one. */
function contractCode(errors: readonly unknown[] | null): string | null {
  for (const error of errors ?? []) {
    const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : error;
    if (typeof code === 'string' && /CONTRACT/i.test(code)) return code;
    if (/contract/i.test(JSON.stringify(error) ?? '')) return typeof code === 'string' ? code : 'contract error';
  }
  return null;
}

/**
 * impact.com refuses the shop when its latest telling answer (newest first, answers that tell nothing
 * skipped) was a 401/403 or a contract error; `since` is the first of that run of refusals.
 */
function impactRejection(answers: readonly ImpactAnswerRow[]): Extract<AdminAlert, { kind: 'impact_rejected' }> | null {
  const telling = answers.map((answer) => ({ answer, verdict: verdictOf(answer) })).filter((a) => a.verdict !== 'unknown');
  const latest = telling[0];
  if (!latest || latest.verdict === 'accepted') return null;
  let first = latest.answer;
  for (const { answer, verdict } of telling) {
    if (verdict !== latest.verdict) break;
    first = answer;
  }
  const since = new Date(first.attemptedAt).toISOString();
  if (latest.verdict === 'refused') {
    return {
      kind: 'impact_rejected',
      since,
      message: 'impact.com refused the saved Account SID and Auth Token when CartRelay sent your orders. Conversions wait until the connection is saved again with working credentials.',
    };
  }
  return {
    kind: 'impact_rejected',
    since,
    message: `impact.com took the conversions but answered ${contractCode(latest.answer.submissionErrors)}: no active contract covers them, so no partner is credited. Check the program's partner contracts in impact.com.`,
  };
}

const round = (share: number) => Math.round(share * 1000) / 1000;
const percent = (share: number) => `${Math.round(share * 100)}%`;
