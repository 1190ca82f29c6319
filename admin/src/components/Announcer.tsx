import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';

type Announce = (message: string) => void;

const AnnounceContext = createContext<Announce>(() => {});

/** Status messages ("Promo codes saved.") for everyone, screen readers included: one polite live region. */
export function AnnouncerProvider({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState<{ id: number; text: string } | null>(null);
  const announce = useCallback<Announce>((text) => setMessage((previous) => ({ id: (previous?.id ?? 0) + 1, text })), []);
  const value = useMemo(() => announce, [announce]);
  return (
    <AnnounceContext.Provider value={value}>
      {children}
      <div className="announcer" role="status" aria-live="polite" aria-label="Messages">
        {/* A new key replaces the node, so the same sentence twice is announced twice. */}
        {message && <span key={message.id}>{message.text}</span>}
      </div>
    </AnnounceContext.Provider>
  );
}

export const useAnnounce = (): Announce => useContext(AnnounceContext);
