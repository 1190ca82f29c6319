import { act, render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AdminApp } from '../src/index.ts';
import { pageRoutes } from '../src/routing.ts';
import { ADMIN_BASE_PATH, FakeAdminServer, savedConfig } from './fake-platform.ts';
import { openPage, pageNav, renderAdmin, shownPage } from './render.tsx';

const address = () => `${window.location.pathname}${window.location.search}`;

/** Moves through the session history as the browser's buttons do, and waits for the page to follow. */
async function historyGo(delta: number) {
  await act(async () => {
    const moved = new Promise((resolve) => window.addEventListener('popstate', resolve, { once: true }));
    window.history.go(delta);
    await moved;
  });
}

describe('Page routes', () => {
  const routes = pageRoutes('/shopify/app', ['connection', 'promo-codes', 'sku-rules']);

  it('puts the first page at the base path and every other one under it', () => {
    expect(routes.pathOf('connection')).toBe('/shopify/app');
    expect(routes.pathOf('promo-codes')).toBe('/shopify/app/promo-codes');
    expect(routes.pageAt('/shopify/app')).toBe('connection');
    expect(routes.pageAt('/shopify/app/')).toBe('connection');
    expect(routes.pageAt('/shopify/app/connection')).toBe('connection');
    expect(routes.pageAt('/shopify/app/sku-rules/')).toBe('sku-rules');
  });

  it('knows no page outside the base path or under an unknown name', () => {
    expect(routes.pageAt('/shopify/app/settings')).toBeNull();
    expect(routes.pageAt('/shopify/application')).toBeNull();
    expect(routes.pageAt('/promo-codes')).toBeNull();
    expect(routes.pageAt('/shopify/app/promo-codes/1')).toBeNull();
  });

  it('serves a base path of / as well', () => {
    const root = pageRoutes('/', ['connection', 'promo-codes']);
    expect(root.pathOf('connection')).toBe('/');
    expect(root.pathOf('promo-codes')).toBe('/promo-codes');
    expect(root.pageAt('/')).toBe('connection');
    expect(root.pageAt('/promo-codes')).toBe('promo-codes');
  });
});

