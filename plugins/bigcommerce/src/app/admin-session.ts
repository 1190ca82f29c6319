import { createHmac } from 'node:crypto';
import { type Result, err, ok } from '@cartrelay/core';
import { SignJWT, errors, jwtVerify } from 'jose';
import { z } from 'zod';

/**
 * The admin page's session inside BigCommerce's control panel. The page is in an iframe of another
 * site, where browsers block or partition cookies, so the session is a short-lived token that `/load`
 * (after verifying BigCommerce's signed payload) puts in the page, and the page sends as a Bearer token
 * with each admin API call. Its key is derived from the client secret, so every relay process accepts
 * it and a leaked session token says nothing about the secret.
 */
export interface AdminSession {
  readonly storeHash: string;
  /** The control-panel user it was issued to. */
  readonly userId: string;
  /** Issued at (epoch ms): a session older than the store's latest install is refused. */
  readonly issuedAt: number;
}

const ISSUER = 'cartrelay';
const AUDIENCE = 'cartrelay/bigcommerce-admin';
/** As long as a merchant stays on the page in one sitting; reopening the app from the control panel issues another. */
export const ADMIN_SESSION_TTL_SECONDS = 8 * 60 * 60;

const ClaimsSchema = z.object({ sub: z.string().regex(/^[a-z0-9]{1,64}$/), uid: z.string().regex(/^\d{1,20}$/), iat: z.number().int() });

export function adminSessionKey(clientSecret: string): Uint8Array {
  return createHmac('sha256', clientSecret).update('cartrelay bigcommerce admin session v1').digest();
}

export function issueAdminSession(key: Uint8Array, session: { readonly storeHash: string; readonly userId: string }, now = Date.now()): Promise<string> {
  const issuedAt = Math.floor(now / 1000);
  return new SignJWT({ uid: session.userId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(session.storeHash)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ADMIN_SESSION_TTL_SECONDS)
    .sign(key);
}

export async function verifyAdminSession(key: Uint8Array, token: string, now = Date.now()): Promise<Result<AdminSession, string>> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, currentDate: new Date(now), clockTolerance: 5 });
    const claims = ClaimsSchema.safeParse(payload);
    if (!claims.success) return err('the session token is not one of CartRelay’s');
    return ok({ storeHash: claims.data.sub, userId: claims.data.uid, issuedAt: claims.data.iat * 1000 });
  } catch (error) {
    return err(error instanceof errors.JWTExpired ? 'the session has expired: open CartRelay again from your BigCommerce control panel' : 'the session token is not valid');
  }
}
