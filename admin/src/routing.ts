import { useCallback, useEffect, useRef, useState } from 'react';

/** Where each page lives: one path per page under the platform's base path, the first page at the base path itself. */
export interface PageRoutes<Id extends string> {
  readonly pathOf: (id: Id) => string;
  /** The page at `pathname`, or null when it is no page's. */
  readonly pageAt: (pathname: string) => Id | null;
}

export function pageRoutes<Id extends string>(basePath: string, ids: readonly [Id, ...Id[]]): PageRoutes<Id> {
  const base = basePath.replace(/\/+$/, '');
  const home = ids[0];
  return {
    pathOf: (id) => (id === home ? base || '/' : `${base}/${id}`),
    pageAt: (pathname) => {
      const path = pathname.replace(/\/+$/, '');
      if (path === base) return home;
      if (!path.startsWith(`${base}/`)) return null;
      const rest = path.slice(base.length + 1);
      return ids.find((id) => id === rest) ?? null;
    },
  };
}

export interface LeaveGuard {
  /** The merchant's say before unsaved edits are discarded (see `AdminShell.confirmLeave`); absent: never asked. */
  readonly confirmLeave: (() => Promise<void>) | undefined;
  /** Whether the page shown has unsaved edits; if so, `confirmLeave` is asked, then `discard` called. */
  readonly hasUnsavedEdits: () => boolean;
  readonly discard: () => void;
}

/**
 * The page shown, kept in the address bar with the History API: a page per path, the query string
 * (Shopify's `shop`, `host`, `embedded`…) kept from page to page, back and forward honoured. An
 * address that is no page's shows the first page, and the address is corrected in place.
 */
export function useRoutedPage<Id extends string>(routes: PageRoutes<Id>, home: Id, guard: LeaveGuard) {
  const [current, setCurrent] = useState<Id>(() => routes.pageAt(window.location.pathname) ?? home);
  const shown = useRef(current);
  shown.current = current;
  const latest = useRef(0);
  const { confirmLeave, hasUnsavedEdits, discard } = guard;

  // biome-ignore lint/correctness/useExhaustiveDependencies: corrects the first address once.
  useEffect(() => {
    if (routes.pageAt(window.location.pathname) === null) window.history.replaceState(window.history.state, '', addressOf(routes.pathOf(home)));
  }, []);

  /**
   * Leaves the page shown for `target`: at once when nothing is unsaved or the shell asks nothing
   * (a page keeps its edits then), else once the merchant agreed, its edits discarded. `onAsk` runs
   * before asking, `onLeave` as the page changes. The latest navigation wins: one still waiting for
   * an answer is dropped when another starts.
   */
  const leaveFor = useCallback(
    (target: Id, onAsk: () => void, onLeave: () => void) => {
      const ticket = ++latest.current;
      const show = () => {
        onLeave();
        setCurrent(target);
      };
      if (!confirmLeave || !hasUnsavedEdits()) return show();
      onAsk();
      void confirmLeave().then(() => {
        if (ticket !== latest.current) return;
        discard();
        show();
      });
    },
    [confirmLeave, hasUnsavedEdits, discard],
  );

  const navigate = useCallback(
    (href: string) => {
      const target = routes.pageAt(new URL(href, window.location.href).pathname);
      if (target === null || target === shown.current) return;
      leaveFor(
        target,
        () => {},
        () => window.history.pushState(null, '', addressOf(routes.pathOf(target))),
      );
    },
    [routes, leaveFor],
  );

  useEffect(() => {
    const onPopState = () => {
      const target = routes.pageAt(window.location.pathname) ?? home;
      if (target === shown.current) return;
      const left = routes.pathOf(shown.current);
      let asked = false;
      leaveFor(
        target,
        () => {
          // The browser has already moved on: the address goes back to the page shown while the merchant decides.
          asked = true;
          window.history.pushState(null, '', addressOf(left));
        },
        () => {
          if (asked) window.history.pushState(null, '', addressOf(routes.pathOf(target)));
        },
      );
    };
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, [routes, home, leaveFor]);

  return { current, navigate } as const;
}

/** `path` with the current query string: Shopify signs and reads `shop`, `host`, `embedded`… from it. */
export const addressOf = (path: string): string => `${path}${window.location.search}`;
