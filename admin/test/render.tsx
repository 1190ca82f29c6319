import { render, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { AdminApp } from '../src/index.ts';
import type { FakeAdminServer } from './fake-platform.ts';

/** Renders the app against `server` and, once the shop is loaded, opens the tab named `page` (else stays on Connection). */
export async function renderAdmin(server: FakeAdminServer, page?: string) {
  const user = userEvent.setup();
  const view = render(<AdminApp platform={server.platform} />);
  await screen.findByRole('tablist', { name: 'CartRelay settings' });
  if (page) await user.click(screen.getByRole('tab', { name: page }));
  return { user, ...view };
}

/** The polite live region the app announces results in. */
export const messages = () => screen.getByRole('status', { name: 'Messages' });
