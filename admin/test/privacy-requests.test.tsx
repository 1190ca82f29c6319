import type { AdminDataRequest } from '@cartrelay/core/admin-contract';
import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeAdminServer, savedConfig } from './fake-platform.ts';
import { expectUnavailable, messages, openPage, pageNav, renderAdmin, shownPage } from './render.tsx';

const dataRequest = (overrides: Partial<AdminDataRequest> = {}): AdminDataRequest => ({
  requestId: '9999',
  createdAt: Date.parse('2026-11-23T22:00:17.000Z'),
  customerId: '207119551',
  orders: [
    {
      platformOrderId: '1001',
      impactOrderId: 'SHOP-1001',
      status: 'converted',
      sentFields: { CustomerId: '207119551', CustomerEmail: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9', IpAddress: '203.0.113.7' },
      clickCapture: { clickId: 'Click123', ip: '203.0.113.7', userAgent: 'Mozilla/5.0' },
    },
    { platformOrderId: '1002', impactOrderId: null, status: 'none', sentFields: {}, clickCapture: null },
  ],
  ...overrides,
});

/** Records what downloadText hands the browser: the files' contents and names, and the link clicks. */
function captureDownloads() {
  const blobs: Blob[] = [];
  const names: string[] = [];
  Object.assign(URL, {
    createObjectURL: (blob: Blob) => {
      blobs.push(blob);
      return `blob:export-${blobs.length}`;
    },
    revokeObjectURL: () => {},
  });
  const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    names.push(this.download);
  });
  return { blobs, names, click };
}

afterEach(() => vi.restoreAllMocks());

describe('Privacy requests page', () => {
  it('is the last page, and says when there are no data requests yet, after loading them', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const release = server.hold('GET /data-requests');
    const { user } = await renderAdmin(server);
    const links = within(pageNav()).getAllByRole('link');
    expect(links.at(-1)?.textContent).toBe('Privacy requests');
    await openPage(user, 'Privacy requests');

    const panel = shownPage('Privacy requests');
    expect(within(panel).getByText(/hand the export to the customer/)).toBeTruthy();
    expect(within(panel).getByText('Loading privacy requests…')).toBeTruthy();
    expect(panel.getAttribute('aria-busy')).toBe('true');
    release();
    expect(await within(panel).findByText('No data requests yet.')).toBeTruthy();
    expect(panel.getAttribute('aria-busy')).toBe('false');
    expect(within(panel).queryByRole('table')).toBeNull();
    expect(server.requestsTo('GET /data-requests')).toHaveLength(1);
  });

  it('lists an export: when it arrived (local time), its request and customer ids and how many orders it holds', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.dataRequests = [dataRequest()];
    await renderAdmin(server, 'Privacy requests');

    const table = await screen.findByRole('table', { name: 'Privacy requests' });
    const headers = within(table)
      .getAllByRole('columnheader')
      .map((header) => header.textContent);
    expect(headers).toEqual(['Received', 'Request id', 'Customer id', 'Orders', 'Export']);
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(1);
    const cells = within(rows[0]!);
    // The tests run with TZ=UTC; the merchant sees their own time zone, never the raw epoch.
    const received = cells.getByRole('rowheader');
    expect(received.textContent).toMatch(/Nov 23, 2026.*(10:00\sPM|22:00)/);
    expect(received.querySelector('time')?.getAttribute('dateTime')).toBe('2026-11-23T22:00:17.000Z');
    expect(cells.getAllByRole('cell').map((cell) => cell.textContent)).toEqual(['9999', '207119551', '2', 'Download JSON']);
    expect(cells.getByRole('button', { name: 'Download JSON export 9999' })).toBeTruthy();
  });

  it('downloads an export as the JSON the server holds, named after its request', async () => {
    const { blobs, names, click } = captureDownloads();
    const server = new FakeAdminServer({ config: savedConfig() });
    const first = dataRequest();
    const second = dataRequest({ requestId: null, customerId: null, createdAt: Date.parse('2026-11-20T08:30:00.000Z'), orders: [] });
    server.dataRequests = [first, second];
    const { user } = await renderAdmin(server, 'Privacy requests');

    // Without a request id, the export is named after its place in the list.
    const anonymous = (await screen.findByRole('button', { name: 'Download JSON export 2' })).closest('tr')!;
    expect(within(anonymous).getAllByText('none')).toHaveLength(2);
    expect(within(anonymous).getByText('0')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Download JSON export 9999' }));
    expect(click).toHaveBeenCalledTimes(1);
    expect(names).toEqual(['customer-data-request-9999.json']);
    expect(blobs[0]?.type).toBe('application/json;charset=utf-8');
    expect(JSON.parse(await blobs[0]!.text())).toEqual(first);
    expect(messages().textContent).toContain('customer-data-request-9999.json');

    await user.click(screen.getByRole('button', { name: 'Download JSON export 2' }));
    expect(click).toHaveBeenCalledTimes(2);
    expect(names[1]).toBe('customer-data-request-2.json');
    expect(JSON.parse(await blobs[1]!.text())).toEqual(second);
  });

  it('shows a failed load as an alert with a retry, and refreshes on demand', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.failNext('GET /data-requests', 500, { error: 'internal error' });
    const { user } = await renderAdmin(server, 'Privacy requests');

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Privacy requests could not be loaded.');
    expect(alert.textContent).toContain('internal error');
    expect(screen.queryByText('No data requests yet.')).toBeNull();
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('No data requests yet.')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();

    server.dataRequests = [dataRequest({ requestId: '4242' })];
    const panel = shownPage('Privacy requests');
    await user.click(within(panel).getByRole('button', { name: 'Refresh' }));
    expect(await screen.findByRole('button', { name: 'Download JSON export 4242' })).toBeTruthy();
    expect(server.requestsTo('GET /data-requests')).toHaveLength(3);

    const release = server.hold('GET /data-requests');
    await user.click(within(panel).getByRole('button', { name: 'Refresh' }));
    const busy = within(panel).getByRole('button', { name: 'Refreshing…' });
    expect(document.activeElement).toBe(busy);
    await expectUnavailable(user, busy, server, 'GET /data-requests');
    release();
    expect(await within(panel).findByRole('button', { name: 'Refresh' })).toBe(document.activeElement);
    expect(server.requestsTo('GET /data-requests')).toHaveLength(4);
  });
});
