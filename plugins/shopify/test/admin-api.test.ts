import { GraphqlQueryError, RequestedTokenType, Session } from '@shopify/shopify-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminGraphql } from '../src/admin-api/graphql.ts';
import { fetchOrderInsights } from '../src/admin-api/order-insights.ts';
import { createShopifyApi } from '../src/admin-api/shopify-api.ts';
import { activateWebPixel } from '../src/admin-api/web-pixel.ts';
import { type FakeShopify, signSessionToken, startFakeShopify } from '../src/testing/fake-shopify.ts';

const apiKey = 'test-api-key';
const apiSecret = 'test-api-secret';
const shop = 'merino.myshopify.com';

let fake: FakeShopify;
beforeEach(async () => {
  fake = await startFakeShopify({ apiKey, apiSecret });
});
afterEach(() => fake.close());

const api = () => createShopifyApi({ apiKey, apiSecretKey: apiSecret, hostName: 'app.example.com', scopes: ['read_orders'], adminApiUrl: fake.url });
const clientFor = (accessToken: string) => new (api().clients.Graphql)({ session: new Session({ id: `offline_${shop}`, shop, state: '', isOnline: false, accessToken }) });

describe('the Shopify API instance', () => {
  it('exchanges a session token for an offline token at the configured Admin API URL', async () => {
    const { session } = await api().auth.tokenExchange({
      shop,
      sessionToken: signSessionToken({ apiKey, apiSecret, shop }),
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
    });
    expect(session).toMatchObject({ shop, isOnline: false });
    expect(session.accessToken).toMatch(/^shpat_/);
    expect(fake.calls).toEqual([expect.objectContaining({ method: 'POST', path: '/admin/oauth/access_token', shop, operation: 'token_exchange', status: 200 })]);
    // The token works for GraphQL.
    const answer = await fetchOrderInsights(clientFor(session.accessToken!), 'gid://shopify/Order/1');
    expect(answer).toEqual({ ok: false, error: 'order gid://shopify/Order/1 not found' });
  });

  it('refuses a session token for another shop or app, or an expired one', async () => {
    const exchange = (sessionToken: string) => api().auth.tokenExchange({ shop, sessionToken, requestedTokenType: RequestedTokenType.OfflineAccessToken });
    // The library checks signature and audience itself before asking Shopify.
    await expect(exchange(signSessionToken({ apiKey: 'other-app', apiSecret, shop }))).rejects.toThrow(/invalid API key/);
    await expect(exchange(signSessionToken({ apiKey, apiSecret: 'wrong', shop }))).rejects.toThrow(/Failed to parse session token/);
    // dest names another shop: Shopify (the fake) refuses it.
    await expect(exchange(signSessionToken({ apiKey, apiSecret, shop: 'other.myshopify.com' }))).rejects.toThrow();
    expect(fake.calls.at(-1)).toMatchObject({ operation: 'token_exchange', status: 400 });
  });

  it('answers the authorization code grant once per code, with JSON or form bodies', async () => {
    const post = (body: string, type: string) =>
      fetch(`${fake.url}/admin/oauth/access_token`, { method: 'POST', headers: { 'content-type': type, 'x-shopify-shop-domain': shop }, body });
    const code = fake.issueAuthorizationCode(shop);
    const first = await post(new URLSearchParams({ client_id: apiKey, client_secret: apiSecret, code }).toString(), 'application/x-www-form-urlencoded');
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ access_token: expect.stringMatching(/^shpat_/), scope: expect.any(String) });
    expect((await post(JSON.stringify({ client_id: apiKey, client_secret: apiSecret, code }), 'application/json')).status).toBe(400);
    expect((await post(JSON.stringify({ client_id: apiKey, client_secret: 'nope', code: fake.issueAuthorizationCode(shop) }), 'application/json')).status).toBe(401);
  });

  it('sends GraphQL to the configured URL, and a wrong token gets 401 as a value', async () => {
    const answer = await fetchOrderInsights(clientFor('shpat_unknown'), 'gid://shopify/Order/1');
    expect(answer.ok).toBe(false);
    expect(fake.calls).toEqual([expect.objectContaining({ path: '/admin/api/2026-07/graphql.json', shop, operation: 'unauthorized', status: 401 })]);
  });
});

