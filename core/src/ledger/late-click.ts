import type { ConversionFields } from '../mapping/conversion.ts';
import type { ClickCapture } from '../captures/click-captures.ts';

/**
 * A click id captured for an order (a pixel's beacon) whose conversion went without any: it arrived
 * after the conversion was planned, and impact.com cannot add a click id to a sent conversion. Shown
 * to the merchant so the partner can still be credited by hand. (A conversion that carries a click id
 * of its own took it from the order, which a beacon never overrides.)
 */
export function lateClickCapture(conversion: ConversionFields | null, capture: ClickCapture | null): ClickCapture | null {
  if (!conversion || !capture || conversion.ClickId) return null;
  return capture;
}
