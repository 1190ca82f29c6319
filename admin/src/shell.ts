import type { ComponentType } from 'react';

/**
 * The admin page's shell: what frames the pages, and what a platform may bring of its own instead
 * of the neutral one (`neutralShell`): its header and navigation, its save bar, its toast, its leave
 * confirmation. The pages themselves never know which shell they are in.
 */
export interface AdminShell {
  /** The app's title and its navigation between pages. Neutral: an `<h1>` and a `<nav>` of links. */
  readonly Header: ComponentType<HeaderProps>;
  /** A configuration page's Save and Discard, shown while the page is. Neutral: the inline save bar. */
  readonly SaveBar: ComponentType<SaveBarProps>;
  /**
   * Shows the outcome of a save ("Promo codes saved.", "Not saved: …"). Absent: the page's own live
   * region says it (and a failure is left to the page's alert).
   */
  readonly toast?: ((message: string, options: { isError: boolean }) => void) | undefined;
  /**
   * Asks the merchant before leaving a page whose save bar is showing: resolves once they agree to
   * leave, and the page's edits are then discarded, as the dialog says; stays pending if they stay.
   * Absent: nothing is asked, and nothing is lost either, because a page stays mounted (hidden) once
   * opened, so its unsaved edits wait for the merchant to come back to it.
   */
  readonly confirmLeave?: (() => Promise<void>) | undefined;
}

/** A page as a menu shows it. */
export interface PageLink {
  readonly id: string;
  readonly label: string;
  /** The page's path under the platform's base path, e.g. `/shopify/app/promo-codes`; the first page's is the base path. */
  readonly path: string;
  /** `path` with the current query string (Shopify's `shop`, `host`…), for a plain link that opens in a new tab too. */
  readonly href: string;
}

export interface HeaderProps {
  readonly links: readonly PageLink[];
  /** The id of the page shown. */
  readonly current: string;
  /**
   * Opens the page at `href` (a path, or a URL of this origin) in the app: keeps the query string,
   * asks before unsaved edits are discarded. Stable for the app's lifetime.
   */
  readonly navigate: (href: string) => void;
  /** The store platform as a merchant knows it: "Shopify". */
  readonly platformLabel: string;
  /** The shop's key once loaded (its myshopify domain, store hash or site URL), else null. */
  readonly shopKey: string | null;
}

export interface SaveBarProps {
  /** Unique on the page, e.g. `save-promo-codes`: a platform's save bar is addressed by it. */
  readonly id: string;
  /** What Save saves, as the inline button says it: "Save promo codes". */
  readonly saveLabel: string;
  /** The page has edits that are not saved yet. */
  readonly dirty: boolean;
  readonly saving: boolean;
  /** Save would send the edits now; else pressing it marks what to fix (and says so) and sends nothing. */
  readonly canSave: boolean;
  /** One sentence on where things stand: what to fix, "Unsaved changes." or "All changes saved." */
  readonly status: string;
  readonly onSave: () => void;
  /** Puts the last saved values back. */
  readonly onDiscard: () => void;
}
