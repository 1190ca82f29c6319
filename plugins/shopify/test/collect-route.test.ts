import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { type BeaconRouteOptions, type CollectedClick, createBeaconRoute } from '@cartrelay/core';
import { parseClickBeacon } from '../src/app/collect-beacon.ts';
import { COLLECT_PATH } from '../src/app/shopify-app.ts';

const NOW = Date.parse('2026-03-02T09:41:08Z');
const SHOP = 'cartrelay-demo.myshopify.com';
const OTHER_SHOP = 'second-store.myshopify.com';
const STOREFRONT_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Mobile/15E148 Safari/604.1';

/** What the pixel sends (see extensions/cartrelay-pixel/src/capture.js). */
const beacon = {
  shop: SHOP,
  clickId: 'Wc-3U7RqexyNR8yTdmzl2TjXUkAUk9R8j0N2w00',
  sharedId: 'spring-newsletter',
  checkoutToken: 'c1f3a8e94b2d4f7e9a0b6c5d4e3f2a1b',
  orderId: '5678901234',
};

const servers: Array<{ close: () => void }> = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** Shopify's beacon route: the core's route with the pixel's beacon format. */
async function relay(options: Partial<BeaconRouteOptions> = {}) {
  const recorded: CollectedClick[] = [];
  const app = express();
  app.use(
    createBeaconRoute({
      path: COLLECT_PATH,
      parse: parseClickBeacon,
      recordClick: async (capture) => {
        if (capture.shopKey === SHOP || capture.shopKey === OTHER_SHOP) recorded.push(capture);
      },
      now: () => NOW,
      ...options,
    }),
  );
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  servers.push(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${COLLECT_PATH}`;
  const post = (body: unknown, contentType = 'text/plain;charset=UTF-8') =>
    fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': contentType, 'User-Agent': STOREFRONT_UA, Origin: 'null' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { url, recorded, post };
}

async function expectCors(answer: Response) {
  expect(answer.headers.get('access-control-allow-origin')).toBe('*');
  expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
}

describe('POST /collect/shopify', () => {
  it('keeps a valid beacon and answers 204', async () => {
    const { post, recorded } = await relay();
    const answer = await post(beacon);
    expect(answer.status).toBe(204);
    await expectCors(answer);
    expect(recorded).toEqual([
      {
        shopKey: SHOP,
        platformOrderId: '5678901234',
        checkoutToken: 'c1f3a8e94b2d4f7e9a0b6c5d4e3f2a1b',
        clickId: 'Wc-3U7RqexyNR8yTdmzl2TjXUkAUk9R8j0N2w00',
        sharedId: 'spring-newsletter',
        ip: expect.stringMatching(/127\.0\.0\.1$/),
        userAgent: STOREFRONT_UA,
        capturedAt: NOW,
      },
    ]);
  });

  it('normalizes the shop, the order GID and the optional fields, and accepts application/json', async () => {
    const { post, recorded } = await relay();
    const answer = await post({ shop: 'Cartrelay-Demo.MyShopify.com', clickId: 'abc.DEF~1', orderId: 'gid://shopify/Order/42', checkoutToken: 'tok42' }, 'application/json');
    expect(answer.status).toBe(204);
    expect(recorded[0]).toMatchObject({ shopKey: SHOP, platformOrderId: '42', checkoutToken: 'tok42', sharedId: null, clickId: 'abc.DEF~1' });

    await post({ shop: SHOP, clickId: 'abc', sharedId: null, orderId: null, checkoutToken: 'tok_en-1' });
    expect(recorded[1]).toMatchObject({ platformOrderId: null, checkoutToken: 'tok_en-1' });
  });

  it('reads the OrderIdentity GID some stores send, and keeps a beacon whose order id is unreadable by its checkout token', async () => {
    const { post, recorded } = await relay();
    expect((await post({ ...beacon, orderId: 'gid://shopify/OrderIdentity/5678901234' })).status).toBe(204);
    expect(recorded[0]).toMatchObject({ platformOrderId: '5678901234' });
    expect((await post({ ...beacon, orderId: '#1001' })).status).toBe(204);
    expect(recorded[1]).toMatchObject({ platformOrderId: null, checkoutToken: beacon.checkoutToken });
  });

  it('answers 204 to a second beacon for a captured order too, telling a forger nothing', async () => {
    const { post, recorded } = await relay();
    expect((await post(beacon)).status).toBe(204);
    expect((await post({ ...beacon, clickId: 'forged-click' })).status).toBe(204);
    expect(recorded).toHaveLength(2); // both reach recordClick, which keeps the first
  });

  it.each([
    ['a shop outside myshopify.com', { ...beacon, shop: 'evil.example.com' }, 'shop'],
    ['a shop with a path', { ...beacon, shop: `${SHOP}/admin` }, 'shop'],
    ['a click id outside the impact.com alphabet', { ...beacon, clickId: 'abc<script>' }, 'clickId'],
    ['an empty click id', { ...beacon, clickId: '' }, 'clickId'],
    ['a click id longer than 255', { ...beacon, clickId: 'a'.repeat(256) }, 'clickId'],
    ['a shared id with spaces', { ...beacon, sharedId: 'two words' }, 'sharedId'],
    ['an extra field', { ...beacon, amount: '1000.00' }, '(root)'],
    // Only the checkout's token ties a beacon to its order: an order id anyone could name.
    ['an order id and no checkout token', { shop: SHOP, clickId: 'abc', orderId: '5678901234' }, 'checkoutToken'],
    ['a null checkout token', { ...beacon, checkoutToken: null }, 'checkoutToken'],
    ['a numeric order id as a number', { ...beacon, orderId: 5678901234 }, 'orderId'],
    ['a checkout token with slashes', { ...beacon, checkoutToken: 'a/b' }, 'checkoutToken'],
    ['no click id', { shop: SHOP, checkoutToken: 'tok1' }, 'clickId'],
    ['an array', [beacon], '(root)'],
  ])('refuses %s with 400 and keeps nothing', async (_case, body, path) => {
    const { post, recorded } = await relay();
    const answer = await post(body);
    expect(answer.status).toBe(400);
    await expectCors(answer);
    const refusal = (await answer.json()) as { error: string; problems: Array<{ path: string; message: string }> };
    expect(refusal.error).toEqual(expect.any(String));
    expect(refusal.problems.map((problem) => problem.path)).toContain(path);
    expect(recorded).toEqual([]);
  });

  it('refuses a body that is not JSON with 400', async () => {
    const { post, recorded } = await relay();
    const answer = await post('shop=cartrelay-demo.myshopify.com&clickId=abc');
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ error: 'invalid beacon', problems: [{ path: '(root)', message: 'body is not valid JSON' }] });
    expect(recorded).toEqual([]);
  });

  it('refuses other body types with 415', async () => {
    const { post, recorded } = await relay();
    const answer = await post(`shop=${SHOP}`, 'application/x-www-form-urlencoded');
    expect(answer.status).toBe(415);
    await expectCors(answer);
    expect(recorded).toEqual([]);
  });

  it('refuses an oversized body with 413 before reading it as a beacon', async () => {
    const { post, recorded } = await relay({ maxBodyBytes: 512 });
    const answer = await post({ ...beacon, sharedId: 'x'.repeat(600) });
    expect(answer.status).toBe(413);
    await expectCors(answer);
    expect(await answer.json()).toEqual({ error: 'beacon too large' });
    expect(recorded).toEqual([]);
  });

  it('refuses a compressed body with 415', async () => {
    const { url, recorded } = await relay();
    const answer = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' },
      body: gzipSync(JSON.stringify(beacon)),
    });
    expect(answer.status).toBe(415);
    await expectCors(answer);
    expect(recorded).toEqual([]);
  });

  it('answers 500 when the click cannot be kept, still readable by the browser', async () => {
    const { post } = await relay({ recordClick: () => Promise.reject(new Error('database unavailable')) });
    const answer = await post(beacon);
    expect(answer.status).toBe(500);
    await expectCors(answer);
  });

  it('answers a shop CartRelay does not serve as it answers one it serves: nobody can list its customers', async () => {
    const { post } = await relay();
    const answer = await post({ ...beacon, shop: 'stranger.myshopify.com' });
    expect(answer.status).toBe(204);
    await expectCors(answer);
  });

  it('limits one client naming a new shop in every request, before reading a body', async () => {
    const { post, recorded } = await relay({ rateLimit: { windowMs: 60_000, limit: 3 }, clientRateLimit: { windowMs: 60_000, limit: 4 } });
    const statuses: number[] = [];
    for (let n = 1; n <= 6; n++) statuses.push((await post({ ...beacon, shop: `shop-${n}.myshopify.com` })).status);
    // Unknown shops count too: the per-client limit comes before the shop is even read.
    expect(statuses).toEqual([204, 204, 204, 204, 429, 429]);
    expect((await post(beacon)).status).toBe(429);
    expect(recorded).toEqual([]);
  });

  it('limits one client flooding one shop with 429, while another shop from the same IP still passes', async () => {
    const { post, recorded } = await relay({ rateLimit: { windowMs: 60_000, limit: 3 } });
    const statuses: number[] = [];
    for (let order = 1; order <= 5; order++) statuses.push((await post({ ...beacon, orderId: String(order) })).status);
    expect(statuses).toEqual([204, 204, 204, 429, 429]);

    const limited = await post({ ...beacon, orderId: '6' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    await expectCors(limited);

    expect((await post({ ...beacon, shop: OTHER_SHOP })).status).toBe(204);
    expect(recorded.map((kept) => `${kept.shopKey} ${kept.platformOrderId}`)).toEqual([
      `${SHOP} 1`,
      `${SHOP} 2`,
      `${SHOP} 3`,
      `${OTHER_SHOP} 5678901234`,
    ]);
  });

  it('does not count invalid beacons against a shop', async () => {
    const { post } = await relay({ rateLimit: { windowMs: 60_000, limit: 1 } });
    for (let i = 0; i < 3; i++) expect((await post({ ...beacon, clickId: 'bad id' })).status).toBe(400);
    expect((await post(beacon)).status).toBe(204);
  });
});

describe('OPTIONS /collect/shopify', () => {
  it('answers a preflight from the pixel sandbox with 204 and the CORS headers', async () => {
    const { url } = await relay();
    const answer = await fetch(url, {
      method: 'OPTIONS',
      headers: { Origin: 'null', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    expect(answer.headers.get('access-control-allow-headers')).toBe('Content-Type');
    expect(Number(answer.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('answers other methods with 405', async () => {
    const { url } = await relay();
    const answer = await fetch(url);
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('POST, OPTIONS');
  });
});
