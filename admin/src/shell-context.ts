import { createContext, useContext, useEffect, useRef } from 'react';
import type { AdminShell } from './shell.ts';

/** The shell the app runs in: the neutral one with whatever the platform brought in its place. */
export const ShellContext = createContext<AdminShell | null>(null);

export function useShell(): AdminShell {
  const shell = useContext(ShellContext);
  if (!shell) throw new Error('useShell outside AdminApp');
  return shell;
}

/** Whether the page around this component is the one shown (a page stays mounted, hidden, once opened). */
export const PageShownContext = createContext(true);

/** The edits not saved yet, by save bar id, each with how to discard it: asked before leaving a page. */
export type UnsavedEdits = Map<string, { readonly discard: () => void }>;

export const UnsavedEditsContext = createContext<UnsavedEdits>(new Map());

/** Registers a page's edits as unsaved while `dirty`, so leaving the page can ask about them first. */
export function useUnsavedEdits(id: string, dirty: boolean, discard: () => void): void {
  const unsaved = useContext(UnsavedEditsContext);
  const latestDiscard = useRef(discard);
  useEffect(() => {
    latestDiscard.current = discard;
  });
  useEffect(() => {
    if (!dirty) return;
    unsaved.set(id, { discard: () => latestDiscard.current() });
    return () => {
      unsaved.delete(id);
    };
  }, [unsaved, id, dirty]);
}

/** How a page links to another: its address (with the query string) and how to open it in the app. */
export interface PageNavigation {
  readonly hrefOf: (pageId: string) => string;
  readonly open: (pageId: string) => void;
}

export const PageNavigationContext = createContext<PageNavigation>({ hrefOf: () => '#', open: () => {} });
