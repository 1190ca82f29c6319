import { describe, expect, it, vi } from 'vitest';
import { ok } from '../result.ts';
import type { Shop } from '../shops/shop-directory.ts';
import type { ClickCapture, Store } from '../store/store.ts';
import { aConfig, anOrder } from '../testing/builders.ts';
import type { OrderInsights, WebhookReceiver } from '../webhooks/webhook-receiver.ts';
import { enrichOrder } from './order-enrichment.ts';
import { readClickWaitOutcome } from '../webhooks/click-wait-outcome.ts';

const placedAt = Date.parse('2026-03-01T10:00:00Z');
const config = aConfig();
const shop = { id: 1, platform: 'shopify', shopKey: 's.myshopify.com', active: true, installedAt: 0, config, impact: null, credentials: null, accessProblem: null } satisfies Shop;

function setup(options: { status?: 'none' | 'converted' | null; capture?: Partial<ClickCapture> | null; insights?: OrderInsights | null; capturesClicks?: boolean } = {}) {
  const fetchOrderInsights = vi.fn(async () => ok(options.insights ?? { ready: true, landingUrls: [], customerOrderIndex: null }));
  const store = {
    orderStatus: async () => options.status ?? null,
    findClickCapture: async () => (options.capture ? ({ clickId: 'PIXEL1', source: 'pixel', ...options.capture } as ClickCapture) : null),
  } as unknown as Store;
  const receiver = { capturesClicks: options.capturesClicks ?? true, ...(options.insights === null ? {} : { fetchOrderInsights }) } as unknown as WebhookReceiver;
  const run = (order = anOrder({ landingUrl: '/products/a', checkoutToken: 'tok1' }), now = placedAt + 1_000) => enrichOrder(order, { store, receiver, shop, now, clickWaitMs: 60_000, recheckMs: 15_000 });
  return { run, fetchOrderInsights };
}

describe('enrichOrder', () => {
  it('leaves an order with its own click id as it is: a beacon never overrides the order', async () => {
    const { run } = setup({ capture: { clickId: 'FORGED' } });
    const order = anOrder({ landingUrl: '/?irclickid=OWN' });
    expect(await run(order)).toEqual({ kind: 'ready', order });
  });

  it('takes the click id a pixel captured for the order', async () => {
    const { run } = setup({ capture: {} });
    const result = await run();
    expect(result.kind === 'ready' && [result.order.capturedClickId, result.order.capturedClickSource]).toEqual(['PIXEL1', 'pixel']);
  });

  it('believes no capture for an order without a checkout token: a beacon naming its order id could come from anyone', async () => {
    const store = { orderStatus: async () => null, findClickCapture: vi.fn() } as unknown as Store;
    const order = anOrder({ landingUrl: '/products/a', checkoutToken: null });
    const result = await enrichOrder(order, { store, receiver: { capturesClicks: true } as unknown as WebhookReceiver, shop, now: placedAt + 1_000, clickWaitMs: 0 });
    expect(result).toEqual({ kind: 'ready', order });
    expect(store.findClickCapture).not.toHaveBeenCalled();
  });

  it('prefers the pixel to the customer journey', async () => {
    const { run } = setup({ capture: {}, insights: { ready: true, landingUrls: ['https://s.example/?irclickid=JOURNEY'], customerOrderIndex: null } });
    const result = await run();
    expect(result.kind === 'ready' && result.order.capturedClickId).toBe('PIXEL1');
  });

  it('takes the click id from the customer journey’s landing pages when nothing else has one', async () => {
    const { run } = setup({ insights: { ready: true, landingUrls: ['https://s.example/a', 'https://s.example/?irclickid=JOURNEY'], customerOrderIndex: null } });
    const result = await run();
    expect(result.kind === 'ready' && [result.order.capturedClickId, result.order.capturedClickSource]).toEqual(['JOURNEY', 'customer journey']);
  });

  it('waits for a beacon within the wait, looking again every recheck, and then goes without one', async () => {
    const { run } = setup();
    expect(await run(undefined, placedAt + 1_000)).toMatchObject({ kind: 'wait', until: placedAt + 16_000 });
    expect(await run(undefined, placedAt + 50_000)).toMatchObject({ kind: 'wait', until: placedAt + 60_000 });
    expect(await run(undefined, placedAt + 60_000)).toMatchObject({ kind: 'ready' });
  });

  it('names the waiting order and when it goes without a click id in its reason, for recent actions', async () => {
    const { run } = setup();
    const result = await run(anOrder({ id: 'P7', number: '1007', landingUrl: '/products/a', checkoutToken: 'tok1' }), placedAt + 1_000);
    expect(result.kind === 'wait' && readClickWaitOutcome(result.reason)).toEqual({ reason: 'waiting for a click id from the storefront pixel', platformOrderId: 'P7', orderNumber: '1007', until: placedAt + 60_000 });
  });

  it('waits while the journey is not ready even where no pixel reports clicks', async () => {
    const { run } = setup({ capturesClicks: false, insights: { ready: false, landingUrls: [], customerOrderIndex: null } });
    expect(await run()).toMatchObject({ kind: 'wait', reason: expect.stringContaining('customer journey') });
    const ready = setup({ capturesClicks: false, insights: { ready: true, landingUrls: [], customerOrderIndex: null } });
    expect(await ready.run()).toMatchObject({ kind: 'ready' });
  });

  it('does not wait for an old order (reconciled, or redelivered days later)', async () => {
    const { run } = setup();
    expect(await run(undefined, placedAt + 86_400_000)).toMatchObject({ kind: 'ready' });
  });

  it('sets new or returning from the order’s place in the customer’s history, for a known customer only', async () => {
    const first = setup({ insights: { ready: true, landingUrls: [], customerOrderIndex: 1 } });
    const customer = anOrder({ landingUrl: '/?irclickid=X', customer: { id: '7' } });
    const asFirst = await first.run(customer);
    expect(asFirst.kind === 'ready' && asFirst.order.customer.returning).toBe(false);
    const third = await setup({ insights: { ready: true, landingUrls: [], customerOrderIndex: 3 } }).run(customer);
    expect(third.kind === 'ready' && third.order.customer.returning).toBe(true);
    const guest = await setup({ insights: { ready: true, landingUrls: [], customerOrderIndex: 1 } }).run(anOrder({ landingUrl: '/?irclickid=X' }));
    expect(guest.kind === 'ready' && guest.order.customer.returning).toBeNull();
  });

  it('asks nothing once the order is converted: its click id and customer status are fixed at impact.com', async () => {
    const { run, fetchOrderInsights } = setup({ status: 'converted' });
    const order = anOrder({ landingUrl: null, customer: { id: '7' } });
    expect(await run(order)).toEqual({ kind: 'ready', order });
    expect(fetchOrderInsights).not.toHaveBeenCalled();
  });

  it('reads nothing for an order with its own click id when the platform cannot be asked about the customer', async () => {
    const store = { orderStatus: vi.fn(), findClickCapture: vi.fn() } as unknown as Store;
    const order = anOrder({ landingUrl: '/?irclickid=OWN', customer: { id: '7' } });
    const result = await enrichOrder(order, { store, receiver: { capturesClicks: true } as unknown as WebhookReceiver, shop, now: placedAt, clickWaitMs: 60_000 });
    expect(result).toEqual({ kind: 'ready', order });
    expect(store.orderStatus).not.toHaveBeenCalled();
  });
});
