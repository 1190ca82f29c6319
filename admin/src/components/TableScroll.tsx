import type { ReactNode } from 'react';

/**
 * Lets a wide table scroll sideways inside the page instead of pushing its last columns (Delete) off
 * screen. A table of text only gets a named, focusable region so it can be scrolled by keyboard; a
 * table of form fields scrolls as its fields take focus.
 */
export function TableScroll({ label, children }: { label?: string; children: ReactNode }) {
  if (label === undefined) return <div className="table-scroll">{children}</div>;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1).
    <section className="table-scroll" aria-label={label} tabIndex={0}>
      {children}
    </section>
  );
}
