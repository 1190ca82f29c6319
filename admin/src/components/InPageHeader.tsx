import type { MouseEvent } from 'react';
import type { HeaderProps } from '../shell.ts';

/**
 * The neutral shell's header: the app's name, the store, and a navigation list of links, the page
 * shown marked `aria-current="page"`. A plain click opens the page in the app; a click that asks for a
 * new tab or window (modifier keys, middle button) is left to the browser, the link carrying the query.
 */
export function InPageHeader({ links, current, navigate, platformLabel, shopKey }: HeaderProps) {
  const open = (event: MouseEvent<HTMLAnchorElement>, path: string) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(path);
  };
  return (
    <header className="app-header">
      <h1>CartRelay</h1>
      <p className="muted">
        impact.com conversions for your {platformLabel} store
        {shopKey !== null && <> · {shopKey}</>}
      </p>
      <nav className="page-nav" aria-label="Pages">
        <ul>
          {links.map((link) => (
            <li key={link.id}>
              <a href={link.href} aria-current={link.id === current ? 'page' : undefined} onClick={(event) => open(event, link.path)}>
                {link.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
    </header>
  );
}
