import { RE2JS } from 're2js';
import { type Result, err, ok } from '../result.ts';
import { CONFIG_LIMITS } from './limits.ts';

/** A compiled regex rule: how to run it, and its RE2 program's size (what one run costs per character). */
export interface RulePattern {
  readonly matches: (text: string) => boolean;
  /** RE2 instructions: a simple pattern has a few dozen, `.{1,1000}` 2,001. */
  readonly size: number;
}

/**
 * A merchant's regex rule, compiled with RE2 (re2js). Patterns are written by any installing merchant
 * and run against codes shoppers type: a backtracking RegExp such as `^(\w+\s?)*$` could hold the
 * relay's one thread for seconds on a crafted code, and every shop's webhooks with it. RE2 matches in
 * linear time; its syntax has no lookaround and no backreferences. Matching is unanchored, like
 * RegExp.test: anchor with ^ and $.
 *
 * Compiling is the costly part, so the last patterns compiled are remembered: validating a saved
 * configuration compiles each of its patterns, and the mapping's rules, built from the stored copy,
 * take the same compiled patterns instead of compiling them again. An RE2 program never changes once
 * compiled, so one serves every rule (and every shop) that writes the same pattern.
 */
export function compileRulePattern(pattern: string): Result<RulePattern, string> {
  // Longer patterns are refused: a rule is a code or SKU shape, not a program.
  if (pattern.length > CONFIG_LIMITS.patternLength) return err(`longer than ${CONFIG_LIMITS.patternLength} characters`);
  const remembered = recent.get(pattern);
  if (remembered) {
    // Most recently used last: the oldest is the first to go.
    recent.delete(pattern);
    recent.set(pattern, remembered);
    return ok(remembered);
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    return err((error instanceof Error ? error.message : String(error)).replace(/^error parsing regexp: /, ''));
  }
  const rule: RulePattern = { matches: (text) => compiled.test(text), size: compiled.programSize() };
  remember(pattern, rule);
  return ok(rule);
}

/** Patterns remembered, in use order, and their instructions together: bounded, so that memory is. */
const recent = new Map<string, RulePattern>();
let recentInstructions = 0;
const MAX_REMEMBERED_INSTRUCTIONS = 200_000;

function remember(pattern: string, rule: RulePattern): void {
  // A pattern no list may hold is not worth the room.
  if (rule.size > CONFIG_LIMITS.regexInstructionsPerList) return;
  recent.set(pattern, rule);
  recentInstructions += rule.size;
  for (const [oldest, { size }] of recent) {
    if (recentInstructions <= MAX_REMEMBERED_INSTRUCTIONS) break;
    recent.delete(oldest);
    recentInstructions -= size;
  }
}
