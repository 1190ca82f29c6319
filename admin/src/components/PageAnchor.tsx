import { type MouseEvent, type ReactNode, useContext } from 'react';
import { PageNavigationContext } from '../shell-context.ts';

/**
 * A link from one page of the app to another (`to` is its id): a plain click opens it in the app, as
 * the menu does; a click that asks for a new tab or window is left to the browser.
 */
export function PageAnchor({ to, children }: { to: string; children: ReactNode }) {
  const navigation = useContext(PageNavigationContext);
  const open = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigation.open(to);
  };
  return (
    <a href={navigation.hrefOf(to)} onClick={open}>
      {children}
    </a>
  );
}
