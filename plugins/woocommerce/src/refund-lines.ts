import { type Order, type PayloadError, type Result, optionalPlatformId, parsePayload, platformId } from '@cartrelay/core';
import { z } from 'zod';

/**
 * A refund as WooCommerce's REST API lists it (GET /orders/{id}/refunds): its lines give back
 * negative quantities, and each names the order line it refunds in the meta `_refunded_item_id`
 * (https://woocommerce.github.io/woocommerce-rest-api-docs/#order-refund-properties).
 */
const RefundLineSchema = z.object({
  quantity: z.number().int(),
  product_id: optionalPlatformId,
  variation_id: optionalPlatformId,
  meta_data: z.array(z.object({ key: z.string(), value: z.unknown() })).nullish(),
});

export const WooRefundSchema = z.object({ id: platformId, line_items: z.array(RefundLineSchema).nullish() });

const REFUNDED_ITEM_KEY = '_refunded_item_id';

/**
 * The order's refunds with their lines from the refunds the store lists. A refund the store no longer
 * lists (deleted since) keeps no lines; a refund newer than the delivered order is left for its own
 * delivery. A line without `_refunded_item_id` is matched to the order line of its product and variation.
 */
export function refundsWithLines(order: Order, listed: unknown): Result<Order['refunds'], PayloadError> {
  const parsed = parsePayload(z.array(WooRefundSchema), listed);
  if (!parsed.ok) return parsed;
  const byId = new Map(parsed.value.map((refund) => [refund.id, refund]));
  return {
    ok: true,
    value: order.refunds.map((refund) => {
      const lines = (byId.get(refund.id)?.line_items ?? []).flatMap((line) => {
        const lineId = refundedLineId(order, line);
        return lineId && line.quantity !== 0 ? [{ lineId, quantity: Math.abs(line.quantity) }] : [];
      });
      return { id: refund.id, lines };
    }),
  };
}

function refundedLineId(order: Order, line: z.output<typeof RefundLineSchema>): string | null {
  const named = line.meta_data?.find((meta) => meta.key === REFUNDED_ITEM_KEY)?.value;
  if (typeof named === 'string' || typeof named === 'number') return String(named);
  const match = order.lineItems.find((item) => item.productId === line.product_id && item.variantId === line.variation_id);
  return match?.id ?? null;
}
