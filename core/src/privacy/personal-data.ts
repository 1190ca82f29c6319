/**
 * Customers' personal data held by CartRelay: privacy-law requests (export, erasure) and retention.
 * One of the store's ports (ADR 9); its battery: core/src/testing/privacy-contract.ts. Which data is
 * personal is decided in personal-fields.ts; the store applies it.
 */
export interface PersonalData {
  /** Everything held on one customer of a shop (a privacy-law data request), saved for the merchant. */
  exportCustomerData(shopId: number, customer: CustomerRef, requestId: string | null, now: number): Promise<CustomerDataExport>;
  listCustomerDataExports(shopId: number): Promise<CustomerDataExport[]>;
  /**
   * Removes one customer's personal data (ids, email hashes, IPs, user agents, raw payloads that name
   * them) from the shop's ledger and queues; what was sold and for how much stays. Returns the orders touched.
   */
  redactCustomer(shopId: number, customer: CustomerRef, now: number): Promise<number>;
  /**
   * Deletes up to `limit` processed webhooks (with their raw payloads, which hold customers' personal
   * data) received before `before`, and click captures taken before it. Oldest first; returns how many
   * went. The ledger and the deliveries stay: they are the record of what was sent.
   */
  purgeExpired(before: number, limit: number): Promise<number>;
}

/** A customer as a privacy request names them: any of id, email and their orders. */
export interface CustomerRef {
  readonly customerId: string | null;
  readonly email: string | null;
  readonly platformOrderIds: readonly string[];
}

export interface CustomerDataExport {
  readonly requestId: string | null;
  readonly createdAt: number;
  readonly customerId: string | null;
  /** The ledger's orders of this customer: what was sent to impact.com about them. */
  readonly orders: ReadonlyArray<{
    readonly platformOrderId: string;
    readonly impactOrderId: string | null;
    readonly status: string;
    /** Fields sent to impact.com that identify the customer: CustomerId, CustomerEmail (a hash), IpAddress, UserAgent, ClickId. */
    readonly sentFields: Readonly<Record<string, string>>;
    readonly clickCapture: { readonly clickId: string; readonly ip: string | null; readonly userAgent: string | null } | null;
  }>;
}
