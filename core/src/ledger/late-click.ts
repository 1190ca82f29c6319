import type { ConversionFields } from '../mapping/conversion.ts';
import type { ClickCapture } from '../store/store.ts';

/**
 * A click id captured for an order (a pixel's beacon) that its conversion does not carry: it arrived
 * after the conversion was planned, and impact.com cannot change a sent conversion's click id. Shown
 * to the merchant so the partner can still be credited by hand.
 */
export function lateClickCapture(conversion: ConversionFields | null, capture: ClickCapture | null): ClickCapture | null {
  if (!conversion || !capture) return null;
  return conversion.ClickId === capture.clickId ? null : capture;
}
