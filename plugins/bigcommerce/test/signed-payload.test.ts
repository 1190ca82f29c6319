import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { adminSessionKey, issueAdminSession, verifyAdminSession } from '../src/app/admin-session.ts';
import { verifySignedPayload } from '../src/app/signed-payload.ts';

const app = { clientId: 'client-id-1', clientSecret: 'client-secret-1' };
const NOW = 1_780_000_000_000;
const seconds = Math.floor(NOW / 1000);

/** A signed_payload_jwt as BigCommerce sends it, each claim overridable. */
function payload(overrides: { claims?: Record<string, unknown>; secret?: string; alg?: string; iat?: number; exp?: number; nbf?: number; aud?: string; iss?: string; sub?: string } = {}) {
  return new SignJWT({ user: { id: 9876543, email: 'staff@example.com' }, owner: { id: 7654321, email: 'owner@example.com' }, url: '/', channel_id: null, ...overrides.claims })
    .setProtectedHeader({ alg: overrides.alg ?? 'HS256', typ: 'JWT' })
    .setAudience(overrides.aud ?? app.clientId)
    .setIssuer(overrides.iss ?? 'bc')
    .setSubject(overrides.sub ?? 'stores/Z4zn3wo')
    .setJti('c5f0bcf5-a504-4ae6-8dcc-0e40eaa5a070')
    .setIssuedAt(overrides.iat ?? seconds - 5)
    .setNotBefore(overrides.nbf ?? seconds - 5)
    .setExpirationTime(overrides.exp ?? seconds + 86_400)
    .sign(new TextEncoder().encode(overrides.secret ?? app.clientSecret));
}

const verify = (jwt: unknown) => verifySignedPayload(jwt, app, { now: () => NOW });

describe('BigCommerce’s signed payload', () => {
  it('reads the store and the user of a genuine payload', async () => {
    expect(await verify(await payload())).toEqual({
      ok: true,
      value: { storeHash: 'z4zn3wo', user: { id: '9876543', email: 'staff@example.com' }, owner: { id: '7654321', email: 'owner@example.com' }, url: '/' },
    });
  });

  it('allows a minute of clock skew, no more', async () => {
    expect((await verify(await payload({ nbf: seconds + 50, iat: seconds + 50 }))).ok).toBe(true);
    expect((await verify(await payload({ exp: seconds - 50 }))).ok).toBe(true);
    expect(await verify(await payload({ nbf: seconds + 120 }))).toMatchObject({ ok: false, error: expect.stringContaining('nbf') });
    expect(await verify(await payload({ exp: seconds - 120 }))).toEqual({ ok: false, error: 'signed_payload_jwt has expired' });
  });

  it('refuses another app’s, another secret’s, another issuer’s, an unsigned and a tampered payload', async () => {
    expect(await verify(await payload({ aud: 'another-client' }))).toMatchObject({ ok: false, error: expect.stringContaining('aud') });
    expect(await verify(await payload({ secret: 'not-the-secret' }))).toMatchObject({ ok: false, error: expect.stringContaining('signature') });
    expect(await verify(await payload({ iss: 'someone' }))).toMatchObject({ ok: false, error: expect.stringContaining('iss') });
    expect(await verify(await payload({ alg: 'HS512' }))).toMatchObject({ ok: false, error: expect.stringContaining('HS256') });
    const genuine = await payload();
    const [header, body] = genuine.split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${body}.`;
    expect((await verify(unsigned)).ok).toBe(false);
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'stores/other' })).toString('base64url')}.${genuine.split('.')[2]}`;
    expect(await verify(tampered)).toMatchObject({ ok: false, error: expect.stringContaining('signature') });
  });

  it('refuses a missing, oversized or malformed payload, and one naming no store', async () => {
    expect(await verify(undefined)).toEqual({ ok: false, error: 'signed_payload_jwt is missing' });
    expect(await verify(['a', 'b'])).toEqual({ ok: false, error: 'signed_payload_jwt is missing' });
    expect(await verify('x'.repeat(9000))).toEqual({ ok: false, error: 'signed_payload_jwt is too long' });
    expect((await verify('not.a.jwt')).ok).toBe(false);
    expect(await verify(await payload({ sub: 'users/1' }))).toMatchObject({ ok: false, error: expect.stringContaining('stores/') });
  });
});

describe('the admin page’s session', () => {
  const key = adminSessionKey(app.clientSecret);

  it('names the store and user it was issued to, until it expires', async () => {
    const token = await issueAdminSession(key, { storeHash: 'z4zn3wo', userId: '9876543' }, NOW);
    expect(await verifyAdminSession(key, token, NOW + 60_000)).toEqual({ ok: true, value: { storeHash: 'z4zn3wo', userId: '9876543', issuedAt: seconds * 1000 } });
    expect(await verifyAdminSession(key, token, NOW + 9 * 3_600_000)).toMatchObject({ ok: false, error: expect.stringContaining('expired') });
  });

  it('is refused under another app’s key, and BigCommerce’s own payload is no session', async () => {
    const token = await issueAdminSession(key, { storeHash: 'z4zn3wo', userId: '1' }, NOW);
    expect((await verifyAdminSession(adminSessionKey('another-secret'), token, NOW)).ok).toBe(false);
    expect((await verifyAdminSession(key, await payload(), NOW)).ok).toBe(false);
  });
});
