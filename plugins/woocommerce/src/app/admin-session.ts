import { type Result, type SecretBox, err, ok } from '@cartrelay/core';
import { z } from 'zod';

/**
 * The admin page's session for a WooCommerce store: issued after a signed link from wp-admin (or the
 * connect flow's return) was verified, handed to the page in the URL's fragment (never sent to a
 * server, nor in a Referer), kept in the tab's session storage and sent as a Bearer token. Sealed
 * with the relay's key: every relay process accepts it, and nobody can make or read one.
 */
export interface AdminSession {
  readonly site: string;
  /** The WordPress user it was issued to. */
  readonly user: string;
  /** Issued at (epoch ms): a session older than the store's latest connection is refused. */
  readonly issuedAt: number;
}

/** As long as a merchant stays on the page in one sitting; the plugin's link issues another. */
export const ADMIN_SESSION_TTL_MS = 8 * 60 * 60_000;

const PURPOSE = 'cartrelay woocommerce admin';
const SessionSchema = z.object({ p: z.literal(PURPOSE), site: z.string(), user: z.string(), iat: z.number(), exp: z.number() });

export function issueAdminSession(box: SecretBox, session: { readonly site: string; readonly user: string }, now: number): string {
  return Buffer.from(box.seal(JSON.stringify({ p: PURPOSE, site: session.site, user: session.user, iat: now, exp: now + ADMIN_SESSION_TTL_MS })), 'utf8').toString('base64url');
}

export function verifyAdminSession(box: SecretBox, token: string, now: number): Result<AdminSession, string> {
  let session: z.output<typeof SessionSchema>;
  try {
    session = SessionSchema.parse(JSON.parse(box.open(Buffer.from(token, 'base64url').toString('utf8'))));
  } catch {
    return err('the session token is not valid');
  }
  if (session.exp < now) return err('the session has expired: open CartRelay again from your WordPress admin');
  return ok({ site: session.site, user: session.user, issuedAt: session.iat });
}
