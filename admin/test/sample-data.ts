import type { AdminAction, AdminDailyAttribution, AdminDelivery, AdminHome, AdminPeriodStats } from '@cartrelay/core/admin-contract';

/** An order handled and accepted, with `overrides` applied: the tests' and screenshots' starting point. */
export function sampleAction(overrides: Partial<AdminAction> = {}): AdminAction {
  return {
    source: 'order',
    placedAt: '2026-11-23T21:58:00.000Z',
    amount: { value: '42.50', currency: 'USD' },
    partner: null,
    attribution: { by: 'none' },
    statusText: 'Accepted by impact.com',
    waitingUntil: null,
    platformOrderId: '1001',
    orderNumber: null,
    impactOrderId: '1001',
    status: 'converted',
    updatedAt: '2026-11-23T22:00:17.000Z',
    deliveries: [],
    lateClickId: null,
    explain: [],
    ...overrides,
  };
}

export function sampleDelivery(overrides: Partial<AdminDelivery> = {}): AdminDelivery {
  return {
    kind: 'conversion',
    status: 'done',
    attempts: 1,
    submissionStatus: 'complete',
    submissionErrors: null,
    createdAt: '2026-11-23T22:00:00.000Z',
    completedAt: '2026-11-23T22:00:01.000Z',
    dueAt: null,
    lastError: null,
    ...overrides,
  };
}

/** `count` days ending `lastDay` (YYYY-MM-DD), oldest first, each from `day(index)`. */
export function dailyAttribution(lastDay: string, count: number, day: (index: number) => Omit<AdminDailyAttribution, 'date'>): AdminDailyAttribution[] {
  const last = Date.parse(`${lastDay}T00:00:00Z`);
  return Array.from({ length: count }, (_, index) => ({
    date: new Date(last - (count - 1 - index) * 86_400_000).toISOString().slice(0, 10),
    ...day(index),
  }));
}

export function samplePeriod(days: 7 | 30, overrides: Partial<AdminPeriodStats> = {}): AdminPeriodStats {
  return {
    days,
    orders: 0,
    conversionsSent: 0,
    accepted: 0,
    failing: 0,
    attributed: { clickId: 0, clickIdBySource: { landing_url: 0, storefront: 0, customer_journey: 0 }, code: 0, none: 0 },
    ...overrides,
  };
}

/** A new shop's Home: nothing set up, nothing received. */
export function emptyHome(overrides: Partial<AdminHome> = {}): AdminHome {
  return {
    checklist: { connected: false, programSet: false, attributionReady: false, testActionSeen: false },
    lastWebhook: null,
    clickCapture: null,
    periods: [samplePeriod(7), samplePeriod(30)],
    daily: dailyAttribution('2026-11-23', 30, () => ({ clickId: 0, code: 0, none: 0 })),
    alerts: [],
    ...overrides,
  };
}

/** A shop set up and busy for a month: the figures add up (7-day ⊂ 30-day, sources sum to the click-id count). */
export function busyHome(overrides: Partial<AdminHome> = {}): AdminHome {
  return emptyHome({
    checklist: { connected: true, programSet: true, attributionReady: true, testActionSeen: true },
    lastWebhook: { topic: 'orders/paid', receivedAt: new Date(Date.now() - 5 * 60_000).toISOString() },
    clickCapture: { label: 'Shopify pixel', active: true, detail: 'Last click id captured 12 minutes ago.' },
    periods: [
      samplePeriod(7, {
        orders: 40,
        conversionsSent: 28,
        accepted: 26,
        failing: 2,
        attributed: { clickId: 20, clickIdBySource: { landing_url: 12, storefront: 6, customer_journey: 2 }, code: 8, none: 12 },
      }),
      samplePeriod(30, {
        orders: 180,
        conversionsSent: 131,
        accepted: 127,
        failing: 4,
        attributed: { clickId: 101, clickIdBySource: { landing_url: 60, storefront: 33, customer_journey: 8 }, code: 30, none: 49 },
      }),
    ],
    daily: dailyAttribution('2026-11-23', 30, (index) =>
      index === 3 ? { clickId: 0, code: 0, none: 0 } : { clickId: 3 + (index % 3), code: 1 + (index % 2), none: 1 + (index % 4) },
    ),
    ...overrides,
  });
}
