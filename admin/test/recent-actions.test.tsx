import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeAdminServer, savedConfig } from './fake-platform.ts';
import { expectUnavailable, messages, openPage, renderAdmin } from './render.tsx';
import { sampleAction, sampleDelivery } from './sample-data.ts';

const action = sampleAction;
const delivery = sampleDelivery;

describe('Recent actions page', () => {
  it('says when there are no orders yet, after loading them', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const release = server.hold('GET /actions');
    const { user } = await renderAdmin(server);
    await openPage(user, 'Recent actions');

    expect(screen.getByText('Loading recent actions…')).toBeTruthy();
    release();
    expect(await screen.findByText(/No orders yet/)).toBeTruthy();
    expect(server.requestsTo('GET /actions')[0]?.path).toBe('/actions?limit=50');
  });

  it('labels a test action as one, beside the orders', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.actions = [action({ source: 'test_action', platformOrderId: 'CARTRELAY-TEST-20261123220017', impactOrderId: 'CARTRELAY-TEST-20261123220017' })];
    await renderAdmin(server, 'Recent actions');
    const row = (await screen.findByRole('rowheader', { name: /Test action/ })).closest('tr')!;
    expect(within(row).getByText('CARTRELAY-TEST-20261123220017')).toBeTruthy();
  });

  it('lists orders with their deliveries, impact.com errors and late click ids', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.actions = [
      action({
        platformOrderId: '1002',
        impactOrderId: 'SHOP-1002',
        status: 'reversed',
        statusText: 'Reversal rejected by impact.com',
        deliveries: [
          {
            kind: 'conversion',
            status: 'done',
            attempts: 1,
            lastError: null,
            submissionStatus: 'complete',
            submissionErrors: null,
            createdAt: '2026-11-23T22:00:00.000Z',
            completedAt: '2026-11-23T22:00:01.000Z',
            dueAt: null,
          },
          {
            kind: 'reversal',
            status: 'rejected',
            attempts: 3,
            lastError: '400 Bad Request: action is locked',
            submissionStatus: 'error',
            submissionErrors: [{ Message: 'Action 1002 is locked and cannot be reversed' }],
            createdAt: '2026-11-23T22:10:00.000Z',
            completedAt: null,
            dueAt: null,
          },
        ],
        lateClickId: { clickId: 'LateClick123', source: 'pixel', capturedAt: '2026-11-23T22:05:00.000Z' },
      }),
    ];
    await renderAdmin(server, 'Recent actions');

    const row = (await screen.findByRole('rowheader', { name: /1002/ })).closest('tr')!;
    const cells = within(row);
    expect(cells.getByText('SHOP-1002')).toBeTruthy();
    // The server's words, coloured by the rejected reversal behind them.
    expect(cells.getByText('Reversal rejected by impact.com').className).toContain('status-bad');
    expect(cells.getByText('Conversion: Sent').className).toContain('badge-good');
    expect(cells.getByText('Reversal: Rejected by impact.com').className).toContain('badge-bad');
    expect(row.textContent).toContain('impact.com processed it');
    expect(row.textContent).toContain('3 attempts');
    expect(cells.getByText('Last error: 400 Bad Request: action is locked')).toBeTruthy();
    expect(cells.getByText('impact.com: Action 1002 is locked and cannot be reversed')).toBeTruthy();
    expect(cells.getByText('LateClick123')).toBeTruthy();
  });

  it('shows a failed load as an alert with a retry, and refreshes on demand', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.failNext('GET /actions', 502, { error: 'impact.com could not be reached.' });
    const { user } = await renderAdmin(server, 'Recent actions');

    expect((await screen.findByRole('alert')).textContent).toContain('impact.com could not be reached.');
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText(/No orders yet/)).toBeTruthy();

    server.actions = [action({ platformOrderId: '2001' })];
    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(await screen.findByRole('rowheader', { name: /2001/ })).toBeTruthy();
    expect(server.requestsTo('GET /actions')).toHaveLength(3);
  });

  it('keeps focus on Refresh while it loads, and ignores clicks meanwhile', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const { user } = await renderAdmin(server, 'Recent actions');
    expect(await screen.findByText(/No orders yet/)).toBeTruthy();

    const release = server.hold('GET /actions');
    const refresh = screen.getByRole('button', { name: 'Refresh' });
    await user.click(refresh);
    const busy = screen.getByRole('button', { name: 'Refreshing…' });
    expect(document.activeElement).toBe(busy);
    await expectUnavailable(user, busy, server, 'GET /actions');
    release();
    expect(await screen.findByRole('button', { name: 'Refresh' })).toBe(document.activeElement);
    expect(server.requestsTo('GET /actions')).toHaveLength(2);
  });

  it('does not call a conversion impact.com rejected converted', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.actions = [
      action({
        platformOrderId: '5512409042',
        orderNumber: '4242',
        statusText: 'Rejected by impact.com',
        deliveries: [
          delivery({ status: 'done', submissionStatus: 'error', submissionErrors: [{ Message: 'Invalid ActionTrackerId' }] }),
        ],
      }),
      action({ platformOrderId: '5512409043', orderNumber: '4243', statusText: 'Not delivered to impact.com', deliveries: [delivery({ status: 'dead', submissionStatus: null })] }),
      action({ platformOrderId: '5512409044', orderNumber: '4244', statusText: 'Accepted by impact.com', deliveries: [delivery({})] }),
    ];
    await renderAdmin(server, 'Recent actions');

    const rejected = within((await screen.findByRole('rowheader', { name: /#4242/ })).closest('tr')!);
    expect(rejected.queryByText('Converted')).toBeNull();
    expect(rejected.getByText('Rejected by impact.com').className).toContain('status-bad');
    expect(rejected.getByText('Conversion: Rejected by impact.com').className).toContain('badge-bad');
    expect(rejected.getByText('impact.com: Invalid ActionTrackerId')).toBeTruthy();

    const dead = within(screen.getByRole('rowheader', { name: /#4243/ }).closest('tr')!);
    expect(dead.getByText('Conversion: Not delivered (failed, will not retry)').className).toContain('badge-bad');
    expect(dead.getByText('Not delivered to impact.com').className).toContain('status-bad');

    const sent = within(screen.getByRole('rowheader', { name: /#4244/ }).closest('tr')!);
    expect(sent.getByText('Accepted by impact.com').className).toContain('status-good');
    expect(sent.getByText('Conversion: Sent')).toBeTruthy();
  });

  it('puts the wide table in a named region that scrolls by keyboard', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.actions = [action({ platformOrderId: '5512409042', orderNumber: '4242' })];
    await renderAdmin(server, 'Recent actions');

    const region = await screen.findByRole('region', { name: 'Recent actions table' });
    expect(region.tabIndex).toBe(0);
    expect(within(region).getByRole('table', { name: 'Recent actions' })).toBeTruthy();
  });

  it('names an order by its number, with the platform id beside it', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.actions = [action({ platformOrderId: '5512409042', orderNumber: '4242' })];
    await renderAdmin(server, 'Recent actions');

    const header = await screen.findByRole('rowheader', { name: /#4242/ });
    expect(header.textContent).toMatch(/^#4242id 5512409042/);
  });

  it('says when a test action’s reversal is scheduled, in local time', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.actions = [
      action({
        source: 'test_action',
        platformOrderId: 'CARTRELAY-TEST-1',
        impactOrderId: 'CARTRELAY-TEST-1',
        deliveries: [
          delivery({}),
          delivery({ kind: 'reversal', status: 'pending', attempts: 0, submissionStatus: null, completedAt: null, createdAt: '2026-11-23T22:00:02.000Z', dueAt: '2026-11-23T23:00:17.000Z' }),
          delivery({ kind: 'modification', status: 'inflight', attempts: 1, submissionStatus: null, completedAt: null, createdAt: '2026-11-23T22:00:03.000Z' }),
        ],
      }),
    ];
    await renderAdmin(server, 'Recent actions');

    const row = within((await screen.findByRole('rowheader', { name: /Test action/ })).closest('tr')!);
    // TZ=UTC in the tests: 23:00:17Z reads as that local time, not as the ISO string.
    expect(row.getByText(/^Reversal scheduled for /).textContent).toMatch(/^Reversal scheduled for 11\/23\/26, (11:00\sPM|23:00)$/);
    expect(row.getByText('Modification: Sending')).toBeTruthy();
  });

  it('shows each order’s date, amount, partner and how it was attributed', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.actions = [
      action({
        platformOrderId: '5512409042',
        orderNumber: '4242',
        placedAt: '2026-11-23T21:58:00.000Z',
        amount: { value: '89.99', currency: 'EUR' },
        partner: { id: '555001', name: 'Jane’s Deals' },
        attribution: { by: 'code', code: 'JANE20' },
      }),
      action({
        platformOrderId: '5512409043',
        orderNumber: '4243',
        attribution: { by: 'click_id', clickId: 'Sa3Ro1WvsxyNUNU2BdWqJ3NbUkGw4CXoJS0G3Q0', source: 'storefront' },
      }),
      action({ platformOrderId: '5512409044', orderNumber: '4244', amount: null, partner: { id: '777', name: null }, statusText: 'Not sent: no partner' }),
    ];
    await renderAdmin(server, 'Recent actions');

    const table = await screen.findByRole('table', { name: 'Recent actions' });
    expect(within(table).getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      'Order',
      'Date',
      'Amount',
      'Partner',
      'Attribution',
      'Status',
      'Deliveries',
    ]);
    const cells = (name: RegExp) => [...(screen.getByRole('rowheader', { name }).closest('tr')?.querySelectorAll('td') ?? [])].map((cell) => cell.textContent);
    expect(cells(/#4242/).slice(0, 4)).toEqual(['11/23/26, 9:58 PM', '89.99 EUR', 'Jane’s Dealsid 555001', 'Promo code JANE20']);
    expect(cells(/#4243/).slice(2, 4)).toEqual([
      'from the click id, at impact.com',
      'Click id Sa3Ro1WvsxyNUNU2BdWqJ3NbUkGw4CXoJS0G3Q0from the storefront capture',
    ]);
    expect(cells(/#4244/).slice(1, 5)).toEqual(['none', 'Partner 777', 'None', 'Not sent: no partner']);
  });

  it('lists an order waiting for its click id as waiting, with when it goes without one', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.actions = [
      action({
        platformOrderId: '5512409042',
        orderNumber: '4242',
        status: 'none',
        impactOrderId: null,
        statusText: 'Waiting for its click id',
        waitingUntil: '2026-11-24T01:30:00.000Z',
        explain: ['no click id on the order yet: waiting up to 4 hours for the Shopify pixel to report one'],
      }),
    ];
    const { user } = await renderAdmin(server, 'Recent actions');

    const row = within((await screen.findByRole('rowheader', { name: /#4242/ })).closest('tr')!);
    expect(row.getByText('Waiting for its click id').className).toContain('status-neutral');
    expect(row.getByText(/^Goes /).textContent).toMatch(/^Goes 11\/24\/26, (1:30\sAM|01:30) if no click id arrives first\.$/);
    await user.click(row.getByText('Why'));
    expect(row.getByText('no click id on the order yet: waiting up to 4 hours for the Shopify pixel to report one')).toBeTruthy();
  });

  it('finds orders by number, code or click id, and clears the search', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.actions = [
      action({ platformOrderId: '1', orderNumber: '1001', attribution: { by: 'code', code: 'JANE20' } }),
      action({ platformOrderId: '2', orderNumber: '1002', attribution: { by: 'click_id', clickId: 'AbcClick99', source: 'landing_url' } }),
      action({ platformOrderId: '3', orderNumber: '1003' }),
    ];
    const { user } = await renderAdmin(server, 'Recent actions');
    await screen.findByRole('rowheader', { name: /#1003/ });
    const search = within(screen.getByRole('search', { name: 'Orders' }));

    await user.type(search.getByRole('textbox', { name: 'Search orders' }), 'jane20{Enter}');
    await waitFor(() => expect(screen.queryByRole('rowheader', { name: /#1003/ })).toBeNull());
    expect(screen.getAllByRole('rowheader').map((header) => header.textContent?.slice(0, 5))).toEqual(['#1001']);
    expect(server.requestsTo('GET /actions').at(-1)?.path).toBe('/actions?limit=50&q=jane20');

    await user.clear(search.getByRole('textbox', { name: 'Search orders' }));
    await user.type(search.getByRole('textbox', { name: 'Search orders' }), 'AbcClick99');
    await user.click(search.getByRole('button', { name: 'Search' }));
    expect(await screen.findByRole('rowheader', { name: /#1002/ })).toBeTruthy();
    expect(screen.getAllByRole('rowheader')).toHaveLength(1);

    await user.clear(search.getByRole('textbox', { name: 'Search orders' }));
    await user.type(search.getByRole('textbox', { name: 'Search orders' }), '#9999{Enter}');
    expect(await screen.findByText('No orders match “#9999”.')).toBeTruthy();

    await user.click(search.getByRole('button', { name: 'Clear search' }));
    expect(await screen.findByRole('rowheader', { name: /#1003/ })).toBeTruthy();
    expect(screen.getAllByRole('rowheader')).toHaveLength(3);
    expect(search.getByRole('textbox', { name: 'Search orders' })).toHaveProperty('value', '');
    expect(server.requestsTo('GET /actions').at(-1)?.path).toBe('/actions?limit=50');
  });

  it('pages to older orders with the server’s cursor, and back to newer ones', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.actions = Array.from({ length: 120 }, (_, index) => action({ platformOrderId: String(5000 - index), orderNumber: String(5000 - index) }));
    const { user } = await renderAdmin(server, 'Recent actions');
    await screen.findByRole('rowheader', { name: /#5000/ });
    const pager = () => within(screen.getByRole('navigation', { name: 'Pages of orders' }));
    expect(screen.getAllByRole('rowheader')).toHaveLength(50);
    expect(pager().getByText('Orders 1–50')).toBeTruthy();
    expect(pager().queryByRole('button', { name: 'Newer' })).toBeNull();

    await user.click(pager().getByRole('button', { name: 'Older' }));
    expect(await screen.findByRole('rowheader', { name: /#4950/ })).toBeTruthy();
    expect(server.requestsTo('GET /actions').at(-1)?.path).toBe('/actions?limit=50&before=50');
    expect(pager().getByText('Orders 51–100')).toBeTruthy();
    await waitFor(() => expect(messages().textContent).toBe('Showing orders 51 to 100.'));
    // The table takes focus: the button pressed may be gone on the last page.
    expect(document.activeElement).toBe(screen.getByRole('region', { name: 'Recent actions table' }));

    await user.click(pager().getByRole('button', { name: 'Older' }));
    expect(await screen.findByRole('rowheader', { name: /#4900/ })).toBeTruthy();
    expect(screen.getAllByRole('rowheader')).toHaveLength(20);
    expect(pager().queryByRole('button', { name: 'Older' })).toBeNull();

    await user.click(pager().getByRole('button', { name: 'Newer' }));
    expect(await screen.findByRole('rowheader', { name: /#4950/ })).toBeTruthy();
    expect(server.requestsTo('GET /actions').at(-1)?.path).toBe('/actions?limit=50&before=50');
  });
});
