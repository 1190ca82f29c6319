import type { AdminShell } from './shell.ts';

/**
 * What a store app gives the admin page: an authenticated fetch, a name to show, where the page is
 * served, and, if it has them, its own parts of the shell. The admin page knows nothing else about
 * the platform, so BigCommerce and WooCommerce mount the very same app.
 */
export interface AdminPlatform {
  /**
   * Calls the admin API. `path` is relative to ADMIN_API_BASE (`/api/admin`), e.g. `/shop`; the
   * platform adds the base and its Authorization header.
   */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** The store platform as a merchant knows it: "Shopify", "BigCommerce", "WooCommerce". */
  platformLabel: string;
  /**
   * The path the server serves the admin page at, e.g. `/shopify/app`. Each page has its own path
   * under it (`/shopify/app/promo-codes`), the first page the base path itself; the server must
   * answer every one of them with the page.
   */
  basePath: string;
  /** The platform's own header and navigation, save bar, toast or leave confirmation; the neutral shell's for the rest. */
  shell?: Partial<AdminShell>;
}
