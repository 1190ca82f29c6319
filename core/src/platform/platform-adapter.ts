import type { Order } from '../order/order.ts';
import { type Result, err } from '../result.ts';
import type { PayloadError } from '../validation/payload-error.ts';
import type { WebhookReceiver } from '../webhooks/webhook-receiver.ts';

// Where they lived before: plugins import them from here.
export { type PayloadError, describePayloadError } from '../validation/payload-error.ts';

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
