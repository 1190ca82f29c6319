import { type Result, err, ok } from '@cartrelay/core';
import { type GraphqlRequester, adminGraphql } from './graphql.ts';

export const ORDER_INSIGHTS_QUERY = `query CartRelayOrderInsights($id: ID!) {
  order(id: $id) {
    customerJourneySummary { ready customerOrderIndex firstVisit { landingPage } lastVisit { landingPage } }
  }
}`;

export interface OrderInsights {
  /** false while Shopify has not yet attributed the order's sessions: ask again later. */
  readonly ready: boolean;
  /** Landing pages of the last and the first visit, in that order, without repeats. */
  readonly landingPages: string[];
  /** This order's position in the customer's history (1 = first order, test orders not counted); null when unknown. */
  readonly customerOrderIndex: number | null;
}

interface InsightsData {
  order: {
    customerJourneySummary: {
      ready: boolean;
      customerOrderIndex: number | null;
      firstVisit: { landingPage: string | null } | null;
      lastVisit: { landingPage: string | null } | null;
    } | null;
  } | null;
}

/** What Shopify's customer journey says about an order: its landing pages and the customer's history. */
export async function fetchOrderInsights(client: GraphqlRequester, orderGid: string): Promise<Result<OrderInsights, string>> {
  const answer = await adminGraphql<InsightsData>(client, ORDER_INSIGHTS_QUERY, { id: orderGid });
  if (!answer.ok) return err(answer.error.message);
  const order = answer.value.data?.order;
  if (!order) return err(`order ${orderGid} not found`);
  const journey = order.customerJourneySummary;
  const pages = [journey?.lastVisit?.landingPage, journey?.firstVisit?.landingPage].filter((page): page is string => typeof page === 'string' && page !== '');
  return ok({
    ready: journey?.ready === true,
    landingPages: [...new Set(pages)],
    customerOrderIndex: journey?.customerOrderIndex ?? null,
  });
}
