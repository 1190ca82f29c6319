import type { PromoCodeRule } from '../config/tracking-config.ts';
import type { CompiledRules } from './rule-matching.ts';
import { type ExplainLine, explainLine, merchantRuleName } from './explain-line.ts';
import { describeRule } from './rule-matching.ts';

export type PromoDecision =
  | {
      readonly kind: 'excluded';
      readonly code: string;
      readonly ruleText: string;
      /** The rule as the admin page names it ("promo mapping 3"). */
      readonly ruleName: string;
      readonly explain: readonly ExplainLine[];
    }
  | {
      readonly kind: 'codes';
      /** The code sent as OrderPromoCode, as the customer typed it; null when the order has none. */
      readonly orderPromoCode: string | null;
      /** The rule that matched OrderPromoCode, if any. */
      readonly rule: PromoCodeRule | null;
      readonly explain: readonly ExplainLine[];
    };

/**
 * Decides what the order's codes mean: an excluded code (staff, internal) skips the order;
 * otherwise OrderPromoCode is the first code a partner rule matches, else the first code.
 */
export function decidePromoCodes(orderCodes: readonly string[], rules: CompiledRules): PromoDecision {
  // Exact duplicates count once; codes differing in case stay apart, since regex rules see case.
  const codes = [...new Set(orderCodes.map((code) => code.trim()).filter((code) => code !== ''))];
  const explain: ExplainLine[] = [];
  if (codes.length === 0) return { kind: 'codes', orderPromoCode: null, rule: null, explain: [explainLine('no promo code on the order', 'The order has no promo code.')] };

  for (const code of codes) {
    const exclusion = rules.promo.exclusions.first(code);
    if (exclusion) {
      const ruleText = describeRule('promoCodes', exclusion.index, exclusion.rule.match, exclusion.rule.code);
      const ruleName = merchantRuleName('promoCodes', exclusion.index);
      return { kind: 'excluded', code, ruleText, ruleName, explain: [explainLine(`code ${code} is excluded by ${ruleText}`, `Code ${code} is excluded by ${ruleName}.`)] };
    }
  }

  const firstRule = (code: string, partnerOnly: boolean) => (partnerOnly ? rules.promo.partners : rules.promo.credits).first(code);

  const partnerCode = codes.find((code) => firstRule(code, true));
  const orderPromoCode = partnerCode ?? codes[0]!;
  const matched = firstRule(orderPromoCode, partnerCode !== undefined);

  if (codes.length > 1) explain.push(explainLine(`order codes: ${codes.join(', ')}`, `The order has ${codes.length} codes: ${codes.join(', ')}.`));
  if (matched) {
    const ruleText = describeRule('promoCodes', matched.index, matched.rule.match, matched.rule.code);
    const credits = [
      matched.rule.partnerId ? `partner ${matched.rule.partnerId}` : null,
      matched.rule.actionTrackerId ? `action tracker ${matched.rule.actionTrackerId}` : null,
    ].filter(Boolean);
    explain.push(
      explainLine(
        `OrderPromoCode ${orderPromoCode}: matches ${ruleText} → ${credits.join(', ')}`,
        `Code ${orderPromoCode} matches ${merchantRuleName('promoCodes', matched.index)}, which credits ${credits.join(' and ')}.`,
      ),
    );
  } else {
    explain.push(
      explainLine(
        `OrderPromoCode ${orderPromoCode}: ${codes.length > 1 ? 'first code; ' : ''}no partner rule matches, reported as entered`,
        `Code ${orderPromoCode}${codes.length > 1 ? ' (the first)' : ''} matches no promo mapping: it is sent as entered, crediting no partner.`,
      ),
    );
  }
  return { kind: 'codes', orderPromoCode, rule: matched?.rule ?? null, explain };
}
