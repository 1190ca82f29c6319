import { type GraphqlFailure, type GraphqlRequester, type QueryCost, adminGraphql } from '../admin-api/graphql.ts';
import { ORDER_NODE_FIELDS } from '../admin-api/graphql-order.ts';

/**
 * Orders updated since a moment, a page at a time, through the GraphQL Admin API.
 *
 * Two queries per page: a light one lists ids (`orders(first: pageSize, sortKey: UPDATED_AT, query:
 * "updated_at:>='…'")`, cursor pagination), then each order is read whole with `order(id:)`. One
 * query with line items for 50 orders would request far more than the 1,000 points a single query
 * may (a connection costs `first` × its node); an order alone requests about 890 and, as Shopify
 * charges the actual cost (a few dozen points for a usual order), the bucket refills between them.
 * https://shopify.dev/docs/api/usage/limits#cost-calculation
 */
export const ORDERS_PAGE_QUERY = `query CartRelayOrdersUpdatedSince($first: Int!, $after: String, $query: String) {
  shop { ianaTimezone }
  orders(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {
    nodes { id updatedAt }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const ORDER_QUERY = `query CartRelayOrder($id: ID!) {
  order(id: $id) {
${ORDER_NODE_FIELDS}
  }
}`;

export interface OrdersPage {
  /** Order nodes (ORDER_NODE_FIELDS) with `shopTimezone` added, in updated_at order. */
  readonly orders: Array<Record<string, unknown>>;
  readonly endCursor: string | null;
}

export interface ListOptions {
  readonly pageSize?: number;
  /** Waits; tests pass a recorder. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Tries of one request while Shopify answers THROTTLED. */
  readonly maxThrottledRetries?: number;
}

export class AdminApiError extends Error {
  override readonly name = 'AdminApiError';
  readonly failure: GraphqlFailure;
  constructor(failure: GraphqlFailure) {
    super(`Shopify Admin API: ${failure.message}`);
    this.failure = failure;
  }
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function* listOrdersUpdatedSince(client: GraphqlRequester, sinceIso: string | null, options: ListOptions = {}): AsyncGenerator<OrdersPage> {
  const budget = new CostBudget(options.sleep ?? realSleep, options.maxThrottledRetries ?? 5);
  const query = sinceIso ? `updated_at:>='${sinceIso}'` : null;
  let after: string | null = null;
  for (;;) {
    const page: ListData = await budget.request(client, ORDERS_PAGE_QUERY, { first: options.pageSize ?? 50, after, query });
    const orders: Array<Record<string, unknown>> = [];
    for (const { id } of page.orders.nodes) {
      const { order } = await budget.request<{ order: Record<string, unknown> | null }>(client, ORDER_QUERY, { id });
      // Deleted between the two queries: nothing to reconcile.
      if (order) orders.push({ ...order, shopTimezone: page.shop?.ianaTimezone ?? null });
    }
    yield { orders, endCursor: page.orders.pageInfo.endCursor };
    if (!page.orders.pageInfo.hasNextPage || !page.orders.pageInfo.endCursor) return;
    after = page.orders.pageInfo.endCursor;
  }
}

interface ListData {
  shop: { ianaTimezone: string | null } | null;
  orders: { nodes: Array<{ id: string; updatedAt: string }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/**
 * Shopify's leaky bucket, as the answers report it (`extensions.cost`): before a query, if fewer
 * points are available than the same query requested last time, wait until they have been restored;
 * a THROTTLED answer waits for the points it needs and asks again, a bounded number of times.
 */
class CostBudget {
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #maxRetries: number;
  #status: QueryCost['throttleStatus'] | null = null;
  readonly #requested = new Map<string, number>();

  constructor(sleep: (ms: number) => Promise<void>, maxRetries: number) {
    this.#sleep = sleep;
    this.#maxRetries = maxRetries;
  }

  async request<T>(client: GraphqlRequester, query: string, variables: Record<string, unknown>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.#waitFor(this.#requested.get(query));
      const answer = await adminGraphql<T>(client, query, variables);
      if (answer.ok) {
        this.#note(query, answer.value.cost);
        return answer.value.data;
      }
      if (answer.error.kind !== 'throttled' || attempt >= this.#maxRetries) throw new AdminApiError(answer.error);
      this.#note(query, answer.error.cost);
      // Without a cost report, wait a second (a standard bucket restores 50–100 points a second).
      if (!answer.error.cost) await this.#sleep(1000);
    }
  }

  #note(query: string, cost: QueryCost | null): void {
    if (!cost) return;
    this.#requested.set(query, cost.requestedQueryCost);
    this.#status = cost.throttleStatus;
  }

  async #waitFor(cost: number | undefined): Promise<void> {
    if (cost === undefined || !this.#status || this.#status.restoreRate <= 0) return;
    const { currentlyAvailable, restoreRate, maximumAvailable } = this.#status;
    const needed = Math.min(cost, maximumAvailable);
    if (currentlyAvailable >= needed) return;
    const ms = Math.ceil(((needed - currentlyAvailable) / restoreRate) * 1000);
    await this.#sleep(ms);
    // Assume the bucket refilled as computed until the next answer says otherwise.
    this.#status = { ...this.#status, currentlyAvailable: needed };
  }
}
