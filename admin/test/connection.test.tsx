import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeAdminServer, savedConfig } from './fake-platform.ts';
import { expectUnavailable, messages, renderAdmin } from './render.tsx';

const field = (name: string) => screen.getByLabelText(name, { selector: 'input' });

describe('Connection page', () => {
  it('saves the credentials, then creates the configuration with the program', async () => {
    const server = new FakeAdminServer({ connection: { accountSid: null, authTokenSet: false }, config: null });
    const { user } = await renderAdmin(server, 'Connection');

    await expectUnavailable(user, screen.getByRole('button', { name: 'Save connection' }), server, 'PUT /connection');
    expect(screen.getByRole('button', { name: 'Save connection' }).getAttribute('aria-describedby')).toBeTruthy();
    await user.type(field('Account SID'), 'IRtestSid123456');
    await user.type(field('Auth Token'), 'secret-token-1');
    await user.type(field('Program id'), '12345');
    await user.type(field('Action tracker id'), '67890');
    await user.click(screen.getByRole('button', { name: 'Save connection' }));

    await waitFor(() => expect(messages().textContent).toBe('Connection saved.'));
    expect(server.requests.filter((r) => r.method === 'PUT').map((r) => [r.path, r.body])).toEqual([
      ['/connection', { accountSid: 'IRtestSid123456', authToken: 'secret-token-1' }],
      ['/config', expect.objectContaining({ version: 1, program: { campaignId: '12345', actionTrackerId: '67890' } })],
    ]);
    expect(field('Auth Token')).toHaveProperty('value', '');
    expect(screen.getByText(/A token is saved; leave this blank to keep it/)).toBeTruthy();
  });

  it('keeps the saved token when the field is left blank, and keeps the rest of the configuration', async () => {
    const server = new FakeAdminServer({ config: savedConfig({ promoCodes: [{ match: 'exact', code: 'JANE20', partnerId: '111' }] }) });
    const { user } = await renderAdmin(server, 'Connection');

    expect(field('Auth Token').getAttribute('type')).toBe('password');
    expect(field('Account SID')).toHaveProperty('value', 'IRabc123456');
    await user.clear(field('Program id'));
    await user.type(field('Program id'), '999');
    await user.click(screen.getByRole('button', { name: 'Save connection' }));

    await waitFor(() => expect(server.shop.config?.program.campaignId).toBe('999'));
    expect(server.requestsTo('PUT /connection')[0]?.body).toEqual({ accountSid: 'IRabc123456' });
    expect(server.shop.config?.promoCodes).toEqual([{ match: 'exact', code: 'JANE20', partnerId: '111' }]);
  });

  it('flags a program id that is not a number before anything is sent', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const { user } = await renderAdmin(server, 'Connection');

    await user.type(field('Program id'), 'x');
    // Not while it is first typed: once the field is left.
    expect(field('Program id').getAttribute('aria-invalid')).toBeNull();
    expect(screen.queryByText('must be a number of 1 to 10 digits')).toBeNull();
    await user.tab();
    expect(field('Program id').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('must be a number of 1 to 10 digits')).toBeTruthy();
    await expectUnavailable(user, screen.getByRole('button', { name: 'Save connection' }), server, 'PUT /connection');
    expect(server.requestsTo('PUT /config')).toHaveLength(0);
  });

  it('tests the typed credentials with the program id and shows what impact.com said', async () => {
    const server = new FakeAdminServer({ config: null });
    server.connectionTest = { ok: false, message: 'impact.com refused the Auth Token (401).' };
    const { user } = await renderAdmin(server, 'Connection');

    await user.clear(field('Account SID'));
    await user.type(field('Account SID'), 'IRother999999');
    await user.type(field('Auth Token'), 'new-token-22');
    await user.type(field('Program id'), '4321');
    await user.click(screen.getByRole('button', { name: 'Test connection' }));

    expect(await screen.findByText('impact.com refused the Auth Token (401).')).toBeTruthy();
    expect(screen.getByText('Connection failed.')).toBeTruthy();
    expect(server.requestsTo('POST /connection/test')[0]?.body).toEqual({ accountSid: 'IRother999999', authToken: 'new-token-22', campaignId: '4321' });
    expect(messages().textContent).toContain('impact.com refused the Auth Token (401).');
  });

  it('shows errors only once a field was left or a save was attempted', async () => {
    const server = new FakeAdminServer({ connection: { accountSid: null, authTokenSet: false }, config: null });
    const { user } = await renderAdmin(server, 'Connection');

    await user.type(field('Account SID'), 'IR1');
    expect(field('Account SID').getAttribute('aria-invalid')).toBeNull();
    await user.type(field('Auth Token'), 'short');
    expect(field('Account SID').getAttribute('aria-invalid')).toBe('true');
    expect(field('Auth Token').getAttribute('aria-invalid')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Save connection' }));
    expect(field('Auth Token').getAttribute('aria-invalid')).toBe('true');
    expect(server.requestsTo('PUT /connection')).toHaveLength(0);
  });

  it('keeps focus on Save connection and Test connection while they work', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const { user } = await renderAdmin(server, 'Connection');

    const releaseTest = server.hold('POST /connection/test');
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    const testing = screen.getByRole('button', { name: 'Testing…' });
    expect(document.activeElement).toBe(testing);
    await expectUnavailable(user, testing, server, 'POST /connection/test');
    releaseTest();
    expect(await screen.findByText('Connection works.')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Test connection' }));

    const releaseSave = server.hold('PUT /connection');
    await user.click(screen.getByRole('button', { name: 'Save connection' }));
    const saving = screen.getByRole('button', { name: 'Saving…' });
    expect(document.activeElement).toBe(saving);
    await expectUnavailable(user, saving, server, 'PUT /connection');
    releaseSave();
    await waitFor(() => expect(messages().textContent).toBe('Connection saved.'));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Save connection' }));
    expect(server.requestsTo('PUT /connection')).toHaveLength(1);
  });

  it('says which step failed when the server refuses the credentials', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.failNext('PUT /connection', 400, { error: 'invalid connection', problems: [{ path: 'accountSid', message: 'unknown account' }] });
    const { user } = await renderAdmin(server, 'Connection');

    await user.click(screen.getByRole('button', { name: 'Save connection' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The impact.com credentials were not saved.');
    expect(alert.textContent).toContain('Account SID: unknown account');
    expect(alert.querySelector('code')).toBeNull();
    expect(server.requestsTo('PUT /config')).toHaveLength(0);
  });

  it('shows impact.com’s refusal of the credentials at the Auth Token, until it is retyped', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.failNext('PUT /connection', 400, { error: 'impact.com refused these credentials (401 Unauthorized): check the Account SID and Auth Token.' });
    const { user } = await renderAdmin(server, 'Connection');

    await user.type(field('Auth Token'), 'wrong-token-1');
    await user.click(screen.getByRole('button', { name: 'Save connection' }));
    const message = 'impact.com refused these credentials (401 Unauthorized): check the Account SID and Auth Token.';
    await waitFor(() => expect(field('Auth Token').getAttribute('aria-invalid')).toBe('true'));
    const describedBy = field('Auth Token').getAttribute('aria-describedby')?.split(' ') ?? [];
    expect(describedBy.map((id) => document.getElementById(id)?.textContent)).toContain(message);
    expect(screen.getByRole('alert').textContent).toContain('The impact.com credentials were not saved.');
    expect(server.requestsTo('PUT /config')).toHaveLength(0);

    await user.type(field('Auth Token'), '2');
    expect(field('Auth Token').getAttribute('aria-invalid')).toBeNull();
  });

  it('puts a refusal naming the Account SID at that field', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.failNext('PUT /connection', 400, { error: 'impact.com refused the credentials', problems: [{ path: 'accountSid', message: 'impact.com knows no account IRabc123456' }] });
    const { user } = await renderAdmin(server, 'Connection');
    await user.click(screen.getByRole('button', { name: 'Save connection' }));
    await waitFor(() => expect(field('Account SID').getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getAllByText('impact.com knows no account IRabc123456').some((node) => node.className === 'field-error')).toBe(true);
    expect(field('Auth Token').getAttribute('aria-invalid')).toBeNull();
  });

  it('saves, and says what impact.com said, when it accepted the credentials with a warning', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.connectionWarning = 'The credentials work, but program 12345 is not one of this account’s.';
    const { user } = await renderAdmin(server, 'Connection');
    await user.click(screen.getByRole('button', { name: 'Save connection' }));

    await waitFor(() => expect(messages().textContent).toBe('Connection saved. impact.com said: The credentials work, but program 12345 is not one of this account’s.'));
    const note = screen.getByText('Saved, but impact.com said:').closest('[role="status"]');
    expect(note?.textContent).toContain('program 12345 is not one of this account’s.');
    expect(server.requestsTo('PUT /config')).toHaveLength(1);
  });
});
