import type { Order } from '../order/order.ts';
import { type Result, err } from '../result.ts';
import type { WebhookReceiver } from '../webhooks/webhook-receiver.ts';
import { type FieldProblem, describeProblems } from '../validation/format-issues.ts';

/**
 * What a platform plugin contributes: the translation of its payloads into the core model.
 * Core never names a platform; the command and the server look adapters up by `platform`.
 */
export interface PlatformAdapter {
  /** Lower-case platform name used on the command line and in routes: "shopify". */
  readonly platform: string;
  /** Webhook topics whose payload is an order, in the platform's own spelling ("orders/paid"). */
  readonly orderTopics: readonly string[];
  /** Describes the payload `normalizeOrder` expects, for help and error text. */
  readonly orderPayloadDescription: string;
  /** Translates an order payload (parsed with `parseJson`, so large ids are exact strings) into an Order. */
  normalizeOrder(topic: string, payload: unknown): Result<Order, PayloadError>;
  /** The relay side: identify, verify and interpret the platform's webhooks. */
  readonly webhooks: WebhookReceiver;
}

export type PayloadError =
  | { readonly code: 'unsupported_topic'; readonly topic: string; readonly supported: readonly string[] }
  | { readonly code: 'invalid_payload'; readonly problems: readonly FieldProblem[] };

/** `line_items[0].price: expected a decimal amount` or `topic refunds/create is not an order topic (…)`. */
export function describePayloadError(error: PayloadError): string {
  if (error.code === 'unsupported_topic') {
    return `topic ${error.topic} does not carry an order; expected one of ${error.supported.join(', ')}`;
  }
  return describeProblems(error.problems);
}

/** Builds an adapter whose `normalizeOrder` refuses topics that do not carry an order. */
export function createPlatformAdapter(definition: {
  readonly platform: string;
  readonly orderTopics: readonly string[];
  readonly orderPayloadDescription: string;
  readonly normalizeOrder: (payload: unknown) => Result<Order, PayloadError>;
  readonly webhooks: WebhookReceiver;
}): PlatformAdapter {
  return {
    platform: definition.platform,
    webhooks: definition.webhooks,
    orderTopics: definition.orderTopics,
    orderPayloadDescription: definition.orderPayloadDescription,
    normalizeOrder(topic, payload) {
      if (!definition.orderTopics.includes(topic)) {
        return err({ code: 'unsupported_topic', topic, supported: definition.orderTopics });
      }
      return definition.normalizeOrder(payload);
    },
  };
}
