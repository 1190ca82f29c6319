import { InlineSaveBar } from './components/InlineSaveBar.tsx';
import { InPageHeader } from './components/InPageHeader.tsx';
import { NeutralBadge, NeutralBanner, NeutralCard, NeutralDataTable } from './components/primitives/NeutralPrimitives.tsx';
import type { AdminShell } from './shell.ts';

/**
 * The shell every platform gets unless it brings its own parts (tests, and the BigCommerce and
 * WooCommerce mounts): a heading and an in-page navigation, the inline save bar, results in the live
 * region, and plain semantic primitives. It asks nothing before leaving a page: a page stays mounted
 * once opened, so its unsaved edits are still there when the merchant comes back to it.
 */
export const neutralShell: AdminShell = {
  Header: InPageHeader,
  SaveBar: InlineSaveBar,
  Card: NeutralCard,
  Banner: NeutralBanner,
  Badge: NeutralBadge,
  DataTable: NeutralDataTable,
};
