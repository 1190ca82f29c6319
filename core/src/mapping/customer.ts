import { createHash } from 'node:crypto';
import type { TrackingConfig } from '../config/tracking-config.ts';
import type { Order } from '../order/order.ts';
import { FIELD_LIMITS, truncate } from './conversion.ts';
import { type ExplainLine, explainLine, merchantRuleName } from './explain-line.ts';
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
  readonly explain: readonly ExplainLine[];
}

/**
 * The one place that decides what is sent about the customer. The email is trimmed, lower-cased
 * and hashed (SHA-1 by default, as impact.com recommends); with `emailHash: "none"` it is left out.
 * The IP address and user agent are personal data the merchant opts into (`sendIpAddress`,
 * `sendUserAgent`); without that they are left out, whatever the order holds.
 */
export function customerFields(order: Pick<Order, 'customer' | 'client'>, config: TrackingConfig, rules: CompiledRules): CustomerFields {
  const { customer, client } = order;
  const explain: ExplainLine[] = [];
  const customerId = customer.id ? truncate(customer.id, FIELD_LIMITS.CustomerId) : null;
  explain.push(
    customerId
      ? explainLine(`CustomerId ${customerId}: registered customer`, `A registered customer: their customer id ${customerId} is sent.`)
      : explainLine('no CustomerId: guest checkout', 'A guest checkout: no customer id is sent.'),
  );

  const email = customer.email?.trim().toLowerCase() || null;
  // An order as the ledger keeps it has the email's digests instead (core/src/ledger/kept-order.ts).
  const digests = email === null ? (customer.emailDigests ?? null) : null;
  let emailHash: string | null = null;
  if (email === null && digests === null) explain.push(explainLine('no CustomerEmail: the order has no email', 'The order has no email: none is sent.'));
  else if (config.emailHash === 'none') explain.push(explainLine('CustomerEmail left out: emailHash is "none"', 'The email is not sent: the settings say not to.'));
  else {
    emailHash = email === null ? (digests?.[config.emailHash] ?? null) : hashEmail(email, config.emailHash);
    explain.push(
      explainLine(
        `CustomerEmail: ${config.emailHash === 'sha1' ? 'SHA-1' : 'SHA-256'} of the trimmed, lower-cased email`,
        'The email is sent scrambled (hashed), never as it was typed.',
      ),
    );
  }

  const decided = customerStatus(customer, config, rules);
  const status = decided.status;
  explain.push(decided.explain);

  const ip = client.ip?.trim() || null;
  let ipAddress: string | null = null;
  if (!config.sendIpAddress) explain.push(explainLine('IpAddress left out: sendIpAddress is off', "The buyer's IP address is not sent: the settings say not to."));
  else if (ip === null) explain.push(explainLine('no IpAddress: the order has no IP address', "The order has no IP address: none is sent."));
  else {
    ipAddress = ip;
    explain.push(explainLine("IpAddress: the buyer's IP address (sendIpAddress is on)", "The buyer's IP address is sent, as the settings allow."));
  }

  const agent = client.userAgent?.trim() || null;
  let userAgent: string | null = null;
  if (!config.sendUserAgent) explain.push(explainLine('UserAgent left out: sendUserAgent is off', "The buyer's browser is not sent: the settings say not to."));
  else if (agent === null) explain.push(explainLine('no UserAgent: the order has no user agent', "The order does not say the buyer's browser: none is sent."));
  else {
    userAgent = truncate(agent, FIELD_LIMITS.UserAgent);
    explain.push(explainLine("UserAgent: the buyer's browser (sendUserAgent is on)", "The buyer's browser is sent, as the settings allow."));
  }

  return { customerId, emailHash, status: status === null ? null : truncate(status, FIELD_LIMITS.CustomerStatus), ipAddress, userAgent, explain };
}

export function hashEmail(normalisedEmail: string, algorithm: 'sha1' | 'sha256'): string {
  return createHash(algorithm).update(normalisedEmail, 'utf8').digest('hex');
}

/** First matching tag rule, else new/returning when the order's data says so; never guessed. */
function customerStatus(customer: Order['customer'], config: TrackingConfig, rules: CompiledRules): { status: string | null; explain: ExplainLine } {
  const matched = rules.statusForTags(customer.tags);
  if (matched) {
    const { rule, index } = matched;
    return {
      status: rule.status,
      explain: explainLine(
        `CustomerStatus ${rule.status}: tag ${rule.tag} (customerStatus.rules[${index}])`,
        `Customer status ${rule.status}: the customer is tagged ${rule.tag} (${merchantRuleName('customerTags', index)}).`,
      ),
    };
  }
  if (customer.returning === null) {
    return {
      status: null,
      explain: explainLine(
        'no CustomerStatus: the order does not say whether the customer is new or returning',
        'No customer status: the order does not say whether the customer is new or returning.',
      ),
    };
  }
  const kind = customer.returning ? 'returning' : 'new';
  const status = config.customerStatus[kind] ?? null;
  return status
    ? { status, explain: explainLine(`CustomerStatus ${status}: ${kind} customer`, `Customer status ${status}: a ${kind} customer.`) }
    : {
        status: null,
        explain: explainLine(
          `no CustomerStatus: ${kind} customer but customerStatus.${kind} is not set`,
          `No customer status: a ${kind} customer, and no status is set for ${kind} customers.`,
        ),
      };
}
