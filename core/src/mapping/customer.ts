import { createHash } from 'node:crypto';
import type { TrackingConfig } from '../config/tracking-config.ts';
import type { Order } from '../order/order.ts';
import { FIELD_LIMITS, truncate } from './conversion.ts';

export interface CustomerFields {
  readonly customerId: string | null;
  /** Hex digest of the normalised email; the plain email never leaves this module. */
  readonly emailHash: string | null;
  readonly status: string | null;
  readonly explain: readonly string[];
}

/**
 * The one place that decides what is sent about the customer. The email is trimmed, lower-cased
 * and hashed (SHA-1 by default, as impact.com recommends); with `emailHash: "none"` it is left out.
 */
export function customerFields(customer: Order['customer'], config: TrackingConfig): CustomerFields {
  const explain: string[] = [];
  const customerId = customer.id ? truncate(customer.id, FIELD_LIMITS.CustomerId) : null;
  explain.push(customerId ? `CustomerId ${customerId}: registered customer` : 'no CustomerId: guest checkout');

  const email = customer.email?.trim().toLowerCase() || null;
  let emailHash: string | null = null;
  if (email === null) explain.push('no CustomerEmail: the order has no email');
  else if (config.emailHash === 'none') explain.push('CustomerEmail left out: emailHash is "none"');
  else {
    emailHash = hashEmail(email, config.emailHash);
    explain.push(`CustomerEmail: ${config.emailHash === 'sha1' ? 'SHA-1' : 'SHA-256'} of the trimmed, lower-cased email`);
  }

  const { status, reason } = customerStatus(customer, config);
  explain.push(reason);
  return { customerId, emailHash, status: status === null ? null : truncate(status, FIELD_LIMITS.CustomerStatus), explain };
}

export function hashEmail(normalisedEmail: string, algorithm: 'sha1' | 'sha256'): string {
  return createHash(algorithm).update(normalisedEmail, 'utf8').digest('hex');
}

/** First matching tag rule, else new/returning when the order's data says so; never guessed. */
function customerStatus(customer: Order['customer'], config: TrackingConfig): { status: string | null; reason: string } {
  const tags = new Set(customer.tags.map((tag) => tag.trim().toLowerCase()));
  const ruleIndex = config.customerStatus.rules.findIndex((rule) => tags.has(rule.tag.trim().toLowerCase()));
  const rule = config.customerStatus.rules[ruleIndex];
  if (rule) return { status: rule.status, reason: `CustomerStatus ${rule.status}: tag ${rule.tag} (customerStatus.rules[${ruleIndex}])` };
  if (customer.returning === null) return { status: null, reason: 'no CustomerStatus: the order does not say whether the customer is new or returning' };
  const kind = customer.returning ? 'returning' : 'new';
  const status = config.customerStatus[kind] ?? null;
  return status
    ? { status, reason: `CustomerStatus ${status}: ${kind} customer` }
    : { status: null, reason: `no CustomerStatus: ${kind} customer but customerStatus.${kind} is not set` };
}
