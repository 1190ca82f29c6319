import { type Result, err, ok } from '@cartrelay/core';
import { GraphqlQueryError, HttpResponseError, type Shopify } from '@shopify/shopify-api';

/** The library's Admin GraphQL client (`new shopify.clients.Graphql({ session })`). */
export type AdminGraphqlClient = InstanceType<Shopify['clients']['Graphql']>;
/** What this folder uses of it; tests may pass anything with the same `request`. */
export type GraphqlRequester = Pick<AdminGraphqlClient, 'request'>;

/** `extensions.cost` of a GraphQL Admin answer: https://shopify.dev/docs/api/usage/limits#cost-calculation */
export interface QueryCost {
  readonly requestedQueryCost: number;
  readonly actualQueryCost: number | null;
  readonly throttleStatus: { readonly maximumAvailable: number; readonly currentlyAvailable: number; readonly restoreRate: number };
}

export type GraphqlFailure =
  /** The cost bucket was empty (errors[].extensions.code THROTTLED): wait and ask again. */
  | { readonly kind: 'throttled'; readonly message: string; readonly cost: QueryCost | null }
  /** Any other GraphQL error, or an HTTP failure (401 bad token, 5xx…). */
  | { readonly kind: 'failed'; readonly message: string; readonly status: number | null };

export interface GraphqlAnswer<T> {
  readonly data: T;
  readonly cost: QueryCost | null;
}

/**
 * One Admin GraphQL request. The library throws on every error (GraphqlQueryError for `errors` in a
 * 200 answer, HttpResponseError for a non-2xx one); here they become values.
 */
export async function adminGraphql<T>(client: GraphqlRequester, query: string, variables: Record<string, unknown> = {}): Promise<Result<GraphqlAnswer<T>, GraphqlFailure>> {
  try {
    const response = await client.request<T>(query, { variables });
    return ok({ data: response.data as T, cost: readCost(response.extensions) });
  } catch (error) {
    if (error instanceof GraphqlQueryError) {
      const body = error.body as
        | { data?: unknown; extensions?: unknown; errors?: { graphQLErrors?: Array<{ message?: string; extensions?: { code?: string } }> } }
        | undefined;
      const graphqlErrors = body?.errors?.graphQLErrors ?? [];
      const message = graphqlErrors.map((e) => e.message ?? 'error').join('; ') || error.message;
      if (graphqlErrors.some((e) => e.extensions?.code === 'THROTTLED')) return err({ kind: 'throttled', message, cost: readCost(body?.extensions) });
      // Protected customer data the app is not (yet) approved for comes back null with ACCESS_DENIED;
      // the rest of the answer is good, and an order without the customer's email is still an order.
      if (body?.data && graphqlErrors.length > 0 && graphqlErrors.every((e) => e.extensions?.code === 'ACCESS_DENIED')) {
        return ok({ data: body.data as T, cost: readCost(body.extensions) });
      }
      return err({ kind: 'failed', message, status: 200 });
    }
    if (error instanceof HttpResponseError) return err({ kind: 'failed', message: error.message, status: error.response.code });
    return err({ kind: 'failed', message: error instanceof Error ? error.message : String(error), status: null });
  }
}

function readCost(extensions: unknown): QueryCost | null {
  const cost = (extensions as { cost?: QueryCost } | undefined)?.cost;
  if (!cost || typeof cost.requestedQueryCost !== 'number' || typeof cost.throttleStatus?.restoreRate !== 'number') return null;
  return { requestedQueryCost: cost.requestedQueryCost, actualQueryCost: cost.actualQueryCost ?? null, throttleStatus: cost.throttleStatus };
}
