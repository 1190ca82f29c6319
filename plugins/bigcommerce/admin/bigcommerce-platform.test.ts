// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { bigcommercePlatform, pageSession } from './bigcommerce-platform.ts';

describe('the BigCommerce admin page’s session', () => {
  const page = (content: string) => {
    document.head.innerHTML = `<meta name="cartrelay-session" content="${content}">`;
    return document;
  };
  const memory = () => {
    const kept = new Map<string, string>();
    return { getItem: (key: string) => kept.get(key) ?? null, setItem: (key: string, value: string) => void kept.set(key, value) };
  };

  it('takes the session /load put in the page, and keeps it for a reload in the same tab', () => {
    const storage = memory();
    expect(pageSession(page('eyJ.session.one'), storage)).toBe('eyJ.session.one');
    // A reload: the server serves the page without a session.
    expect(pageSession(page(''), storage)).toBe('eyJ.session.one');
    expect(pageSession(page('eyJ.session.two'), storage)).toBe('eyJ.session.two');
  });

  it('has none when the page was opened outside the control panel, or served as built', () => {
    expect(pageSession(page(''), memory())).toBeNull();
    expect(pageSession(page('%CARTRELAY_SESSION%'), memory())).toBeNull();
    expect(pageSession(page(''), null)).toBeNull();
  });

  it('sends every admin API call to the BigCommerce app’s API with the session', async () => {
    const calls: Array<{ url: string; authorization: string | null }> = [];
    const platform = bigcommercePlatform('eyJ.session', async (url, init) => {
      calls.push({ url: String(url), authorization: new Headers(init?.headers).get('Authorization') });
      return new Response('{}');
    });
    await platform.fetch('/shop');
    await platform.fetch('/config', { method: 'PUT', body: '{}' });
    expect(calls).toEqual([
      { url: '/bigcommerce/api/admin/shop', authorization: 'Bearer eyJ.session' },
      { url: '/bigcommerce/api/admin/config', authorization: 'Bearer eyJ.session' },
    ]);
    expect(platform).toMatchObject({ platformLabel: 'BigCommerce', basePath: '/bigcommerce/app' });
  });
});
