import type { ComponentType, ReactNode } from 'react';

/**
 * The admin page's shell: what frames the pages, and what a platform may bring of its own instead
 * of the neutral one (`neutralShell`): its header and navigation, its save bar, its toast, its leave
 * confirmation, and the UI primitives the pages are written with (card, banner, badge, data table),
 * so each platform can give them its look. The pages themselves never know which shell they are in.
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
  /** A titled group of content on a page. Neutral: a bordered `<section>` named by its `<h3>`. */
  readonly Card: ComponentType<CardProps>;
  /** A message about the shop's state, above the content it concerns. Neutral: a coloured box with its role. */
  readonly Banner: ComponentType<BannerProps>;
  /** A short status word beside a value ("Active", "Sent"). Neutral: a tinted label. */
  readonly Badge: ComponentType<BadgeProps>;
  /** A read-only table of records, one row header each; wide tables scroll inside the page. */
  readonly DataTable: ComponentType<DataTableProps>;
  /**
   * A class the app's root element gets besides `cartrelay-admin`, for the platform's stylesheet
   * (buttons, fields, type and colours). Neutral: none.
   */
  readonly className?: string | undefined;
}

export interface CardProps {
  /** The card's heading (an `<h3>`: the page's own is the `<h2>`). */
  readonly title: string;
  /** Beside the title, e.g. a badge or a link. */
  readonly aside?: ReactNode;
  readonly children: ReactNode;
}

export type BannerTone = 'critical' | 'warning' | 'info' | 'success';

export interface BannerProps {
  /**
   * critical: something is broken (role="alert", announced at once); warning, info and success:
   * role="status", read when the merchant gets there.
   */
  readonly tone: BannerTone;
  readonly title: string;
  /** What happened and what to do, with a link to where it is done. */
  readonly children?: ReactNode;
}

export type BadgeTone = 'success' | 'critical' | 'attention' | 'info' | 'neutral';

export interface BadgeProps {
  readonly tone: BadgeTone;
  readonly children: ReactNode;
}

export interface DataTableColumn {
  readonly header: string;
  /** Hides the header visually (it is still read), e.g. for a column of buttons. */
  readonly headerHidden?: boolean;
  /** A class on the column's cells, e.g. `numeric` (right-aligned) or `status` (no breaks). */
  readonly className?: string;
}

export interface DataTableRow {
  readonly key: string;
  /** One per column; the first is the row's header (`<th scope="row">`). */
  readonly cells: readonly ReactNode[];
}

export interface DataTableProps {
  /** The table's name (its caption, read by screen readers; shown when `captionShown`). */
  readonly caption: string;
  readonly captionShown?: boolean;
  /**
   * Names the region the table scrolls sideways in, focusable so a keyboard can scroll it; absent
   * for a narrow table that never needs to.
   */
  readonly scrollLabel?: string;
  readonly columns: readonly DataTableColumn[];
  readonly rows: readonly DataTableRow[];
  /** A class on the `<table>`, for a page's own column widths. */
  readonly className?: string;
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
