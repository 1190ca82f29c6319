import type { AdminShop } from '@cartrelay/core/admin-contract';
import { type ComponentType, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type ApiFailure, createAdminApi } from './api.ts';
import { AnnouncerProvider } from './components/Announcer.tsx';
import { ErrorAlert, Loading } from './components/LoadState.tsx';
import { neutralShell } from './neutral-shell.ts';
import { ConnectionPage } from './pages/ConnectionPage.tsx';
import { CustomerStatusPage } from './pages/CustomerStatusPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import type { PageProps } from './pages/page-props.ts';
import { PrivacyRequestsPage } from './pages/PrivacyRequestsPage.tsx';
import { PromoCodesPage } from './pages/PromoCodesPage.tsx';
import { RecentActionsPage } from './pages/RecentActionsPage.tsx';
import { SkuRulesPage } from './pages/SkuRulesPage.tsx';
import { TestActionPage } from './pages/TestActionPage.tsx';
import type { AdminPlatform } from './platform.ts';
import { addressOf, pageRoutes, useRoutedPage } from './routing.ts';
import type { AdminShell, PageLink } from './shell.ts';
import { type PageNavigation, PageNavigationContext, PageShownContext, ShellContext, type UnsavedEdits, UnsavedEditsContext } from './shell-context.ts';
import './admin.css';

/** The pages, in menu order; each id is its path under the base path, the first page lives at the base path itself. */
const PAGES = [
  { id: 'home', label: 'Home', Page: HomePage },
  { id: 'connection', label: 'Connection', Page: ConnectionPage },
  { id: 'promo-codes', label: 'Promo codes', Page: PromoCodesPage },
  { id: 'sku-rules', label: 'SKU rules', Page: SkuRulesPage },
  { id: 'customer-status', label: 'Customer status', Page: CustomerStatusPage },
  { id: 'test-action', label: 'Test action', Page: TestActionPage },
  { id: 'recent-actions', label: 'Recent actions', Page: RecentActionsPage },
  { id: 'privacy-requests', label: 'Privacy requests', Page: PrivacyRequestsPage },
] as const satisfies ReadonlyArray<{ id: string; label: string; Page: ComponentType<PageProps> }>;

type PageId = (typeof PAGES)[number]['id'];

const PAGE_IDS = PAGES.map((page) => page.id) as [PageId, ...PageId[]];
const HOME: PageId = PAGE_IDS[0];

type ShopLoad = { state: 'loading' } | { state: 'failed'; failure: ApiFailure } | { state: 'loaded'; shop: AdminShop };

/**
 * The merchant's admin page, the same for every store platform: `platform` brings the authenticated
 * fetch, the base path the pages live under, and any parts of the shell it has of its own.
 */
export function AdminApp({ platform }: { platform: AdminPlatform }) {
  const api = useMemo(() => createAdminApi(platform), [platform]);
  const shell = useMemo<AdminShell>(() => ({ ...neutralShell, ...platform.shell }), [platform]);
  const routes = useMemo(() => pageRoutes(platform.basePath, PAGE_IDS), [platform.basePath]);
  const [load, setLoad] = useState<ShopLoad>({ state: 'loading' });

  // Unsaved edits by save bar: leaving their page asks the shell's leave confirmation, then drops them.
  const unsaved = useRef<UnsavedEdits>(new Map()).current;
  const hasUnsavedEdits = useCallback(() => unsaved.size > 0, [unsaved]);
  const discard = useCallback(() => {
    for (const edits of [...unsaved.values()]) edits.discard();
  }, [unsaved]);
  const { current, navigate } = useRoutedPage(routes, HOME, { confirmLeave: shell.confirmLeave, hasUnsavedEdits, discard });

  const loadShop = useCallback(async () => {
    setLoad({ state: 'loading' });
    const result = await api.getShop();
    setLoad(result.ok ? { state: 'loaded', shop: result.value } : { state: 'failed', failure: result.error });
  }, [api]);

  useEffect(() => {
    void loadShop();
  }, [loadShop]);

  const label = PAGES.find((page) => page.id === current)?.label ?? '';
  useEffect(() => {
    document.title = `${label} · CartRelay`;
  }, [label]);

  // Pages link to each other (Home's checklist and banners) the way the menu does.
  const pageNavigation = useMemo<PageNavigation>(
    () => ({
      hrefOf: (id) => addressOf(routes.pathOf(id as PageId)),
      open: (id) => navigate(routes.pathOf(id as PageId)),
    }),
    [routes, navigate],
  );

  // Links carry the query string as it is now; the page re-renders on every navigation, so they stay current.
  const links: PageLink[] = PAGES.map(({ id, label }) => ({ id, label, path: routes.pathOf(id), href: addressOf(routes.pathOf(id)) }));

  return (
    <div className={shell.className ? `cartrelay-admin ${shell.className}` : 'cartrelay-admin'}>
      <ShellContext.Provider value={shell}>
        <PageNavigationContext.Provider value={pageNavigation}>
          <UnsavedEditsContext.Provider value={unsaved}>
            <AnnouncerProvider toast={shell.toast}>
              <shell.Header
                links={links}
                current={current}
                navigate={navigate}
                platformLabel={platform.platformLabel}
                shopKey={load.state === 'loaded' ? load.shop.shopKey : null}
              />
              {load.state === 'loading' && <Loading label="Loading your settings…" />}
              {load.state === 'failed' && <ErrorAlert title="Your settings could not be loaded." failure={load.failure} onRetry={() => void loadShop()} />}
              {load.state === 'loaded' && (
                <Pages current={current} api={api} shop={load.shop} onShopChange={(shop) => setLoad({ state: 'loaded', shop })} />
              )}
            </AnnouncerProvider>
          </UnsavedEditsContext.Provider>
        </PageNavigationContext.Provider>
      </ShellContext.Provider>
    </div>
  );
}

/**
 * The page shown, and every page opened before it, hidden: a page stays mounted once opened, so
 * its unsaved edits survive a look elsewhere (a shell that confirms leaving discards them instead,
 * once the merchant agreed). Moving to another page moves focus to its heading, as a page load would
 * start reading there.
 */
function Pages({ current, ...props }: PageProps & { current: PageId }) {
  const [opened, setOpened] = useState<ReadonlySet<PageId>>(() => new Set([current]));
  if (!opened.has(current)) setOpened(new Set([...opened, current]));
  const panels = useRef(new Map<PageId, HTMLDivElement>());
  const previous = useRef(current);

  useEffect(() => {
    if (current === previous.current) return;
    previous.current = current;
    const panel = panels.current.get(current);
    const heading = panel?.querySelector<HTMLElement>('h2');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    } else panel?.focus();
  }, [current]);

  return (
    <>
      {!props.shop.active && (
        <p className="notice" role="note">
          The app is uninstalled from this store: nothing is sent to impact.com until it is installed again.
        </p>
      )}
      {PAGES.map(({ id, Page }) => (
        <div
          key={id}
          ref={(element) => {
            if (element) panels.current.set(id, element);
            else panels.current.delete(id);
          }}
          id={`page-${id}`}
          className="panel"
          tabIndex={-1}
          hidden={id !== current}
        >
          <PageShownContext.Provider value={id === current}>{opened.has(id) && <Page {...props} />}</PageShownContext.Provider>
        </div>
      ))}
    </>
  );
}
