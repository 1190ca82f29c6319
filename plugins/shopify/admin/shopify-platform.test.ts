import { describe, expect, it } from 'vitest';
import { shopifyPlatform } from './shopify-platform.ts';

describe('shopifyPlatform', () => {
  it('sends each admin API call under /api/admin with a fresh session token', async () => {
    const calls: Array<{ url: string; init: RequestInit | undefined }> = [];
    let tokens = 0;
    const platform = shopifyPlatform(
      async () => `jwt-${++tokens}`,
      async (url, init) => {
        calls.push({ url: String(url), init });
        return new Response('{}', { status: 200 });
      },
    );

    await platform.fetch('/shop');
    await platform.fetch('/config', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"version":1}' });

    expect(calls.map((call) => call.url)).toEqual(['/api/admin/shop', '/api/admin/config']);
    expect(new Headers(calls[0]?.init?.headers).get('Authorization')).toBe('Bearer jwt-1');
    const put = new Headers(calls[1]?.init?.headers);
    expect(put.get('Authorization')).toBe('Bearer jwt-2');
    expect(put.get('Content-Type')).toBe('application/json');
    expect(calls[1]?.init?.method).toBe('PUT');
    expect(calls[1]?.init?.body).toBe('{"version":1}');
    expect(platform.platformLabel).toBe('Shopify');
  });
});
