import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeAdminServer, savedConfig } from './fake-platform.ts';
import { expectUnavailable, messages, renderAdmin } from './render.tsx';

describe('Test action page', () => {
  it('sends a test conversion and says when its reversal is scheduled, in local time', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const { user } = await renderAdmin(server, 'Test action');

    await user.click(screen.getByRole('button', { name: 'Send test conversion' }));

    const sentence = await screen.findByText(/^Test conversion CARTRELAY-TEST-1 sent; its reversal \(TEST_ACTION\) is scheduled for /, { selector: 'p' });
    // The tests run with TZ=UTC: 23:00:17Z is shown as that local time, not as the raw ISO string.
    expect(sentence.textContent).toMatch(/Nov 23, 2026.*(11:00\sPM|23:00)\.$/);
    expect(sentence.textContent).not.toContain('2026-11-23T');
    expect(messages().textContent).toBe(sentence.textContent);
    expect(server.requestsTo('POST /test-action')).toHaveLength(1);
  });

  it('is unavailable, saying why, until the connection and program are saved', async () => {
    const server = new FakeAdminServer({ config: null });
    const { user } = await renderAdmin(server, 'Test action');

    const button = screen.getByRole('button', { name: 'Send test conversion' });
    expect(document.getElementById(button.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'Save your connection and program id first (Connection page).',
    );
    await expectUnavailable(user, button, server, 'POST /test-action');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('keeps focus on the button while sending, and sends once', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const { user } = await renderAdmin(server, 'Test action');
    const release = server.hold('POST /test-action');

    await user.click(screen.getByRole('button', { name: 'Send test conversion' }));
    const busy = screen.getByRole('button', { name: 'Sending…' });
    expect(document.activeElement).toBe(busy);
    await expectUnavailable(user, busy, server, 'POST /test-action');
    release();
    expect(await screen.findByText(/^Test conversion CARTRELAY-TEST-1 sent/, { selector: 'p' })).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Send test conversion' }));
  });

  it('shows why the test conversion was not sent, and sends it on retry', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.failNext('POST /test-action', 409, { error: 'The shop is not connected to impact.com yet.' });
    const { user } = await renderAdmin(server, 'Test action');

    await user.click(screen.getByRole('button', { name: 'Send test conversion' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The shop is not connected to impact.com yet.');

    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText(/^Test conversion CARTRELAY-TEST-1 sent/, { selector: 'p' })).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
