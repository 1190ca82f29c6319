import { randomBytes } from 'node:crypto';
import { type Result, type SecretBox, err, ok } from '@cartrelay/core';
import { z } from 'zod';

/**
 * The `user_id` CartRelay gives WooCommerce's authorize screen, which WooCommerce hands back with the
 * keys (the callback) and to the merchant's browser (the return URL). It is sealed with the relay's
 * key, so it cannot be forged or read, names the site the merchant asked to connect, expires, and
 * carries a nonce the callback accepts once. base64url, because WooCommerce adds it to the return URL
 * without encoding it.
 */
export interface ConnectState {
  readonly site: string;
  readonly nonce: string;
  /** Expiry (epoch ms). */
  readonly exp: number;
}

/** Long enough to log in to WordPress and approve; short enough that a leaked state is soon worthless. */
export const CONNECT_STATE_TTL_MS = 30 * 60_000;

const PURPOSE = 'cartrelay woocommerce connect';
const StateSchema = z.object({ p: z.literal(PURPOSE), site: z.string(), nonce: z.string(), exp: z.number() });

export function issueConnectState(box: SecretBox, site: string, now: number): string {
  const sealed = box.seal(JSON.stringify({ p: PURPOSE, site, nonce: randomBytes(16).toString('base64url'), exp: now + CONNECT_STATE_TTL_MS }));
  return Buffer.from(sealed, 'utf8').toString('base64url');
}

export function readConnectState(box: SecretBox, state: unknown, now: number): Result<ConnectState, string> {
  if (typeof state !== 'string' || !/^[A-Za-z0-9_-]{1,4096}$/.test(state)) return err('no connect state');
  let parsed: z.output<typeof StateSchema>;
  try {
    parsed = StateSchema.parse(JSON.parse(box.open(Buffer.from(state, 'base64url').toString('utf8'))));
  } catch {
    return err('the connect state is not one CartRelay issued');
  }
  if (parsed.exp < now) return err('the connect state has expired: connect again from the plugin’s settings page');
  return ok({ site: parsed.site, nonce: parsed.nonce, exp: parsed.exp });
}
