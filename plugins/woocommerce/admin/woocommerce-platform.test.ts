import { describe, expect, it } from 'vitest';
import { pageSession, woocommercePlatform } from './woocommerce-platform.ts';

describe('the WooCommerce admin page’s session', () => {
  const memory = () => {
    const kept = new Map<string, string>();
    return { getItem: (key: string) => kept.get(key) ?? null, setItem: (key: string, value: string) => void kept.set(key, value) };
  };

  it('takes the session from the fragment, takes it out of the address bar, and keeps it for a reload in the same tab', () => {
    const storage = memory();
    let forgotten = 0;
    expect(pageSession({ hash: '#session=djEuYWJj' }, storage, () => forgotten++)).toBe('djEuYWJj');
    expect(forgotten).toBe(1);
    expect(pageSession({ hash: '' }, storage)).toBe('djEuYWJj');
    expect(pageSession({ hash: '#session=second' }, storage)).toBe('second');
  });

  it('has none when the page was opened without a link', () => {
    expect(pageSession({ hash: '' }, memory())).toBeNull();
    expect(pageSession({ hash: '#other=1' }, null)).toBeNull();
  });

  it('sends every admin API call to the WooCommerce app’s API with the session', async () => {
    const calls: Array<{ url: string; authorization: string | null }> = [];
    const platform = woocommercePlatform('tok', async (url, init) => {
      calls.push({ url: String(url), authorization: new Headers(init?.headers).get('authorization') });
      return new Response('{}');
    });
    await platform.fetch('/config', { method: 'PUT' });
    expect(calls).toEqual([{ url: '/woocommerce/api/admin/config', authorization: 'Bearer tok' }]);
    expect(platform.basePath).toBe('/woocommerce/app');
  });
});
