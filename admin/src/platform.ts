/**
 * What a store app gives the admin page: an authenticated fetch and a name to show. The admin page
 * knows nothing else about the platform, so BigCommerce and WooCommerce mount the very same app.
 */
export interface AdminPlatform {
  /**
   * Calls the admin API. `path` is relative to ADMIN_API_BASE (`/api/admin`), e.g. `/shop`; the
   * platform adds the base and its Authorization header.
   */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** The store platform as a merchant knows it: "Shopify", "BigCommerce", "WooCommerce". */
  platformLabel: string;
}
