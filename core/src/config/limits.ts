/**
 * How large a tracking configuration may be. Every merchant's rules run on the relay's one thread,
 * beside every other shop's webhooks, so a configuration's cost must have a ceiling: a save
 * validates (compiles) its rules, and every order is matched against them.
 *
 * The numbers leave real programs ample room. impact.com programs map hundreds of promo codes, rarely
 * a few thousand; SKU rules are usually a handful of prefixes and a few hundred exact SKUs; customer
 * tags that change the status sent (wholesale, VIP, staff) are a few. Regular expressions are the
 * costly kind (each is compiled, and tried in turn against each code or SKU that no cheaper rule
 * settled), and a program needs a few: one pattern covers a family of codes.
 *
 * They hold for what is saved, not for what was saved: a configuration stored before a limit existed
 * was valid then, and still loads and maps as saved (`readStoredTrackingConfig`); its next save must
 * fit. Exact codes and SKUs are looked up in a map and prefixes by length, so matching an order costs
 * at most, per code or SKU, one lookup per distinct prefix length and one RE2 run per regular
 * expression: RE2 runs in time linear in the text and the pattern's program, which
 * `regexInstructionsPerList` bounds for the whole list.
 */
export const CONFIG_LIMITS = {
  /** Promo-code mappings. 5,000 short rules take about 250 KB of the admin API's 512 KB body. */
  promoCodes: 5_000,
  /** SKU rules (exact, prefix and regex together). */
  skus: 5_000,
  /** Customer-status tag rules. */
  customerStatusRules: 100,
  /** Regular expressions in one list (promo codes, or SKU rules). */
  regexRulesPerList: 100,
  /**
   * RE2 instructions of one list's regular expressions together: what matching one code or SKU costs
   * at most. A simple pattern compiles to a few dozen (`^PODCAST\d+$`: 13); a counted repetition
   * repeats its part (`.{1,1000}`: 2,001).
   */
  regexInstructionsPerList: 5_000,
  /** Characters of an exact promo code, a SKU or prefix, and a customer tag: what impact.com and stores keep. */
  textLength: 255,
  /** Characters of a regular expression: a rule is a code or SKU shape, not a program. */
  patternLength: 200,
} as const;

/** 5000 → "5,000", as the messages a merchant reads spell numbers. */
export const formatCount = (n: number): string => n.toLocaleString('en-US');
