import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSignedLink, signLink, verifyLink } from '../src/app/signed-link.ts';

/** The vector the WordPress plugin's PHPUnit tests sign too (wordpress-plugin/tests/fixtures/link-vector.json). */
const vector = JSON.parse(readFileSync(new URL('../wordpress-plugin/tests/fixtures/link-vector.json', import.meta.url), 'utf8')) as {
  linkSecret: string;
  purpose: 'open' | 'disconnect';
  site: string;
  user: string;
  exp: number;
  sig: string;
};

describe('the plugin’s signed links', () => {
  const link = { site: vector.site, user: vector.user, exp: vector.exp, sig: vector.sig };
  const at = (seconds: number) => seconds * 1000;

  it('signs as the plugin does', () => {
    expect(signLink(vector.linkSecret, vector.purpose, link)).toBe(vector.sig);
  });

  it('accepts the plugin’s link until it expires, for its purpose only', () => {
    expect(verifyLink(vector.linkSecret, vector.purpose, link, at(vector.exp - 300))).toEqual({ ok: true, value: true });
    expect(verifyLink(vector.linkSecret, vector.purpose, link, at(vector.exp + 1))).toMatchObject({ ok: false, error: expect.stringContaining('expired') });
    expect(verifyLink(vector.linkSecret, vector.purpose === 'open' ? 'disconnect' : 'open', link, at(vector.exp - 300)).ok).toBe(false);
    expect(verifyLink('another-secret-another-secret-another-sec', vector.purpose, link, at(vector.exp - 300)).ok).toBe(false);
    expect(verifyLink(vector.linkSecret, vector.purpose, { ...link, user: '2' }, at(vector.exp - 300)).ok).toBe(false);
    // A link that claims to last longer than the plugin makes them was not made by it.
    expect(verifyLink(vector.linkSecret, vector.purpose, link, at(vector.exp - 3600)).ok).toBe(false);
  });

  it('reads the fields from a query or a JSON body, refusing malformed ones', () => {
    expect(readSignedLink({ site: vector.site, user: vector.user, exp: String(vector.exp), sig: vector.sig })).toEqual({ ok: true, value: link });
    expect(readSignedLink({ ...link, user: 1 })).toMatchObject({ ok: true, value: { user: '1' } });
    expect(readSignedLink({ ...link, user: 'admin' }).ok).toBe(false);
    expect(readSignedLink({ ...link, exp: 'soon' }).ok).toBe(false);
    expect(readSignedLink({ ...link, sig: 'short' }).ok).toBe(false);
    expect(readSignedLink({ user: '1', exp: vector.exp, sig: vector.sig }).ok).toBe(false);
  });
});
