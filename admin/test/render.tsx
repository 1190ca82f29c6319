import { render, screen, waitFor, within } from '@testing-library/react';
import { type UserEvent, userEvent } from '@testing-library/user-event';
import { expect } from 'vitest';
import { AdminApp } from '../src/index.ts';
import type { FakeAdminServer } from './fake-platform.ts';

/** Renders the app against `server` and, once the shop is loaded, opens the page named `page` from the navigation (else stays where the address says). */
export async function renderAdmin(server: FakeAdminServer, page?: string) {
  const user = userEvent.setup();
  const view = render(<AdminApp platform={server.platform} />);
  await waitFor(() => expect(document.querySelector('.panel')).not.toBeNull());
  if (page) await openPage(user, page);
  return { user, ...view };
}

/** The in-page navigation (the neutral shell's). */
export const pageNav = () => screen.getByRole('navigation', { name: 'Pages' });

/** Opens a page by its link in the navigation, as a merchant does. */
export async function openPage(user: UserEvent, name: string) {
  await user.click(within(pageNav()).getByRole('link', { name }));
}

/** The page shown: its section, named by its heading. */
export const shownPage = (name: string) => screen.getByRole('region', { name });

/** The polite live region the app announces results in. */
export const messages = () => screen.getByRole('status', { name: 'Messages' });

/**
 * `button` is unavailable the accessible way: aria-disabled (not the disabled attribute, so it keeps
 * focus and can be found), and clicking it sends nothing to `route`.
 */
export async function expectUnavailable(user: UserEvent, button: HTMLElement, server: FakeAdminServer, route: string) {
  expect(button.getAttribute('aria-disabled')).toBe('true');
  expect(button).toHaveProperty('disabled', false);
  const before = server.requestsTo(route).length;
  await user.click(button);
  await new Promise((resolve) => setTimeout(resolve, 0));
  expect(server.requestsTo(route)).toHaveLength(before);
}
