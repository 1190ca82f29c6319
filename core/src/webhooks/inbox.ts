/**
 * The webhook inbox: verified webhooks held durably before they are acknowledged, then claimed for
 * processing a batch at a time (ADR 4). One of the store's ports (ADR 9); its battery:
 * core/src/testing/inbox-contract.ts. Webhooks that become order events are marked done by the
 * ledger, in the transaction that applies them (OrderLedger); the rest are finished here.
 */
export interface WebhookInbox {
  /**
   * Stores verified webhooks in one transaction; a delivery id seen before for the shop is a duplicate,
   * and a body held for another shop is refused (signatures cover the body, not the shop it is for).
   */
  insertWebhooks(webhooks: readonly NewWebhook[]): Promise<InboxOutcome[]>;
  /** Leases up to `limit` webhooks ready for processing (pending, or leased by a process that died). */
  claimWebhooks(limit: number, leaseMs: number, now: number): Promise<WebhookRow[]>;
  /** Ends webhooks without an order change (ignored topic, invalid payload), in one transaction. */
  finishWebhooks(webhooks: ReadonlyArray<{ readonly id: number; readonly status: 'done' | 'failed'; readonly outcome: string }>, now: number): Promise<void>;
  /**
   * Gives a leased webhook back for a later try (a fetch from the platform failed). `uncounted`: the
   * wait was no failure (the shop is not configured yet, a click id may still come), so the claim's
   * attempt is given back.
   */
  retryWebhook(id: number, outcome: string, availableAt: number, options?: { readonly uncounted?: boolean }): Promise<void>;
  /** Makes a shop's waiting webhooks due now (its configuration was just saved); returns how many. */
  releaseWebhooks(shopId: number, now: number): Promise<number>;
}

/** What came of a webhook handed to the inbox. `refused`: the same body is held for another shop (a replay). */
export type InboxOutcome = 'stored' | 'duplicate' | 'refused';

export interface NewWebhook {
  readonly shopId: number;
  readonly topic: string;
  /** The platform's id for the delivery, used to drop duplicates. */
  readonly deliveryId: string;
  readonly receivedAt: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface WebhookRow extends NewWebhook {
  readonly id: number;
  readonly attempts: number;
}
