import { describe, expect, it } from 'vitest';
import { createBigCommerceApi } from '../src/api/bigcommerce-api.ts';

const store = { storeHash: 'abc123', accessToken: 'token' };

/** An API answering from a script, on a clock that only the waits move. */
function scripted(answers: Array<{ status: number; body?: unknown; headers?: Record<string, string> }>) {
  let clock = 1_780_000_000_000;
  const requests: Array<{ url: string; at: number; headers: Headers }> = [];
  const waits: number[] = [];
  const api = createBigCommerceApi({
    apiBaseUrl: 'https://api.example',
    now: () => clock,
    sleep: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
    fetch: async (url, init) => {
      requests.push({ url: String(url), at: clock, headers: new Headers(init?.headers) });
      const answer = answers.shift();
      if (!answer) throw new Error('no answer scripted');
      return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status, headers: answer.headers ?? {} });
    },
  });
  return { api, requests, waits, now: () => clock };
}

const quota = (left: number, resetMs: number) => ({ 'x-rate-limit-requests-left': String(left), 'x-rate-limit-time-reset-ms': String(resetMs), 'x-rate-limit-requests-quota': '150' });

describe('the BigCommerce API client', () => {
  it('sends the store’s token and reads JSON; 204 is none', async () => {
    const { api, requests } = scripted([{ status: 200, body: { id: 250 } }, { status: 204 }]);
    expect(await api.request(store, 'GET', '/v2/orders/250')).toEqual({ ok: true, value: { id: 250 } });
    expect(await api.request(store, 'GET', '/v2/orders/250/coupons')).toEqual({ ok: true, value: null });
    expect(requests[0]).toMatchObject({ url: 'https://api.example/stores/abc123/v2/orders/250' });
    expect(requests[0]!.headers.get('x-auth-token')).toBe('token');
  });

  it('waits for the window to reset when the quota is spent and the reset is near', async () => {
    const { api, requests, waits } = scripted([{ status: 200, body: {}, headers: quota(0, 800) }, { status: 200, body: {}, headers: quota(149, 30_000) }]);
    await api.request(store, 'GET', '/v2/orders/1');
    expect((await api.request(store, 'GET', '/v2/orders/2')).ok).toBe(true);
    expect(waits).toEqual([800]);
    expect(requests[1]!.at - requests[0]!.at).toBe(800);
  });

  it('asks nothing while the quota is spent for long, and says until when', async () => {
    const { api, requests, now } = scripted([{ status: 200, body: {}, headers: quota(1, 20_000) }]);
    await api.request(store, 'GET', '/v2/orders/1');
    const busy = await api.request(store, 'GET', '/v2/orders/2');
    expect(busy).toMatchObject({ ok: false, error: { kind: 'busy', until: now() + 20_000 } });
    expect(requests).toHaveLength(1);
    // Another store's quota is its own.
    expect((await scripted([{ status: 200, body: {} }]).api.request({ ...store, storeHash: 'other' }, 'GET', '/v2/orders/1')).ok).toBe(true);
  });

  it('answers a 429 by waiting for the reset it names, then asks again', async () => {
    const { api, waits } = scripted([{ status: 429, headers: quota(0, 1_500) }, { status: 200, body: { id: 3 }, headers: quota(140, 28_000) }]);
    expect(await api.request(store, 'GET', '/v2/orders/3')).toEqual({ ok: true, value: { id: 3 } });
    expect(waits).toEqual([1_500]);
  });

  it('turns a 429 with a far reset into busy, and one without headers (BigCommerce under load) into backoff', async () => {
    const far = scripted([{ status: 429, headers: quota(0, 25_000) }]);
    expect(await far.api.request(store, 'GET', '/v2/orders/4')).toMatchObject({ ok: false, error: { kind: 'busy', until: far.now() + 25_000 } });

    const bare = scripted([{ status: 429 }, { status: 429 }, { status: 429 }]);
    expect(await bare.api.request(store, 'GET', '/v2/orders/5')).toMatchObject({ ok: false, error: { kind: 'busy' } });
    expect(bare.waits).toHaveLength(2);
    expect(bare.waits[1]!).toBeGreaterThan(bare.waits[0]!);
  });

  it('tries a 5xx again, and says unavailable when it persists', async () => {
    const once = scripted([{ status: 502 }, { status: 200, body: { id: 6 } }]);
    expect(await once.api.request(store, 'GET', '/v2/orders/6')).toEqual({ ok: true, value: { id: 6 } });
    const always = scripted([{ status: 503 }, { status: 503 }, { status: 503 }]);
    expect(await always.api.request(store, 'GET', '/v2/orders/6')).toMatchObject({ ok: false, error: { kind: 'unavailable', status: 503 } });
  });

  it('calls a refused token refused, and any other error rejected with BigCommerce’s words', async () => {
    const { api } = scripted([{ status: 401, body: { status: 401, title: 'Unauthorized' } }, { status: 404, body: { status: 404, title: 'The requested resource was not found.' } }]);
    expect(await api.request(store, 'GET', '/v2/orders/7')).toMatchObject({ ok: false, error: { kind: 'refused', status: 401 } });
    expect(await api.request(store, 'GET', '/v2/orders/8')).toMatchObject({ ok: false, error: { kind: 'rejected', status: 404, message: expect.stringContaining('not found') } });
  });
});
