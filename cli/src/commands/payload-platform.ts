/**
 * Which platform a payload comes from, told by fields only that platform's orders have; null when
 * nothing is distinctive. Used only to explain a payload that did not map: never to choose a platform.
 */
const SIGNATURES: ReadonlyArray<{ readonly platform: string; readonly label: string; readonly matches: (payload: Record<string, unknown>) => boolean }> = [
  { platform: 'shopify', label: 'Shopify', matches: (p) => 'admin_graphql_api_id' in p || ('financial_status' in p && 'line_items' in p) },
  { platform: 'woocommerce', label: 'WooCommerce', matches: (p) => 'order_key' in p || ('date_created_gmt' in p && 'line_items' in p) },
  // The bundle `cartrelay map` reads, or a bare V2 order as BigCommerce's API returns it.
  { platform: 'bigcommerce', label: 'BigCommerce', matches: (p) => ('order' in p && 'products' in p) || ('status_id' in p && 'items_total' in p) },
];

export const PLATFORM_LABELS: Readonly<Record<string, string>> = Object.fromEntries(SIGNATURES.map((s) => [s.platform, s.label]));

export function payloadPlatform(payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  const found = SIGNATURES.filter((signature) => signature.matches(payload as Record<string, unknown>));
  return found.length === 1 ? found[0]!.platform : null;
}

/** "this looks like a BigCommerce order, not a Shopify one: use --platform bigcommerce", when it does. */
export function wrongPlatformMessage(payload: unknown, platform: string): string | null {
  const guessed = payloadPlatform(payload);
  if (guessed === null || guessed === platform) return null;
  return `this looks like a ${PLATFORM_LABELS[guessed]} order, not a ${PLATFORM_LABELS[platform] ?? platform} one: use --platform ${guessed}`;
}
