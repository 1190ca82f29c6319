import { render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AdminApp, mountAdmin } from '../src/index.ts';
import { FakeAdminServer, savedConfig } from './fake-platform.ts';
import { openPage, pageNav, shownPage } from './render.tsx';

describe('Admin app', () => {
  it('shows a busy state while the shop loads', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const release = server.hold('GET /shop');
    render(<AdminApp platform={server.platform} />);

    expect(screen.getByText('Loading your settings…').closest('[aria-busy="true"]')).toBeTruthy();
    expect(screen.getByText('Loading your settings…').closest('[role="status"]')).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Home' })).toBeNull();
    release();
    expect(await screen.findByRole('region', { name: 'Home' })).toBeTruthy();
    expect(screen.queryByText('Loading your settings…')).toBeNull();
  });

  it('reports a failed load with an alert and loads again on retry', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.failNext('GET /shop', 500, '<html>Bad gateway</html>');
    const user = userEvent.setup();
    render(<AdminApp platform={server.platform} />);

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Your settings could not be loaded.');
    expect(alert.textContent).toContain('HTTP 500');
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('region', { name: 'Home' })).toBeTruthy();
    expect(within(pageNav()).getByRole('link', { name: 'Home', current: 'page' })).toBeTruthy();
    expect(server.requestsTo('GET /shop')).toHaveLength(2);
  });

  it('shows the server’s own error message', async () => {
    const server = new FakeAdminServer();
    server.failNext('GET /shop', 403, { error: 'This store belongs to another app.' });
    render(<AdminApp platform={server.platform} />);
    expect((await screen.findByRole('alert')).textContent).toContain('This store belongs to another app.');
  });

  it('tries once more after a 401, as the platform fetches a fresh session token each call', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.failNext('GET /shop', 401, { error: 'jwt expired: exp claim 1763938817 < now' });
    render(<AdminApp platform={server.platform} />);
    expect(await screen.findByRole('region', { name: 'Home' })).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(server.requestsTo('GET /shop')).toHaveLength(2);
  });

  it('says the session expired, without the token’s details, when the retry is refused too', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.failNext('GET /shop', 401, { error: 'jwt expired: exp claim 1763938817 < now' });
    server.failNext('GET /shop', 401, { error: 'jwt expired: exp claim 1763938817 < now' });
    render(<AdminApp platform={server.platform} />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Your session has expired. Reload the page from your Test platform admin.');
    expect(alert.textContent).not.toContain('jwt');
    expect(server.requestsTo('GET /shop')).toHaveLength(2);
  });

  it('sends a save again after a 401 with the same body, once', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.failNext('PUT /config', 401, { error: 'jwt expired' });
    const user = userEvent.setup();
    render(<AdminApp platform={server.platform} />);
    await openPage(user, 'Promo codes');
    await user.click(await screen.findByRole('button', { name: 'Add mapping' }));
    await user.keyboard('JANE20');
    await user.type(screen.getByRole('textbox', { name: 'Partner id, mapping 1' }), '111');
    await user.click(screen.getByRole('button', { name: 'Save promo codes' }));
    await waitFor(() => expect(server.shop.config?.promoCodes).toEqual([{ match: 'exact', code: 'JANE20', partnerId: '111' }]));
    const puts = server.requestsTo('PUT /config');
    expect(puts).toHaveLength(2);
    expect(puts[1]?.body).toEqual(puts[0]?.body);
  });

  it('keeps unsaved edits of a page while another page is open', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const user = userEvent.setup();
    render(<AdminApp platform={server.platform} />);

    await openPage(user, 'Promo codes');
    await user.click(await screen.findByRole('button', { name: 'Add mapping' }));
    await user.keyboard('KEEPME');
    await openPage(user, 'SKU rules');
    expect(shownPage('SKU rules')).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: 'Code, mapping 1' })).toBeNull();
    await openPage(user, 'Promo codes');
    expect(screen.getByRole('textbox', { name: 'Code, mapping 1' })).toHaveProperty('value', 'KEEPME');
  });

  it('mounts into an element with mountAdmin and unmounts again', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const element = document.createElement('div');
    document.body.append(element);
    const unmount = mountAdmin(element, server.platform);
    await waitFor(() => expect(element.textContent).toContain('impact.com conversions for your Test platform store'));
    unmount();
    expect(element.textContent).toBe('');
    element.remove();
  });
});
