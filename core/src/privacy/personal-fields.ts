import type { ClickCapture } from '../captures/click-captures.ts';
import type { LedgerEntry } from '../ledger/order-lifecycle.ts';
import type { ConversionFields } from '../mapping/conversion.ts';
import type { StoredExplainLine } from '../mapping/explain-line.ts';
import type { CustomerDataExport } from './personal-data.ts';

/**
 * Which data CartRelay holds is personal, written once: what a data request exports and what an
 * erasure removes. The store applies these rules (core/src/store/sql/privacy-sql.ts); it does not
 * restate them.
 */

/** Conversion fields sent to impact.com that identify the customer or their device: a data request exports them. */
export const PERSONAL_FIELDS = ['CustomerId', 'CustomerEmail', 'IpAddress', 'UserAgent', 'ClickId'] as const;

/**
 * What an erasure removes from the deliveries kept: every personal field but the click id, which ties
 * the sale to the partner's click (what impact.com credited) and names no one without impact.com's records.
 */
const ERASED_FIELDS = PERSONAL_FIELDS.filter((name) => name !== 'ClickId');

/** The personal fields among those sent. */
export function personalFieldsSent(fields: Readonly<Record<string, string>>): Record<string, string> {
  const sent: Record<string, string> = {};
  for (const name of PERSONAL_FIELDS) if (fields[name] !== undefined) sent[name] = fields[name];
  return sent;
}

/** The fields sent, without what identifies the customer; null when there is nothing to remove. */
export function withoutCustomerFields(fields: ConversionFields): ConversionFields | null {
  if (!ERASED_FIELDS.some((name) => fields[name] !== undefined)) return null;
  const kept: Record<string, string> = { ...fields };
  for (const name of ERASED_FIELDS) delete kept[name];
  return kept;
}

/**
 * The ledger entry without who bought: the customer's id, email (and its digests, which the ledger
 * keeps in its place) and tags, and their IP and user agent. What was sold and for how much stays.
 */
export function withoutCustomer(entry: LedgerEntry): LedgerEntry {
  if (!entry.order) return entry;
  const customer = { ...entry.order.customer, id: null, email: null, tags: [] };
  delete customer.emailDigests;
  return { ...entry, order: { ...entry.order, customer, client: { ip: null, userAgent: null } } };
}

/** Explanation lines that quote the customer's id or email go whole. */
export function withoutCustomerLines(lines: readonly StoredExplainLine[], customer: { readonly customerId: string | null; readonly email: string | null }): StoredExplainLine[] {
  const secrets = [customer.customerId, customer.email].filter((value): value is string => Boolean(value));
  const names = (text: string) => secrets.some((secret) => text.includes(secret));
  return lines.map((line) => {
    if (typeof line === 'string') return names(line) ? '(redacted)' : line;
    return names(line.operator) || names(line.merchant) ? { operator: '(redacted)', merchant: '(redacted)' } : line;
  });
}

/** A click capture without the shopper's device: its IP and user agent (the click id stays, as in the deliveries). */
export function withoutDevice(capture: ClickCapture): ClickCapture {
  return { ...capture, ip: null, userAgent: null };
}

/** What a data request exports of the click capture an order trusts. */
export function exportedClickCapture(capture: ClickCapture): CustomerDataExport['orders'][number]['clickCapture'] {
  return { clickId: capture.clickId, ip: capture.ip, userAgent: capture.userAgent };
}

/** What a stored webhook body that names the customer becomes: the whole payload goes, as it holds the plain email and addresses. */
export const ERASED_WEBHOOK_BODY = '{"redacted":true}';

/**
 * Whether a raw payload names the customer: it holds their platform id or their email, in any case.
 * An erasure removes every payload that does, among them the privacy request itself.
 */
export function payloadNamesCustomer(body: string, customer: { readonly customerId: string | null; readonly email: string | null }): boolean {
  const text = body.toLowerCase();
  return [customer.customerId, customer.email].some((secret) => (secret ? text.includes(secret.toLowerCase()) : false));
}

/**
 * Whether an earlier data-request export holds the customer's data, which an erasure removes: it was
 * asked for by their id, or it lists one of their orders or names their id in what was sent.
 */
export function exportNamesCustomer(exported: CustomerDataExport, customerId: string | null, platformOrderIds: ReadonlySet<string>): boolean {
  if (customerId !== null && exported.customerId === customerId) return true;
  return exported.orders.some((order) => platformOrderIds.has(order.platformOrderId) || (customerId !== null && order.sentFields.CustomerId === customerId));
}