describe('order insights', () => {
  it("reads the journey's landing pages (last visit first, no repeats) and the order's place in the customer's history", async () => {
    fake.addOrder(shop, {
      id: 'gid://shopify/Order/7',
      updatedAt: '2026-03-01T10:00:00Z',
      customerJourneySummary: {
        ready: true,
        customerOrderIndex: 2,
        firstVisit: { landingPage: 'https://merino.example.com/?irclickid=first' },
        lastVisit: { landingPage: 'https://merino.example.com/socks?irclickid=last' },
      },
      customer: { numberOfOrders: '3' },
    });
    const client = clientFor(fake.issueAccessToken(shop));
    expect(await fetchOrderInsights(client, 'gid://shopify/Order/7')).toEqual({
      ok: true,
      value: {
        ready: true,
        landingPages: ['https://merino.example.com/socks?irclickid=last', 'https://merino.example.com/?irclickid=first'],
        customerOrderIndex: 2,
      },
    });
    fake.addOrder(shop, {
      id: 'gid://shopify/Order/8',
      updatedAt: '2026-03-01T10:00:00Z',
      customerJourneySummary: { ready: false, customerOrderIndex: null, firstVisit: { landingPage: '/same' }, lastVisit: { landingPage: '/same' } },
      customer: null,
    });
    expect(await fetchOrderInsights(client, 'gid://shopify/Order/8')).toEqual({
      ok: true,
      value: { ready: false, landingPages: ['/same'], customerOrderIndex: null },
    });
    fake.addOrder(shop, { id: 'gid://shopify/Order/9', updatedAt: '2026-03-01T10:00:00Z', customerJourneySummary: { ready: true, firstVisit: null, lastVisit: { landingPage: null } }, customer: { numberOfOrders: '1' } });
    expect(await fetchOrderInsights(client, 'gid://shopify/Order/9')).toMatchObject({ ok: true, value: { landingPages: [], customerOrderIndex: null } });
  });
});

describe('web pixel activation', () => {
  it('creates the pixel, and updates it when the shop has it already', async () => {
    const client = clientFor(fake.issueAccessToken(shop));
    const created = await activateWebPixel(client, { accountID: 'cr-1' });
    expect(created).toEqual({ ok: true, value: { id: 'gid://shopify/WebPixel/1', created: true } });
    expect(fake.pixels.get(shop)?.settings).toBe('{"accountID":"cr-1"}');

    const updated = await activateWebPixel(client, { accountID: 'cr-2' });
    expect(updated).toEqual({ ok: true, value: { id: 'gid://shopify/WebPixel/1', created: false } });
    expect(fake.pixels.get(shop)?.settings).toBe('{"accountID":"cr-2"}');
    expect(fake.calls.map((call) => call.operation)).toEqual(['webPixelCreate', 'webPixelCreate', 'webPixel', 'webPixelUpdate']);
  });

  it('returns other user errors as a message', async () => {
    const client = {
      request: async () => ({ data: { webPixelCreate: { userErrors: [{ code: 'INVALID_SETTINGS', field: ['webPixel', 'settings'], message: 'Settings are invalid' }], webPixel: null } } }),
    } as never;
    expect(await activateWebPixel(client, { accountID: '' })).toEqual({ ok: false, error: 'webPixel.settings: Settings are invalid (INVALID_SETTINGS)' });
  });
});

describe('adminGraphql', () => {
  const throwing = (body: Record<string, unknown>) => ({
    request: async () => {
      throw new GraphqlQueryError({ message: 'GraphQL query returned errors', response: body, body });
    },
  });

  it('keeps an answer whose only errors are protected customer fields the app may not read', async () => {
    const body = {
      data: { order: { id: 'gid://shopify/Order/1', email: null } },
      errors: { graphQLErrors: [{ message: 'Access denied for email field.', extensions: { code: 'ACCESS_DENIED' } }] },
    };
    expect(await adminGraphql(throwing(body) as never, 'query { order { id email } }')).toEqual({ ok: true, value: { data: body.data, cost: null } });
  });

  it('fails on any other error, and says when it was throttled', async () => {
    const failed = await adminGraphql(throwing({ data: null, errors: { graphQLErrors: [{ message: 'Field missing', extensions: { code: 'undefinedField' } }] } }) as never, '{}');
    expect(failed).toEqual({ ok: false, error: { kind: 'failed', message: 'Field missing', status: 200 } });
    const throttled = await adminGraphql(throwing({ errors: { graphQLErrors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }] } }) as never, '{}');
    expect(throttled.ok === false && throttled.error.kind).toBe('throttled');
  });
});
