import { act, render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AdminApp, type AdminShell, type HeaderProps, type SaveBarProps } from '../src/index.ts';
import { ADMIN_BASE_PATH, FakeAdminServer, savedConfig } from './fake-platform.ts';
import { messages, openPage, pageNav, renderAdmin, shownPage } from './render.tsx';

describe('Neutral shell', () => {
  it('shows the app’s name, the store and an in-page navigation', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    await renderAdmin(server);

    expect(screen.getByRole('heading', { level: 1, name: 'CartRelay' })).toBeTruthy();
    expect(screen.getByText(/impact.com conversions for your Test platform store · demo-store.myshopify.com/)).toBeTruthy();
    expect(within(pageNav()).getAllByRole('listitem')).toHaveLength(8);
  });

  it('has an inline save bar on the promo codes page: Discard puts the saved mappings back', async () => {
    const server = new FakeAdminServer({ config: savedConfig({ promoCodes: [{ match: 'exact', code: 'JANE20', partnerId: '111' }] }) });
    const { user } = await renderAdmin(server, 'Promo codes');

    expect(screen.getByText('All changes saved.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Discard changes' })).toBeNull();
    await user.clear(screen.getByRole('textbox', { name: 'Code, mapping 1' }));
    await user.type(screen.getByRole('textbox', { name: 'Code, mapping 1' }), 'MAX10');
    expect(screen.getByText('Unsaved changes.')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Discard changes' }));
    expect(screen.getByRole('textbox', { name: 'Code, mapping 1' })).toHaveProperty('value', 'JANE20');
    expect(screen.getByText('All changes saved.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Discard changes' })).toBeNull();
    // The Discard button went with the edits; focus stays in the bar.
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Save promo codes' }));
    expect(server.requestsTo('PUT /config')).toHaveLength(0);
  });

  it('has an inline save bar on the SKU rules page: Discard drops an added rule and the default category typed', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const { user } = await renderAdmin(server, 'SKU rules');

    await user.click(screen.getByRole('button', { name: 'Add SKU rule' }));
    await user.clear(screen.getByRole('textbox', { name: 'Default category' }));
    await user.type(screen.getByRole('textbox', { name: 'Default category' }), 'apparel');
    await user.click(screen.getByRole('button', { name: 'Discard changes' }));

    expect(screen.getByText(/No SKU rules yet/)).toBeTruthy();
    expect(screen.getByRole('textbox', { name: 'Default category' })).toHaveProperty('value', 'general');
    expect(screen.getByText('All changes saved.')).toBeTruthy();
  });

  it('has an inline save bar on the customer status page: Discard also clears the marks of a save attempted', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const { user } = await renderAdmin(server, 'Customer status');

    await user.click(screen.getByRole('button', { name: 'Add tag rule' }));
    await user.click(screen.getByRole('button', { name: 'Save customer status' }));
    expect(screen.getAllByText('must not be empty').length).toBeGreaterThan(0);
    expect(screen.getByText(/Fix the 2 problems marked above to save./)).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Discard changes' }));
    expect(screen.queryByText('must not be empty')).toBeNull();
    expect(screen.getByText('No tag rules yet.')).toBeTruthy();
    expect(screen.getByText('All changes saved.')).toBeTruthy();
    expect(server.requestsTo('PUT /config')).toHaveLength(0);
  });

  it('clears a failed save’s alert on Discard', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.failNext('PUT /config', 500, { error: 'internal error' });
    const { user } = await renderAdmin(server, 'SKU rules');

    await user.clear(screen.getByRole('textbox', { name: 'Default category' }));
    await user.type(screen.getByRole('textbox', { name: 'Default category' }), 'apparel');
    await user.click(screen.getByRole('button', { name: 'Save SKU rules' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Not saved. internal error');
    // The alert says it; the live region does not repeat it.
    expect(messages().textContent).toBe('');

    await user.click(screen.getByRole('button', { name: 'Discard changes' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('asks nothing before leaving a page: the edits wait there', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const { user } = await renderAdmin(server, 'SKU rules');
    await user.clear(screen.getByRole('textbox', { name: 'Default category' }));
    await user.type(screen.getByRole('textbox', { name: 'Default category' }), 'apparel');

    await openPage(user, 'Test action');
    expect(shownPage('Test action')).toBeTruthy();
    await openPage(user, 'SKU rules');
    expect(screen.getByRole('textbox', { name: 'Default category' })).toHaveProperty('value', 'apparel');
    expect(screen.getByText('Unsaved changes.')).toBeTruthy();
  });
});

/** A platform’s own shell parts, recording what the app asks of them. */
function platformShell() {
  const toasts: Array<{ message: string; isError: boolean }> = [];
  const asked: Array<() => void> = [];
  const headers: HeaderProps[] = [];
  const shell: Partial<AdminShell> = {
    Header(props) {
      headers.push(props);
      return (
        <nav aria-label="Platform menu">
          {props.links.map((link) => (
            <button key={link.id} type="button" aria-current={link.id === props.current ? 'page' : undefined} onClick={() => props.navigate(link.path)}>
              {link.label}
            </button>
          ))}
        </nav>
      );
    },
    SaveBar({ id, dirty, saving, onSave, onDiscard }: SaveBarProps) {
      if (!dirty) return null;
      return (
        <section aria-label={`Platform save bar ${id}`}>
          <button type="button" aria-busy={saving || undefined} onClick={onSave}>
            Save
          </button>
          <button type="button" onClick={onDiscard}>
            Discard
          </button>
        </section>
      );
    },
    toast: (message, { isError }) => void toasts.push({ message, isError }),
    confirmLeave: () => new Promise<void>((resolve) => void asked.push(resolve)),
  };
  return { shell, toasts, asked, headers };
}

async function renderWithShell(server: FakeAdminServer, shell: Partial<AdminShell>) {
  const user = userEvent.setup();
  render(<AdminApp platform={{ ...server.platform, shell }} />);
  await screen.findByRole('region', { name: 'Home' });
  const menu = () => screen.getByRole('navigation', { name: 'Platform menu' });
  const open = (name: string) => user.click(within(menu()).getByRole('button', { name }));
  return { user, menu, open };
}

describe('A platform’s own shell parts', () => {
  it('replace the heading and the navigation; the platform’s menu navigates by path', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const { shell, headers } = platformShell();
    const { open } = await renderWithShell(server, shell);

    expect(screen.queryByRole('heading', { level: 1 })).toBeNull();
    expect(screen.queryByRole('navigation', { name: 'Pages' })).toBeNull();
    expect(headers.at(-1)).toMatchObject({ current: 'home', platformLabel: 'Test platform', shopKey: 'demo-store.myshopify.com' });
    expect(headers.at(-1)?.links[2]).toMatchObject({ id: 'promo-codes', label: 'Promo codes', path: `${ADMIN_BASE_PATH}/promo-codes` });

    await open('SKU rules');
    expect(shownPage('SKU rules')).toBeTruthy();
    expect(window.location.pathname).toBe(`${ADMIN_BASE_PATH}/sku-rules`);
    // Paths are read from a link's href as a platform hands it over, a full URL of this origin too.
    act(() => headers.at(-1)?.navigate(`${window.location.origin}${ADMIN_BASE_PATH}/test-action`));
    expect(shownPage('Test action')).toBeTruthy();
    // navigate is the same function all along, so a platform may register it once.
    expect(new Set(headers.map((header) => header.navigate)).size).toBe(1);
  });

  it('replace the inline save bar, which the platform’s shows only while the page has edits and is shown', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const { shell } = platformShell();
    const { user, open } = await renderWithShell(server, shell);
    await open('SKU rules');

    expect(screen.queryByRole('button', { name: 'Save SKU rules' })).toBeNull();
    expect(screen.queryByRole('region', { name: 'Platform save bar save-sku-rules' })).toBeNull();
    await user.clear(screen.getByRole('textbox', { name: 'Default category' }));
    await user.type(screen.getByRole('textbox', { name: 'Default category' }), 'apparel');
    const bar = screen.getByRole('region', { name: 'Platform save bar save-sku-rules' });

    await user.click(within(bar).getByRole('button', { name: 'Discard' }));
    expect(screen.getByRole('textbox', { name: 'Default category' })).toHaveProperty('value', 'general');
    expect(screen.queryByRole('region', { name: 'Platform save bar save-sku-rules' })).toBeNull();

    await user.clear(screen.getByRole('textbox', { name: 'Default category' }));
    await user.type(screen.getByRole('textbox', { name: 'Default category' }), 'apparel');
    await user.click(within(screen.getByRole('region', { name: 'Platform save bar save-sku-rules' })).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(server.shop.config?.defaultCategory).toBe('apparel'));
    expect(screen.queryByRole('region', { name: 'Platform save bar save-sku-rules' })).toBeNull();
  });

  it('say how saves went in the platform’s toast, not the live region, which keeps the page’s other messages', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const { shell, toasts } = platformShell();
    const { user, open } = await renderWithShell(server, shell);

    await open('Connection');
    await user.click(screen.getByRole('button', { name: 'Save connection' }));
    await waitFor(() => expect(toasts).toEqual([{ message: 'Connection saved.', isError: false }]));
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    await waitFor(() => expect(messages().textContent).toContain('Connection works'));
    expect(toasts).toHaveLength(1);

    await open('Promo codes');
    await user.click(screen.getByRole('button', { name: 'Add mapping' }));
    const bar = () => screen.getByRole('region', { name: 'Platform save bar save-promo-codes' });
    await user.click(within(bar()).getByRole('button', { name: 'Save' }));
    expect(toasts.at(-1)).toEqual({ message: 'Not saved: fix the 2 problems marked above.', isError: true });
    expect(server.requestsTo('PUT /config')).toHaveLength(1);

    await user.type(screen.getByRole('textbox', { name: 'Code, mapping 1' }), 'JANE20');
    await user.type(screen.getByRole('textbox', { name: 'Partner id, mapping 1' }), '111');
    server.failNext('PUT /config', 500, { error: 'internal error' });
    await user.click(within(bar()).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(toasts.at(-1)).toEqual({ message: 'Not saved: internal error', isError: true }));
    // The page still shows what went wrong, with the server's problems.
    expect(screen.getByRole('alert').textContent).toContain('Not saved. internal error');

    await user.click(within(bar()).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(toasts.at(-1)).toEqual({ message: 'Promo codes saved.', isError: false }));
    expect(messages().textContent).not.toContain('saved');
  });

  it('ask before leaving a page with unsaved edits, and discard them once the merchant agreed', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const { shell, asked } = platformShell();
    const { user, open } = await renderWithShell(server, shell);

    // Nothing unsaved: nothing asked.
    await open('SKU rules');
    expect(asked).toHaveLength(0);
    await user.clear(screen.getByRole('textbox', { name: 'Default category' }));
    await user.type(screen.getByRole('textbox', { name: 'Default category' }), 'apparel');

    await open('Promo codes');
    expect(asked).toHaveLength(1);
    expect(shownPage('SKU rules')).toBeTruthy();
    expect(window.location.pathname).toBe(`${ADMIN_BASE_PATH}/sku-rules`);

    // The merchant stayed (App Bridge leaves the promise pending) and goes elsewhere later: only the latest counts.
    await open('Test action');
    expect(asked).toHaveLength(2);
    await act(async () => asked[0]?.());
    expect(shownPage('SKU rules')).toBeTruthy();
    await act(async () => asked[1]?.());
    expect(shownPage('Test action')).toBeTruthy();
    expect(window.location.pathname).toBe(`${ADMIN_BASE_PATH}/test-action`);

    await open('SKU rules');
    expect(screen.getByRole('textbox', { name: 'Default category' })).toHaveProperty('value', 'general');
    expect(screen.queryByRole('region', { name: 'Platform save bar save-sku-rules' })).toBeNull();
    expect(asked).toHaveLength(2);
    expect(server.requestsTo('PUT /config')).toHaveLength(0);
  });

  it('ask before the browser’s back button leaves unsaved edits, keeping the page’s address meanwhile', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const { shell, asked } = platformShell();
    const { user, open } = await renderWithShell(server, shell);
    await open('Customer status');
    await user.type(screen.getByRole('textbox', { name: 'Returning customers' }), 'X');

    await act(async () => {
      const moved = new Promise((resolve) => window.addEventListener('popstate', resolve, { once: true }));
      window.history.back();
      await moved;
    });
    expect(asked).toHaveLength(1);
    expect(shownPage('Customer status')).toBeTruthy();
    expect(window.location.pathname).toBe(`${ADMIN_BASE_PATH}/customer-status`);

    await act(async () => asked[0]?.());
    expect(shownPage('Home')).toBeTruthy();
    expect(window.location.pathname).toBe(ADMIN_BASE_PATH);
    await open('Customer status');
    expect(screen.getByRole('textbox', { name: 'Returning customers' })).toHaveProperty('value', 'Returning');
  });
});
