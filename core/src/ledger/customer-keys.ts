import { hashEmail } from '../mapping/customer.ts';
import type { Order } from '../order/order.ts';

/**
 * How the ledger recognises a customer across orders, for new/returning: the platform customer id,
 * and a SHA-256 of the normalised email (never the email itself).
 */
export function customerKeys(order: Order | null): { idKey: string | null; emailKey: string | null } {
  if (!order) return { idKey: null, emailKey: null };
  const email = order.customer.email?.trim().toLowerCase();
  return { idKey: order.customer.id, emailKey: email ? hashEmail(email, 'sha256') : null };
}
