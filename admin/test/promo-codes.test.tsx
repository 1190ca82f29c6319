import { existsSync, readFileSync } from 'node:fs';
import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeAdminServer, savedConfig } from './fake-platform.ts';
import { expectUnavailable, messages, renderAdmin } from './render.tsx';

const codeInput = (n: number) => screen.getByRole('textbox', { name: `Code, mapping ${n}` });
const partnerInput = (n: number) => screen.getByRole('textbox', { name: `Partner id, mapping ${n}` });
const saveButton = () => screen.getByRole('button', { name: 'Save promo codes' });

describe('Promo codes page', () => {
  afterEach(() => vi.restoreAllMocks());

  it('says there are no mappings yet', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const { user } = await renderAdmin(server, 'Promo codes');
    expect(screen.getByText(/No promo-code mappings yet/)).toBeTruthy();
    await expectUnavailable(user, screen.getByRole('button', { name: 'Save promo codes' }), server, 'PUT /config');
  });

  it('asks for the program id first when there is no configuration', async () => {
    await renderAdmin(new FakeAdminServer({ config: null }), 'Promo codes');
    expect(screen.getByText(/Save your program id on the Connection page first/)).toBeTruthy();
  });

  it('adds an exact mapping and saves the whole configuration with it', async () => {
    const server = new FakeAdminServer({ config: savedConfig({ defaultCategory: 'socks' }) });
    const { user } = await renderAdmin(server, 'Promo codes');

    await user.click(screen.getByRole('button', { name: 'Add mapping' }));
    expect(document.activeElement).toBe(codeInput(1));
    await user.keyboard('JANE20');
    await user.type(partnerInput(1), '4242');
    await user.click(saveButton());

    await waitFor(() => expect(messages().textContent).toBe('Promo codes saved.'));
    const [put] = server.requestsTo('PUT /config');
    expect(put?.body).toMatchObject({
      version: 1,
      program: { campaignId: '12345', actionTrackerId: '67890' },
      defaultCategory: 'socks',
      promoCodes: [{ match: 'exact', code: 'JANE20', partnerId: '4242' }],
    });
    // Exactly these keys: no empty actionTrackerId, no exclude: false.
    expect((put?.body as { promoCodes?: object[] } | undefined)?.promoCodes?.[0]).toEqual({ match: 'exact', code: 'JANE20', partnerId: '4242' });
    expect(server.shop.config?.promoCodes).toEqual([{ match: 'exact', code: 'JANE20', partnerId: '4242' }]);
    // Saved: nothing more to save, and focus stays on the button rather than dropping to the page.
    expect(document.activeElement).toBe(saveButton());
    await expectUnavailable(user, saveButton(), server, 'PUT /config');
    expect(server.requestsTo('PUT /config')).toHaveLength(1);
  });

  it('marks an invalid regular expression as you type and disables saving', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const { user } = await renderAdmin(server, 'Promo codes');

    await user.click(screen.getByRole('button', { name: 'Add mapping' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Match, mapping 1' }), 'regex');
    await user.type(partnerInput(1), '4242');
    await user.type(codeInput(1), '^PODCAST(');

    expect(codeInput(1).getAttribute('aria-invalid')).toBe('true');
    const describedBy = codeInput(1).getAttribute('aria-describedby') ?? '';
    expect(document.getElementById(describedBy.split(' ').at(-1) ?? '')?.textContent).toMatch(/^invalid regular expression: /);
    await expectUnavailable(user, saveButton(), server, 'PUT /config');
    expect(document.getElementById(saveButton().getAttribute('aria-describedby') ?? '')?.textContent).toBe('Fix the problem marked above to save.');

    await user.type(codeInput(1), ')');
    expect(codeInput(1).getAttribute('aria-invalid')).toBeNull();
    expect(saveButton().getAttribute('aria-disabled')).toBeNull();
    expect(server.requestsTo('PUT /config')).toHaveLength(0);
  });

  it('marks a new row’s problems only once a field is left or a save attempted', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const { user } = await renderAdmin(server, 'Promo codes');
    const hint = () => document.getElementById(saveButton().getAttribute('aria-describedby') ?? '')?.textContent;

    await user.click(screen.getByRole('button', { name: 'Add mapping' }));
    expect(document.activeElement).toBe(codeInput(1));
    expect(codeInput(1).getAttribute('aria-invalid')).toBeNull();
    expect(screen.queryByText('must not be empty')).toBeNull();
    expect(screen.queryByText(/give a partner id/)).toBeNull();
    expect(hint()).toBe('2 fields need a value or a fix before saving.');

    await user.tab();
    expect(codeInput(1).getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('must not be empty')).toBeTruthy();
    expect(partnerInput(1).getAttribute('aria-invalid')).toBeNull();

    await expectUnavailable(user, saveButton(), server, 'PUT /config');
    expect(partnerInput(1).getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('give a partner id or an action tracker id, or mark the code excluded')).toBeTruthy();
    expect(hint()).toBe('Fix the 2 problems marked above to save.');
    expect(messages().textContent).toBe('Not saved: fix the 2 problems marked above.');
  });

  it('scrolls a wide table inside the page and shows a long code in full on hover', async () => {
    const long = 'SPRING-SALE-2026-PARTNER-NEWSLETTER-EXCLUSIVE-40-PERCENT';
    const server = new FakeAdminServer({ config: savedConfig({ promoCodes: [{ match: 'exact', code: long, partnerId: '111' }] }) });
    await renderAdmin(server, 'Promo codes');

    const table = screen.getByRole('table', { name: 'Promo-code mappings' });
    expect(table.parentElement?.className).toBe('table-scroll');
    expect(codeInput(1).getAttribute('title')).toBe(long);
    expect(within(table).getByRole('button', { name: 'Delete mapping 1' })).toBeTruthy();
    const css = readFileSync(['src/admin.css', 'admin/src/admin.css'].find((path) => existsSync(path)) ?? 'src/admin.css', 'utf8');
    expect(css).toMatch(/\.table-scroll \{[^}]*overflow-x: auto/);
    expect(css).not.toMatch(/min-width: 8rem/);
  });

  it('previews which partner a code credits, from the unsaved mappings', async () => {
    const server = new FakeAdminServer({
      config: savedConfig({
        promoCodes: [
          { match: 'exact', code: 'JANE20', partnerId: '111' },
          { match: 'exact', code: 'STAFF', exclude: true },
        ],
      }),
    });
    const { user } = await renderAdmin(server, 'Promo codes');
    const check = screen.getByRole('textbox', { name: 'Promo code to check' });
    const answer = screen.getByRole('status', { name: 'Preview result' });

    await user.type(check, 'jane20');
    expect(answer.textContent).toMatch(/^Credits partner 111 \(action tracker 67890\)/);

    await user.clear(check);
    await user.type(check, 'staff');
    expect(answer.textContent).toMatch(/^Excluded: /);

    await user.clear(check);
    await user.type(check, 'PODCAST7');
    expect(answer.textContent).toMatch(/^No partner: /);

    await user.click(screen.getByRole('button', { name: 'Add mapping' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Match, mapping 3' }), 'regex');
    await user.type(codeInput(3), '^PODCAST\\d$');
    await user.type(partnerInput(3), '333');
    expect(answer.textContent).toMatch(/^Credits partner 333 /);
    expect(server.requestsTo('PUT /config')).toHaveLength(0);
  });

  it('rejects a CSV file with a bad row and changes nothing', async () => {
    const server = new FakeAdminServer({ config: savedConfig({ promoCodes: [{ match: 'exact', code: 'JANE20', partnerId: '111' }] }) });
    const { user } = await renderAdmin(server, 'Promo codes');

    const csv = 'match,code,partnerId,actionTrackerId,exclude\nexact,BOB10,222,,false\nregex,^POD(,333,,false\n';
    await user.upload(screen.getByLabelText('Import CSV'), new File([csv], 'codes.csv', { type: 'text/csv' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/Line 3, column code: invalid regular expression/);
    expect(alert.textContent).not.toMatch(/Line 2/);
    expect(codeInput(1)).toHaveProperty('value', 'JANE20');
    expect(screen.queryByRole('textbox', { name: 'Code, mapping 2' })).toBeNull();
    await expectUnavailable(user, saveButton(), server, 'PUT /config');
  });

  it('imports a valid CSV file in place of the table, to be saved', async () => {
    const server = new FakeAdminServer({ config: savedConfig({ promoCodes: [{ match: 'exact', code: 'JANE20', partnerId: '111' }] }) });
    const { user } = await renderAdmin(server, 'Promo codes');

    const csv = 'match,code,partnerId,actionTrackerId,exclude\r\nexact,BOB10,222,,\r\nexact,STAFF,,,true\r\n';
    await user.upload(screen.getByLabelText('Import CSV'), new File([csv], 'codes.csv', { type: 'text/csv' }));

    await waitFor(() => expect(codeInput(1)).toHaveProperty('value', 'BOB10'));
    expect(codeInput(2)).toHaveProperty('value', 'STAFF');
    await user.click(saveButton());
    await waitFor(() => expect(server.requestsTo('PUT /config')).toHaveLength(1));
    expect(server.requestsTo('PUT /config')[0]?.body).toMatchObject({
      promoCodes: [
        { match: 'exact', code: 'BOB10', partnerId: '222' },
        { match: 'exact', code: 'STAFF', exclude: true },
      ],
    });
  });

  it('exports the table as CSV with the documented columns', async () => {
    const blobs: Blob[] = [];
    const createObjectURL = (blob: Blob) => {
      blobs.push(blob);
      return 'blob:promo';
    };
    Object.assign(URL, { createObjectURL, revokeObjectURL: () => {} });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const server = new FakeAdminServer({
      config: savedConfig({
        promoCodes: [
          { match: 'exact', code: 'JANE20', partnerId: '111' },
          { match: 'regex', code: '^POD,CAST', actionTrackerId: '555' },
        ],
      }),
    });
    const { user } = await renderAdmin(server, 'Promo codes');

    await user.click(screen.getByRole('button', { name: 'Export CSV' }));

    expect(click).toHaveBeenCalledTimes(1);
    expect(await blobs[0]?.text()).toBe('match,code,partnerId,actionTrackerId,exclude\r\nexact,JANE20,111,,false\r\nregex,"^POD,CAST",,555,false');
  });

  it('shows the problems the server found and keeps the edits', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    server.failNext('PUT /config', 400, {
      error: 'invalid configuration',
      problems: [{ path: 'promoCodes[0].partnerId', message: 'partner 4242 is not in this program' }],
    });
    const { user } = await renderAdmin(server, 'Promo codes');

    await user.click(screen.getByRole('button', { name: 'Add mapping' }));
    await user.type(codeInput(1), 'JANE20');
    await user.type(partnerInput(1), '4242');
    await user.click(saveButton());

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Not saved.');
    expect(alert.textContent).toContain('Partner id, mapping 1: partner 4242 is not in this program');
    expect(alert.textContent).not.toContain('promoCodes[');
    expect(partnerInput(1).getAttribute('aria-invalid')).toBe('true');
    expect(codeInput(1)).toHaveProperty('value', 'JANE20');
    expect(messages().textContent).toBe('');
  });

  it('deletes a mapping and moves focus to the one that took its place', async () => {
    const server = new FakeAdminServer({
      config: savedConfig({
        promoCodes: [
          { match: 'exact', code: 'JANE20', partnerId: '111' },
          { match: 'exact', code: 'BOB10', partnerId: '222' },
        ],
      }),
    });
    const { user } = await renderAdmin(server, 'Promo codes');

    await user.click(screen.getByRole('button', { name: 'Delete mapping 1' }));
    expect(codeInput(1)).toHaveProperty('value', 'BOB10');
    expect(document.activeElement).toBe(codeInput(1));

    await user.click(screen.getByRole('button', { name: 'Delete mapping 1' }));
    expect(screen.getByText(/No promo-code mappings yet/)).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Add mapping' }));

    await user.click(saveButton());
    await waitFor(() => expect(server.shop.config?.promoCodes).toEqual([]));
    expect(within(messages()).getByText('Promo codes saved.')).toBeTruthy();
  });
});
