import type { StoredExplainLine } from '../mapping/explain-line.ts';

/** The ledger's orders as the merchant and the operator see them (the read side: RelayQueries.listOrders). */
export interface OrderListing {
  readonly id: number;
  readonly platformOrderId: string;
  readonly status: 'none' | 'converted' | 'reversed';
  readonly actionTrackerId: string | null;
  readonly impactOrderId: string | null;
  /** The checkout the order came from, when the platform says (it names the order's genuine click capture). */
  readonly checkoutToken: string | null;
  /** The number the merchant knows the order by ("1001" for Shopify's #1001); null before the order arrived. */
  readonly orderNumber: string | null;
  /** Why the order was or was not sent; rows saved before lines had two forms hold plain strings. */
  readonly explain: readonly StoredExplainLine[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface OrderFilter {
  readonly since?: number;
  readonly status?: 'none' | 'converted' | 'reversed';
  readonly limit?: number;
}
