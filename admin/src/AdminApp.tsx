import type { AdminShop } from '@cartrelay/core/admin-contract';
import { type ComponentType, type KeyboardEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type ApiFailure, createAdminApi } from './api.ts';
import { AnnouncerProvider } from './components/Announcer.tsx';
import { ErrorAlert, Loading } from './components/LoadState.tsx';
import { ConnectionPage } from './pages/ConnectionPage.tsx';
import { CustomerStatusPage } from './pages/CustomerStatusPage.tsx';
import type { PageProps } from './pages/page-props.ts';
import { PrivacyRequestsPage } from './pages/PrivacyRequestsPage.tsx';
import { PromoCodesPage } from './pages/PromoCodesPage.tsx';
import { RecentActionsPage } from './pages/RecentActionsPage.tsx';
import { SkuRulesPage } from './pages/SkuRulesPage.tsx';
import { TestActionPage } from './pages/TestActionPage.tsx';
import type { AdminPlatform } from './platform.ts';
import './admin.css';

const PAGES = [
  { id: 'connection', label: 'Connection', Page: ConnectionPage },
  { id: 'promo-codes', label: 'Promo codes', Page: PromoCodesPage },
  { id: 'sku-rules', label: 'SKU rules', Page: SkuRulesPage },
  { id: 'customer-status', label: 'Customer status', Page: CustomerStatusPage },
  { id: 'test-action', label: 'Test action', Page: TestActionPage },
  { id: 'recent-actions', label: 'Recent actions', Page: RecentActionsPage },
  { id: 'privacy-requests', label: 'Privacy requests', Page: PrivacyRequestsPage },
] as const satisfies ReadonlyArray<{ id: string; label: string; Page: ComponentType<PageProps> }>;

type PageId = (typeof PAGES)[number]['id'];

type ShopLoad = { state: 'loading' } | { state: 'failed'; failure: ApiFailure } | { state: 'loaded'; shop: AdminShop };

/** The merchant's admin page, the same for every store platform: `platform` brings the authenticated fetch. */
export function AdminApp({ platform }: { platform: AdminPlatform }) {
  const api = useMemo(() => createAdminApi(platform), [platform]);
  const [load, setLoad] = useState<ShopLoad>({ state: 'loading' });

  const loadShop = useCallback(async () => {
    setLoad({ state: 'loading' });
    const result = await api.getShop();
    setLoad(result.ok ? { state: 'loaded', shop: result.value } : { state: 'failed', failure: result.error });
  }, [api]);

  useEffect(() => {
    void loadShop();
  }, [loadShop]);

  return (
    <div className="cartrelay-admin">
      <AnnouncerProvider>
        <header className="app-header">
          <h1>CartRelay</h1>
          <p className="muted">
            impact.com conversions for your {platform.platformLabel} store
            {load.state === 'loaded' && <> · {load.shop.shopKey}</>}
          </p>
        </header>
        {load.state === 'loading' && <Loading label="Loading your settings…" />}
        {load.state === 'failed' && <ErrorAlert title="Your settings could not be loaded." failure={load.failure} onRetry={() => void loadShop()} />}
        {load.state === 'loaded' && (
          <Pages api={api} shop={load.shop} onShopChange={(shop) => setLoad({ state: 'loaded', shop })} />
        )}
      </AnnouncerProvider>
    </div>
  );
}

/** A tablist (arrow keys, Home, End) over the pages. A page stays mounted once opened, so its unsaved edits survive a look elsewhere. */
function Pages(props: PageProps) {
  const [current, setCurrent] = useState<PageId>('connection');
  const [opened, setOpened] = useState<ReadonlySet<PageId>>(() => new Set(['connection']));
  const tabs = useRef(new Map<PageId, HTMLButtonElement>());

  const open = (id: PageId, moveFocus: boolean) => {
    setCurrent(id);
    setOpened((previous) => (previous.has(id) ? previous : new Set([...previous, id])));
    if (moveFocus) tabs.current.get(id)?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = PAGES.findIndex((page) => page.id === current);
    const target =
      event.key === 'ArrowRight'
        ? (index + 1) % PAGES.length
        : event.key === 'ArrowLeft'
          ? (index - 1 + PAGES.length) % PAGES.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? PAGES.length - 1
              : null;
    if (target === null) return;
    event.preventDefault();
    open(PAGES[target]!.id, true);
  };

  return (
    <>
      {!props.shop.active && (
        <p className="notice" role="note">
          The app is uninstalled from this store: nothing is sent to impact.com until it is installed again.
        </p>
      )}
      <div className="tabs" role="tablist" aria-label="CartRelay settings" tabIndex={-1} onKeyDown={onKeyDown}>
        {PAGES.map((page) => (
          <button
            key={page.id}
            ref={(element) => {
              if (element) tabs.current.set(page.id, element);
              else tabs.current.delete(page.id);
            }}
            type="button"
            role="tab"
            id={`tab-${page.id}`}
            aria-selected={page.id === current}
            aria-controls={`panel-${page.id}`}
            tabIndex={page.id === current ? 0 : -1}
            onClick={() => open(page.id, false)}
          >
            {page.label}
          </button>
        ))}
      </div>
      {PAGES.map(({ id, Page }) => (
        <div key={id} role="tabpanel" id={`panel-${id}`} aria-labelledby={`tab-${id}`} hidden={id !== current} className="panel">
          {opened.has(id) && <Page {...props} />}
        </div>
      ))}
    </>
  );
}
