import { RE2JS } from 're2js';
import { type Result, err, ok } from '../result.ts';

/** Longer patterns are refused: a rule is a code or SKU shape, not a program. */
export const MAX_RULE_PATTERN_LENGTH = 200;

/**
 * A merchant's regex rule, compiled with RE2 (re2js). Patterns are written by any installing merchant
 * and run against codes shoppers type: a backtracking RegExp such as `^(\w+\s?)*$` could hold the
 * relay's one thread for seconds on a crafted code, and every shop's webhooks with it. RE2 matches in
 * linear time; its syntax has no lookaround and no backreferences. Matching is unanchored, like
 * RegExp.test: anchor with ^ and $.
 */
export function compileRulePattern(pattern: string): Result<(text: string) => boolean, string> {
  if (pattern.length > MAX_RULE_PATTERN_LENGTH) return err(`longer than ${MAX_RULE_PATTERN_LENGTH} characters`);
  try {
    const compiled = RE2JS.compile(pattern);
    return ok((text) => compiled.test(text));
  } catch (error) {
    return err((error instanceof Error ? error.message : String(error)).replace(/^error parsing regexp: /, ''));
  }
}
