import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import type { AdminShell } from '../shell.ts';

type Announce = (message: string) => void;

/**
 * Says the outcome of a save. `isError`: it did not happen. `alertShown`: the page shows the failure in
 * an alert (announced at once), so only a platform's toast, which sits outside the page, repeats it.
 */
export type Notify = (message: string, options?: { isError?: boolean; alertShown?: boolean }) => void;

interface Messages {
  readonly announce: Announce;
  readonly notify: Notify;
}

const MessagesContext = createContext<Messages>({ announce: () => {}, notify: () => {} });

/**
 * Status messages for everyone, screen readers included: one polite live region ("Imported 3
 * mappings…"). The outcome of a save goes to the platform's toast when it has one, else there too.
 */
export function AnnouncerProvider({ toast, children }: { toast: AdminShell['toast']; children: ReactNode }) {
  const [message, setMessage] = useState<{ id: number; text: string } | null>(null);
  const announce = useCallback<Announce>((text) => setMessage((previous) => ({ id: (previous?.id ?? 0) + 1, text })), []);
  const notify = useCallback<Notify>(
    (text, { isError = false, alertShown = false } = {}) => {
      if (toast) toast(text, { isError });
      else if (!alertShown) announce(text);
    },
    [toast, announce],
  );
  const value = useMemo(() => ({ announce, notify }), [announce, notify]);
  return (
    <MessagesContext.Provider value={value}>
      {children}
      <div className="announcer" role="status" aria-live="polite" aria-label="Messages">
        {/* A new key replaces the node, so the same sentence twice is announced twice. */}
        {message && <span key={message.id}>{message.text}</span>}
      </div>
    </MessagesContext.Provider>
  );
}

/** Says `message` in the page's live region. */
export const useAnnounce = (): Announce => useContext(MessagesContext).announce;

/** Says how a save went: the platform's toast, else the live region. */
export const useNotify = (): Notify => useContext(MessagesContext).notify;
