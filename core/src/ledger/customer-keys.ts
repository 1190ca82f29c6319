import { hashEmail } from '../mapping/customer.ts';
import type { Order } from '../order/order.ts';

/**
 * How the ledger recognises a customer across orders, for new/returning: the platform customer id,
 * and a SHA-256 of the normalised email (never the email itself).
 */
export function customerKeys(order: Order | null): { idKey: string | null; emailKey: string | null } {
  if (!order) return { idKey: null, emailKey: null };
  const email = order.customer.email?.trim();
  return { idKey: order.customer.id, emailKey: email ? emailKey(email) : null };
}

/** The ledger's key for an email: SHA-256 of it trimmed and lower-cased. */
export function emailKey(email: string): string {
  return hashEmail(email.trim().toLowerCase(), 'sha256');
}
