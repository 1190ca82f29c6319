import type { AdminAction } from '@cartrelay/core/admin-contract';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeAdminServer, savedConfig } from './fake-platform.ts';
import { expectUnavailable, renderAdmin } from './render.tsx';

const action = (overrides: Partial<AdminAction>): AdminAction => ({
  source: 'order',
  platformOrderId: '1001',
  orderNumber: null,
  impactOrderId: '1001',
  status: 'converted',
  updatedAt: '2026-11-23T22:00:17.000Z',
  deliveries: [],
  lateClickId: null,
  explain: [],
  ...overrides,
});

describe('Recent actions page', () => {
  it('says when there are no orders yet, after loading them', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const release = server.hold('GET /actions');
    const { user } = await renderAdmin(server);
    await user.click(screen.getByRole('tab', { name: 'Recent actions' }));

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
    expect(cells.getByText('Reversed')).toBeTruthy();
    expect(cells.getByText('conversion: done')).toBeTruthy();
    expect(cells.getByText('reversal: rejected')).toBeTruthy();
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
});
