import type { TrackingConfig } from '../config/tracking-config.ts';
import { decidePromoCodes } from '../mapping/promo-codes.ts';
import { compileRules } from '../mapping/rule-matching.ts';

export type CodePreview =
  | { readonly kind: 'excluded'; readonly explain: string }
  | { readonly kind: 'credits'; readonly partnerId: string | null; readonly actionTrackerId: string; readonly explain: string }
  | { readonly kind: 'unmapped'; readonly explain: string };

/**
 * "Which partner would this code credit?": the mapping's own decision for an order carrying only
 * `code`, so the admin page's preview cannot disagree with what is sent. Pure and browser-safe.
 */
export function previewPromoCode(config: TrackingConfig, code: string): CodePreview {
  const decision = decidePromoCodes([code], compileRules(config));
  const explain = decision.explain.join('; ');
  if (decision.kind === 'excluded') return { kind: 'excluded', explain: `${explain}: orders with it are not sent` };
  if (!decision.rule) return { kind: 'unmapped', explain };
  return {
    kind: 'credits',
    partnerId: decision.rule.partnerId ?? null,
    actionTrackerId: decision.rule.actionTrackerId ?? config.program.actionTrackerId,
    explain,
  };
}
