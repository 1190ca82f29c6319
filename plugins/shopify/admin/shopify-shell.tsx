import type { AdminShell, HeaderProps, SaveBarProps } from '@cartrelay/admin';
import { NavMenu, SaveBar, type ShopifyGlobal, TitleBar } from '@shopify/app-bridge-react';
import { useEffect } from 'react';
import { ShopifyBadge, ShopifyBanner, ShopifyCard } from './shopify-primitives.tsx';
import './shopify-look.css';

/** What the Shopify shell uses of App Bridge's `shopify` global. */
export type AppBridgeForShell = Pick<ShopifyGlobal, 'toast' | 'saveBar'>;

/**
 * The admin page's shell inside Shopify's admin, after Shopify's design guidelines: App Bridge's
 * title bar and navigation menu instead of a heading and in-page links, its save bar for a rule
 * page's edits, its toasts for how a save went, and its leave confirmation before a page's unsaved
 * edits are discarded. When App Bridge has no leave confirmation, nothing is asked and the pages
 * keep their edits, as in the neutral shell. Cards, banners and badges, and through the `shopify-look`
 * class the tables, buttons and fields, take the admin's look from Polaris's tokens; the data table
 * keeps the neutral markup, restyled.
 */
export function shopifyShell(shopify: AppBridgeForShell): Partial<AdminShell> {
  const leaveConfirmation = typeof shopify.saveBar?.leaveConfirmation === 'function' ? () => shopify.saveBar.leaveConfirmation() : undefined;
  return {
    Header: ShopifyHeader,
    SaveBar: ShopifySaveBar,
    toast: (message, { isError }) => {
      shopify.toast.show(message, { isError });
    },
    confirmLeave: leaveConfirmation,
    Card: ShopifyCard,
    Banner: ShopifyBanner,
    Badge: ShopifyBadge,
    className: 'shopify-look',
  };
}

/**
 * The title bar names the page shown; the navigation menu lists the pages, the first one
 * (`rel="home"`, the base path) being the app's name in the admin's sidebar. App Bridge announces a
 * click in the menu with a `shopify:navigate` event on the link: the app routes to its href itself,
 * without reloading. No `<h1>`: the title bar is the page's title.
 */
export function ShopifyHeader({ links, current, navigate }: HeaderProps) {
  useEffect(() => {
    const onNavigate = (event: Event) => {
      const href = event.target instanceof Element ? event.target.getAttribute('href') : null;
      if (href) navigate(href);
    };
    document.addEventListener('shopify:navigate', onNavigate);
    return () => document.removeEventListener('shopify:navigate', onNavigate);
  }, [navigate]);
  const title = links.find((link) => link.id === current)?.label ?? 'CartRelay';
  return (
    <>
      <TitleBar title={title} />
      <NavMenu>
        {links.map((link, index) => (
          // The paths without the query: App Bridge keeps shop, host and the rest itself.
          <a key={link.id} href={link.path} rel={index === 0 ? 'home' : undefined}>
            {link.label}
          </a>
        ))}
      </NavMenu>
    </>
  );
}

/**
 * App Bridge's save bar, open while the page has unsaved edits: Save (`variant="primary"`, loading
 * while it works) and Discard, which puts the last saved values back. Save stays pressable when the
 * edits have problems: the page then marks them, and a toast says why nothing was saved.
 */
export function ShopifySaveBar({ id, dirty, saving, onSave, onDiscard }: SaveBarProps) {
  return (
    <SaveBar id={id} open={dirty}>
      <button type="button" variant="primary" loading={saving ? '' : undefined} onClick={onSave}>
        Save
      </button>
      <button type="button" disabled={saving} onClick={onDiscard}>
        Discard
      </button>
    </SaveBar>
  );
}
