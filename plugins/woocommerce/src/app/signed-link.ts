import { createHmac } from 'node:crypto';
import { type Result, constantTimeEqual, err, ok } from '@cartrelay/core';

/**
 * The CartRelay plugin's signed requests: a link from wp-admin into the admin page (`open`) and its
 * disconnect request (`disconnect`). The plugin signs `purpose \n site \n user \n exp` with the link
 * secret CartRelay gave it when the store connected: HMAC-SHA256, base64url without padding (the
 * same rule as wordpress-plugin/includes/class-cartrelay-signer.php; both test one vector).
 */
export type LinkPurpose = 'open' | 'disconnect';

export interface SignedLink {
  readonly site: string;
  /** The WordPress user who followed it. */
  readonly user: string;
  /** Expiry, in unix seconds. */
  readonly exp: number;
  readonly sig: string;
}

/** The plugin makes links that last five minutes; one that claims more was not made by it. */
const LONGEST_SECONDS = 10 * 60;

export function signLink(linkSecret: string, purpose: LinkPurpose, link: Omit<SignedLink, 'sig'>): string {
  return createHmac('sha256', linkSecret).update(`${purpose}\n${link.site}\n${link.user}\n${link.exp}`).digest('base64url');
}

/** Reads the link's fields from a query or a JSON body; a clear reason when one is missing or malformed. */
export function readSignedLink(fields: Record<string, unknown>): Result<SignedLink, string> {
  const { site, user, exp, sig } = fields;
  if (typeof site !== 'string' || site === '') return err('the link names no site');
  if (typeof user !== 'string' && typeof user !== 'number') return err('the link names no user');
  if (!/^\d{1,20}$/.test(String(user))) return err('the link’s user is not a WordPress user id');
  const expiry = Number(exp);
  if (!Number.isInteger(expiry)) return err('the link has no expiry');
  if (typeof sig !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(sig)) return err('the link is not signed');
  return ok({ site, user: String(user), exp: expiry, sig });
}

export function verifyLink(linkSecret: string, purpose: LinkPurpose, link: SignedLink, now: number): Result<true, string> {
  if (!constantTimeEqual(signLink(linkSecret, purpose, link), link.sig)) return err('the link’s signature does not hold');
  const seconds = Math.floor(now / 1000);
  if (link.exp < seconds) return err('the link has expired: open CartRelay again from your WordPress admin');
  if (link.exp > seconds + LONGEST_SECONDS) return err('the link’s expiry is too far ahead');
  return ok(true);
}
