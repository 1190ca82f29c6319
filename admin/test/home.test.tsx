import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeAdminServer, savedConfig } from './fake-platform.ts';
import { openPage, renderAdmin, shownPage } from './render.tsx';
import { busyHome, dailyAttribution, emptyHome } from './sample-data.ts';

const home = () => shownPage('Home');
const card = (name: string) => within(home()).getByRole('region', { name });
/** A row of a table, by its row header. */
const row = (table: HTMLElement, header: string) => within(table).getByRole('rowheader', { name: header }).closest('tr') as HTMLElement;
const cellsOf = (tr: HTMLElement) => [...tr.querySelectorAll('td')].map((cell) => cell.textContent);

describe('Home', () => {
  it('is the first page, at the base path, and says it is loading', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const release = server.hold('GET /home');
    await renderAdmin(server);
    expect(within(home()).getByText('Loading how tracking is going…')).toBeTruthy();
    release();
    expect(await within(home()).findByRole('region', { name: 'Health' })).toBeTruthy();
    expect(document.title).toBe('Home · CartRelay');
  });

  it('lists the set-up steps with the ones left linking to their page, until every one is done', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.home = emptyHome({ checklist: { connected: true, programSet: true, attributionReady: false, testActionSeen: false } });
    const { user } = await renderAdmin(server);

    const checklist = await within(home()).findByRole('region', { name: 'Set up CartRelay' });
    expect(within(checklist).getByText('2 of 4 done')).toBeTruthy();
    const steps = within(checklist).getAllByRole('listitem');
    expect(steps.map((step) => step.textContent)).toEqual([
      'Connect to impact.com Done',
      'Set the program and action tracker Done',
      'Map a partner’s promo code, or receive an order with a click id To do Open Promo codes',
      'Send a test action and see impact.com accept it To do Open Test action',
    ]);
    expect(within(checklist).queryByRole('link', { name: 'Open Connection' })).toBeNull();

    await user.click(within(checklist).getByRole('link', { name: 'Open Promo codes' }));
    expect(shownPage('Promo codes')).toBeTruthy();
    expect(window.location.pathname).toBe('/test/admin/promo-codes');

    // Home is loaded again when it is shown again: the step done meanwhile is ticked, and with all done the list goes.
    server.home = emptyHome({ checklist: { connected: true, programSet: true, attributionReady: true, testActionSeen: true } });
    await openPage(user, 'Home');
    await waitFor(() => expect(within(home()).queryByRole('region', { name: 'Set up CartRelay' })).toBeNull());
    expect(server.requestsTo('GET /home')).toHaveLength(2);
    expect(within(home()).getByRole('region', { name: 'Health' })).toBeTruthy();
  });

  it('links a step left to do to the Connection page when impact.com is not connected', async () => {
    const server = new FakeAdminServer({ connection: { accountSid: null, authTokenSet: false } });
    const { user } = await renderAdmin(server);
    const checklist = await within(home()).findByRole('region', { name: 'Set up CartRelay' });
    expect(within(checklist).getByText('0 of 4 done')).toBeTruthy();
    await user.click(within(checklist).getAllByRole('link', { name: 'Open Connection' })[0]!);
    expect(shownPage('Connection')).toBeTruthy();
  });

  it('shows the last webhook, the click capture, and the 7- and 30-day figures with their shares', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.home = busyHome();
    await renderAdmin(server);

    const health = await within(home()).findByRole('region', { name: 'Health' });
    expect(health.textContent).toContain('orders/paid');
    expect(health.textContent).toContain('5 minutes ago');
    expect(health.textContent).toMatch(/Shopify pixel\s*Active/);
    expect(health.textContent).toContain('Last click id captured 12 minutes ago.');
    expect(within(health).getByText('Active').className).toContain('badge-good');

    const figures = within(card('Orders and conversions')).getByRole('table', { name: 'Orders and conversions, last 7 and 30 days' });
    expect(within(figures).getAllByRole('columnheader').map((header) => header.textContent)).toEqual(['Figure', 'Last 7 days', 'Last 30 days']);
    expect(cellsOf(row(figures, 'Orders'))).toEqual(['40', '180']);
    expect(cellsOf(row(figures, 'Conversions sent'))).toEqual(['28', '131']);
    expect(cellsOf(row(figures, 'Accepted by impact.com'))).toEqual(['26', '127']);
    expect(cellsOf(row(figures, 'Failing'))).toEqual(['2', '4']);
    expect(cellsOf(row(figures, 'Attributed by click id'))).toEqual(['20 (50%)', '101 (56%)']);
    expect(cellsOf(row(figures, 'from the landing page address'))).toEqual(['12 (30%)', '60 (33%)']);
    expect(cellsOf(row(figures, 'from the storefront capture (Shopify pixel)'))).toEqual(['6 (15%)', '33 (18%)']);
    expect(cellsOf(row(figures, 'from the customer journey'))).toEqual(['2 (5%)', '8 (4%)']);
    expect(cellsOf(row(figures, 'Attributed by promo code'))).toEqual(['8 (20%)', '30 (17%)']);
    expect(cellsOf(row(figures, 'Not attributed'))).toEqual(['12 (30%)', '49 (27%)']);
  });

  it('says what is missing before anything arrives, without dividing by zero', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.home = emptyHome();
    await renderAdmin(server);
    const health = await within(home()).findByRole('region', { name: 'Health' });
    expect(health.textContent).toContain('None received yet');
    expect(health.textContent).toContain('None on this platform');
    const figures = within(card('Orders and conversions')).getByRole('table');
    expect(cellsOf(row(figures, 'Not attributed'))).toEqual(['0 (–)', '0 (–)']);
  });

  it('draws the daily share as a figure whose numbers screen readers read from a table', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.home = busyHome({
      daily: dailyAttribution('2026-11-23', 30, (index) =>
        index === 29 ? { clickId: 6, code: 2, none: 2 } : index === 28 ? { clickId: 0, code: 0, none: 0 } : { clickId: 1, code: 1, none: 2 },
      ),
    });
    await renderAdmin(server);

    const figure = await within(home()).findByRole('figure', { name: 'Share of orders per day by attribution, last 30 days' });
    const svg = figure.querySelector('svg');
    expect(svg?.getAttribute('aria-hidden')).toBe('true');
    const table = within(figure).getByRole('table', { name: 'Orders per day by attribution' });
    expect(within(table).getAllByRole('row')).toHaveLength(31);
    expect(within(table).getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      'Day',
      'Orders',
      'By click id',
      'By promo code',
      'Not attributed',
    ]);
    expect(cellsOf(row(table, 'Nov 23'))).toEqual(['10', '6 (60%)', '2 (20%)', '2 (20%)']);
    expect(cellsOf(row(table, 'Nov 22'))).toEqual(['0', '0', '0', '0']);
    expect(cellsOf(row(table, 'Oct 25'))).toEqual(['4', '1 (25%)', '1 (25%)', '2 (50%)']);

    // The last bar: click id at the bottom, 60% of its height, then code and none; a day without orders is a stub.
    const bars = [...(svg?.querySelectorAll('g[data-date]') ?? [])];
    expect(bars).toHaveLength(30);
    const last = bars.at(-1)!;
    expect(last.querySelector('title')?.textContent).toBe('Nov 23: 6 by click id, 2 by promo code, 2 not attributed');
    expect([...last.querySelectorAll('rect')].map((rect) => [rect.getAttribute('class'), Number(rect.getAttribute('height'))])).toEqual([
      ['chart-click', 60],
      ['chart-code', 20],
      ['chart-none', 20],
    ]);
    expect(bars.at(-2)?.querySelector('rect')?.getAttribute('class')).toBe('chart-empty');
  });

  it('alerts when impact.com refuses the shop, linking to the Connection page', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.home = busyHome({
      alerts: [{ kind: 'impact_rejected', message: 'impact.com answered 401: the Account SID or Auth Token is wrong.', since: '2026-11-23T21:00:00.000Z' }],
    });
    const { user } = await renderAdmin(server);

    const alert = await within(home()).findByRole('alert');
    expect(alert.textContent).toContain('impact.com is refusing this store’s conversions');
    expect(alert.textContent).toContain('impact.com answered 401: the Account SID or Auth Token is wrong.');
    expect(alert.textContent).toContain('Since 11/23/26');
    await user.click(within(alert).getByRole('link', { name: 'Check your impact.com credentials on the Connection page' }));
    expect(shownPage('Connection')).toBeTruthy();
  });

  it('warns when the click-id share falls below its usual level, naming the likely causes and linking to Recent actions', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.home = busyHome({
      alerts: [
        {
          kind: 'click_share_drop',
          // As core/src/admin/home.ts words it, with the store's own click-id parameter.
          message:
            'Orders attributed by click id fell to 12% over the last 3 days, from 48% over the 14 days before. A theme, consent banner or checkout change may be removing the ref parameter, and partners lose their commissions.',
          recentShare: 0.12,
          usualShare: 0.48,
        },
      ],
    });
    const { user } = await renderAdmin(server);

    const banner = await within(home()).findByText('Fewer orders carry a click id than usual');
    const status = banner.closest('[role="status"]') as HTMLElement;
    expect(status).toBeTruthy();
    expect(within(home()).queryByRole('alert')).toBeNull();
    // Said once, in the server's words: the page adds no second account naming another parameter.
    expect(status.textContent?.match(/commissions/g)).toHaveLength(1);
    expect(status.textContent).toContain('fell to 12% over the last 3 days, from 48%');
    expect(status.textContent).toContain('removing the ref parameter');
    expect(status.textContent).not.toContain('irclickid');
    await user.click(within(status).getByRole('link', { name: 'See how recent orders were attributed' }));
    expect(shownPage('Recent actions')).toBeTruthy();
  });

  it('shows a failed load as an alert with a retry', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.failNext('GET /home', 502, { error: 'impact.com could not be reached.' });
    const { user } = await renderAdmin(server);
    const alert = await within(home()).findByRole('alert');
    expect(alert.textContent).toContain('Home could not be loaded.');
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await within(home()).findByRole('region', { name: 'Health' })).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
