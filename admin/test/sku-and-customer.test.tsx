import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeAdminServer, savedConfig } from './fake-platform.ts';
import { expectUnavailable, messages, renderAdmin } from './render.tsx';

describe('SKU rules page', () => {
  it('adds a category rule and an exclusion, changes the default category and saves them', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const { user } = await renderAdmin(server, 'SKU rules');
    expect(screen.getByText(/No SKU rules yet/)).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Add SKU rule' }));
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'SKU, SKU rule 1' }));
    await user.keyboard('SOCK-');
    await user.type(screen.getByRole('textbox', { name: 'Category, SKU rule 1' }), 'socks');
    await user.click(screen.getByRole('button', { name: 'Add SKU rule' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Match, SKU rule 2' }), 'exact');
    await user.type(screen.getByRole('textbox', { name: 'SKU, SKU rule 2' }), 'GIFT-CARD');
    await user.click(screen.getByRole('checkbox', { name: 'Exclude, SKU rule 2' }));
    await user.clear(screen.getByRole('textbox', { name: 'Default category' }));
    await user.type(screen.getByRole('textbox', { name: 'Default category' }), 'apparel');
    await user.click(screen.getByRole('button', { name: 'Save SKU rules' }));

    await waitFor(() => expect(messages().textContent).toBe('SKU rules saved.'));
    expect(server.requestsTo('PUT /config')[0]?.body).toMatchObject({
      defaultCategory: 'apparel',
      skus: [
        { match: 'prefix', sku: 'SOCK-', category: 'socks' },
        { match: 'exact', sku: 'GIFT-CARD', exclude: true },
      ],
    });
  });

  it('marks an invalid SKU regular expression and a rule without category, and disables saving', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const { user } = await renderAdmin(server, 'SKU rules');

    await user.click(screen.getByRole('button', { name: 'Add SKU rule' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Match, SKU rule 1' }), 'regex');
    await user.type(screen.getByRole('textbox', { name: 'SKU, SKU rule 1' }), '[[A-');
    // Nothing is marked while the rule is first filled in; pressing the unavailable Save marks it all.
    expect(screen.queryByText('give a category, or mark the SKU excluded')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Save SKU rules' }));

    expect(screen.getByRole('textbox', { name: 'SKU, SKU rule 1' }).getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(/^invalid regular expression: /)).toBeTruthy();
    expect(screen.getByText('give a category, or mark the SKU excluded')).toBeTruthy();
    await expectUnavailable(user, screen.getByRole('button', { name: 'Save SKU rules' }), server, 'PUT /config');
  });
});

describe('Customer status page', () => {
  it('saves the new and returning values and a tag rule', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const { user } = await renderAdmin(server, 'Customer status');

    expect(screen.getByRole('textbox', { name: 'New customers' })).toHaveProperty('value', 'New');
    expect(screen.getByText('No tag rules yet.')).toBeTruthy();
    await user.clear(screen.getByRole('textbox', { name: 'Returning customers' }));
    await user.type(screen.getByRole('textbox', { name: 'Returning customers' }), 'Existing');
    await user.click(screen.getByRole('button', { name: 'Add tag rule' }));
    await user.keyboard('VIP');
    await user.type(screen.getByRole('textbox', { name: 'Status sent, tag rule 1' }), 'Vip');
    await user.click(screen.getByRole('button', { name: 'Save customer status' }));

    await waitFor(() => expect(messages().textContent).toBe('Customer status saved.'));
    expect(server.requestsTo('PUT /config')[0]?.body).toMatchObject({
      customerStatus: { new: 'New', returning: 'Existing', rules: [{ tag: 'VIP', status: 'Vip' }] },
    });
  });

  it('needs both a tag and a status in a tag rule', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const { user } = await renderAdmin(server, 'Customer status');

    await user.click(screen.getByRole('button', { name: 'Add tag rule' }));
    await user.keyboard('VIP');
    const status = screen.getByRole('textbox', { name: 'Status sent, tag rule 1' });
    expect(status.getAttribute('aria-invalid')).toBeNull();
    await user.click(status);
    await user.tab();
    expect(status.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('must not be empty')).toBeTruthy();
    await expectUnavailable(user, screen.getByRole('button', { name: 'Save customer status' }), server, 'PUT /config');
  });

  it('sends the shopper’s IP address and user agent only once turned on, saved with the rest, and says they are personal data', async () => {
    const server = new FakeAdminServer({ config: savedConfig() });
    const { user } = await renderAdmin(server, 'Customer status');

    const ip = screen.getByRole('checkbox', { name: 'Send the shopper’s IP address' });
    const agent = screen.getByRole('checkbox', { name: 'Send the shopper’s browser (user agent)' });
    expect(ip).toHaveProperty('checked', false);
    expect(agent).toHaveProperty('checked', false);
    for (const box of [ip, agent]) {
      const hint = document.getElementById(box.getAttribute('aria-describedby') ?? '')?.textContent;
      expect(hint).toMatch(/fraud checks/);
      expect(hint).toMatch(/device matching/);
      expect(hint).toMatch(/personal data/);
    }

    await user.click(ip);
    await user.click(screen.getByRole('button', { name: 'Save customer status' }));
    await waitFor(() => expect(messages().textContent).toBe('Customer status saved.'));
    expect(server.requestsTo('PUT /config')[0]?.body).toMatchObject({ sendIpAddress: true, sendUserAgent: false, customerStatus: { new: 'New' } });
    expect(server.shop.config).toMatchObject({ sendIpAddress: true, sendUserAgent: false });

    await user.click(screen.getByRole('checkbox', { name: 'Send the shopper’s IP address' }));
    await user.click(screen.getByRole('checkbox', { name: 'Send the shopper’s browser (user agent)' }));
    await user.click(screen.getByRole('button', { name: 'Save customer status' }));
    await waitFor(() => expect(server.shop.config).toMatchObject({ sendIpAddress: false, sendUserAgent: true }));
  });

  it('shows the switches as saved', async () => {
    const server = new FakeAdminServer({ config: savedConfig({ sendUserAgent: true }) });
    await renderAdmin(server, 'Customer status');
    expect(screen.getByRole('checkbox', { name: 'Send the shopper’s IP address' })).toHaveProperty('checked', false);
    expect(screen.getByRole('checkbox', { name: 'Send the shopper’s browser (user agent)' })).toHaveProperty('checked', true);
  });
});