describe('Navigation between pages', () => {
  it('gives every page a link, the page shown marked as current, and its own address', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const { user } = await renderAdmin(server);

    const links = within(pageNav()).getAllByRole('link');
    expect(links.map((link) => link.textContent)).toEqual([
      'Home',
      'Connection',
      'Promo codes',
      'SKU rules',
      'Customer status',
      'Test action',
      'Recent actions',
      'Privacy requests',
    ]);
    expect(links.map((link) => link.getAttribute('href'))).toEqual([
      ADMIN_BASE_PATH,
      `${ADMIN_BASE_PATH}/connection`,
      `${ADMIN_BASE_PATH}/promo-codes`,
      `${ADMIN_BASE_PATH}/sku-rules`,
      `${ADMIN_BASE_PATH}/customer-status`,
      `${ADMIN_BASE_PATH}/test-action`,
      `${ADMIN_BASE_PATH}/recent-actions`,
      `${ADMIN_BASE_PATH}/privacy-requests`,
    ]);
    expect(within(pageNav()).getByRole('link', { current: 'page' }).textContent).toBe('Home');
    expect(address()).toBe(ADMIN_BASE_PATH);

    await openPage(user, 'SKU rules');
    expect(address()).toBe(`${ADMIN_BASE_PATH}/sku-rules`);
    expect(shownPage('SKU rules')).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Home' })).toBeNull();
    expect(within(pageNav()).getByRole('link', { current: 'page' }).textContent).toBe('SKU rules');
    expect(document.title).toBe('SKU rules · CartRelay');
  });

  it('keeps the query string from page to page, in the address and in the links', async () => {
    window.history.replaceState(null, '', `${ADMIN_BASE_PATH}?embedded=1&shop=demo-store.myshopify.com&host=YWRtaW4`);
    const server = new FakeAdminServer({ config: savedConfig() });
    const { user } = await renderAdmin(server);

    await openPage(user, 'Promo codes');
    expect(address()).toBe(`${ADMIN_BASE_PATH}/promo-codes?embedded=1&shop=demo-store.myshopify.com&host=YWRtaW4`);
    await openPage(user, 'Recent actions');
    expect(address()).toBe(`${ADMIN_BASE_PATH}/recent-actions?embedded=1&shop=demo-store.myshopify.com&host=YWRtaW4`);
    expect(within(pageNav()).getByRole('link', { name: 'SKU rules' }).getAttribute('href')).toBe(
      `${ADMIN_BASE_PATH}/sku-rules?embedded=1&shop=demo-store.myshopify.com&host=YWRtaW4`,
    );
  });

  it('opens the page a deep link names', async () => {
    window.history.replaceState(null, '', `${ADMIN_BASE_PATH}/customer-status?shop=demo-store.myshopify.com`);
    const server = new FakeAdminServer({ config: savedConfig() });
    render(<AdminApp platform={server.platform} />);

    expect(await screen.findByRole('region', { name: 'Customer status' })).toBeTruthy();
    expect(within(pageNav()).getByRole('link', { current: 'page' }).textContent).toBe('Customer status');
    expect(screen.queryByRole('region', { name: 'Connection' })).toBeNull();
    // A deep link is where reading starts: focus stays where the browser put it.
    expect(document.activeElement).toBe(document.body);
  });

  it('shows the first page for an address that is no page’s, and corrects the address', async () => {
    window.history.replaceState(null, '', `${ADMIN_BASE_PATH}/no-such-page?shop=demo-store.myshopify.com`);
    const server = new FakeAdminServer({ config: savedConfig() });
    await renderAdmin(server);

    expect(shownPage('Home')).toBeTruthy();
    expect(address()).toBe(`${ADMIN_BASE_PATH}?shop=demo-store.myshopify.com`);
  });

  it('follows the browser’s back and forward buttons', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const { user } = await renderAdmin(server);
    await openPage(user, 'Promo codes');
    await openPage(user, 'Test action');

    await historyGo(-1);
    await waitFor(() => expect(shownPage('Promo codes')).toBeTruthy());
    expect(address()).toBe(`${ADMIN_BASE_PATH}/promo-codes`);
    expect(within(pageNav()).getByRole('link', { current: 'page' }).textContent).toBe('Promo codes');

    await historyGo(-1);
    await waitFor(() => expect(shownPage('Home')).toBeTruthy());
    expect(address()).toBe(ADMIN_BASE_PATH);

    await historyGo(2);
    await waitFor(() => expect(shownPage('Test action')).toBeTruthy());
    expect(address()).toBe(`${ADMIN_BASE_PATH}/test-action`);
  });

  it('is used from the keyboard: a link opens its page with Enter, and focus moves to the page’s heading', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const user = userEvent.setup();
    render(<AdminApp platform={server.platform} />);
    await screen.findByRole('region', { name: 'Home' });

    within(pageNav()).getByRole('link', { name: 'Connection' }).focus();
    await user.tab();
    expect(document.activeElement).toBe(within(pageNav()).getByRole('link', { name: 'Promo codes' }));
    await user.keyboard('{Enter}');

    const heading = screen.getByRole('heading', { level: 2, name: 'Promo codes' });
    expect(document.activeElement).toBe(heading);
    expect(heading.tabIndex).toBe(-1);
    expect(address()).toBe(`${ADMIN_BASE_PATH}/promo-codes`);
    // The page's own controls come next.
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Add mapping' }));
  });

  it('leaves a click that asks for a new tab to the browser', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    await renderAdmin(server);
    const link = within(pageNav()).getByRole('link', { name: 'SKU rules' });

    const click = new MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: true });
    link.addEventListener('click', (event) => event.preventDefault(), { once: true }); // jsdom cannot open tabs
    act(() => {
      link.dispatchEvent(click);
    });
    expect(shownPage('Home')).toBeTruthy();
    expect(address()).toBe(ADMIN_BASE_PATH);
  });
});
