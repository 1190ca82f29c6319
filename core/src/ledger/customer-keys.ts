import { hashEmail } from '../mapping/customer.ts';
import type { Order } from '../order/order.ts';

export interface CustomerKeys {
  readonly idKey: string | null;
  readonly emailKey: string | null;
}

/**
 * How the ledger recognises a customer across orders, for new/returning: the platform customer id,
 * and a SHA-256 of the normalised email (never the email itself). An order as the ledger keeps it
 * has that SHA-256 among its email's digests instead of the email (kept-order.ts).
 */
export function customerKeys(order: Order | null): CustomerKeys {
  if (!order) return { idKey: null, emailKey: null };
  const email = order.customer.email?.trim();
  return { idKey: order.customer.id, emailKey: email ? emailKey(email) : (order.customer.emailDigests?.sha256 ?? null) };
}

/** The ledger's key for an email: SHA-256 of it trimmed and lower-cased. */
export function emailKey(email: string): string {
  return hashEmail(email.trim().toLowerCase(), 'sha256');
}

/** The digests an order as the ledger keeps it holds in place of the email: each hash the mapping may send, the SHA-256 also its key. */
export function emailDigests(email: string): { readonly sha1: string; readonly sha256: string } {
  const normalised = email.trim().toLowerCase();
  return { sha1: hashEmail(normalised, 'sha1'), sha256: hashEmail(normalised, 'sha256') };
}
