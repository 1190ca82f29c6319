import { createHash } from 'node:crypto';
import type { TrackingConfig } from '../config/tracking-config.ts';
import type { Order } from '../order/order.ts';
import { FIELD_LIMITS, truncate } from './conversion.ts';
import type { CompiledRules } from './rule-matching.ts';

export interface CustomerFields {
  readonly customerId: string | null;
  /** Hex digest of the normalised email; the plain email never leaves this module. */
  readonly emailHash: string | null;
  readonly status: string | null;
  /** The buyer's IP address, only with `sendIpAddress`. */
  readonly ipAddress: string | null;
  /** The buyer's browser user agent, only with `sendUserAgent`. */
  readonly userAgent: string | null;
  readonly explain: readonly string[];
}

/**
 * The one place that decides what is sent about the customer. The email is trimmed, lower-cased
 * and hashed (SHA-1 by default, as impact.com recommends); with `emailHash: "none"` it is left out.
 * The IP address and user agent are personal data the merchant opts into (`sendIpAddress`,
 * `sendUserAgent`); without that they are left out, whatever the order holds.
 */
export function customerFields(order: Pick<Order, 'customer' | 'client'>, config: TrackingConfig, rules: CompiledRules): CustomerFields {
  const { customer, client } = order;
  const explain: string[] = [];
  const customerId = customer.id ? truncate(customer.id, FIELD_LIMITS.CustomerId) : null;
  explain.push(customerId ? `CustomerId ${customerId}: registered customer` : 'no CustomerId: guest checkout');

  const email = customer.email?.trim().toLowerCase() || null;
  // An order as the ledger keeps it has the email's digests instead (core/src/ledger/kept-order.ts).
  const digests = email === null ? (customer.emailDigests ?? null) : null;
  let emailHash: string | null = null;
  if (email === null && digests === null) explain.push('no CustomerEmail: the order has no email');
  else if (config.emailHash === 'none') explain.push('CustomerEmail left out: emailHash is "none"');
  else {
    emailHash = email === null ? (digests?.[config.emailHash] ?? null) : hashEmail(email, config.emailHash);
    explain.push(`CustomerEmail: ${config.emailHash === 'sha1' ? 'SHA-1' : 'SHA-256'} of the trimmed, lower-cased email`);
  }

  const { status, reason } = customerStatus(customer, config, rules);
  explain.push(reason);

  const ip = client.ip?.trim() || null;
  let ipAddress: string | null = null;
  if (!config.sendIpAddress) explain.push('IpAddress left out: sendIpAddress is off');
  else if (ip === null) explain.push('no IpAddress: the order has no IP address');
  else {
    ipAddress = ip;
    explain.push("IpAddress: the buyer's IP address (sendIpAddress is on)");
  }

  const agent = client.userAgent?.trim() || null;
  let userAgent: string | null = null;
  if (!config.sendUserAgent) explain.push('UserAgent left out: sendUserAgent is off');
  else if (agent === null) explain.push('no UserAgent: the order has no user agent');
  else {
    userAgent = truncate(agent, FIELD_LIMITS.UserAgent);
    explain.push("UserAgent: the buyer's browser (sendUserAgent is on)");
  }

  return { customerId, emailHash, status: status === null ? null : truncate(status, FIELD_LIMITS.CustomerStatus), ipAddress, userAgent, explain };
}

export function hashEmail(normalisedEmail: string, algorithm: 'sha1' | 'sha256'): string {
  return createHash(algorithm).update(normalisedEmail, 'utf8').digest('hex');
}

/** First matching tag rule, else new/returning when the order's data says so; never guessed. */
function customerStatus(customer: Order['customer'], config: TrackingConfig, rules: CompiledRules): { status: string | null; reason: string } {
  const matched = rules.statusForTags(customer.tags);
  if (matched) {
    const { rule, index } = matched;
    return { status: rule.status, reason: `CustomerStatus ${rule.status}: tag ${rule.tag} (customerStatus.rules[${index}])` };
  }
  if (customer.returning === null) return { status: null, reason: 'no CustomerStatus: the order does not say whether the customer is new or returning' };
  const kind = customer.returning ? 'returning' : 'new';
  const status = config.customerStatus[kind] ?? null;
  return status
    ? { status, reason: `CustomerStatus ${status}: ${kind} customer` }
    : { status: null, reason: `no CustomerStatus: ${kind} customer but customerStatus.${kind} is not set` };
}
