// @vitest-environment jsdom
import { AdminApp, type PageLink } from '@cartrelay/admin';
import { type AdminHome, type AdminPeriodStats, type AdminShop, parseTrackingConfig } from '@cartrelay/core/admin-contract';
import { act, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SHOPIFY_ADMIN_BASE_PATH, shopifyPlatform } from './shopify-platform.ts';
import { type AppBridgeForShell, ShopifyHeader, ShopifySaveBar, shopifyShell } from './shopify-shell.tsx';

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean;
}

/**
 * App Bridge's script defines `ui-save-bar` (and draws the bar in Shopify's admin, outside the app's
 * frame). The stand-in keeps what the app relies on: show() and hide(), and whether it is showing.
 */
class SaveBarStandIn extends HTMLElement {
  showing = false;
  async show() {
    this.showing = true;
  }
  async hide() {
    this.showing = false;
  }
}

/** A `shopify` global recording toasts and leave confirmations; `leave` answers the pending one. */
function fakeShopify(options: { leaveConfirmation?: boolean } = {}) {
  const toasts: Array<{ message: string; isError: boolean | undefined }> = [];
  const confirmations: Array<() => void> = [];
  const shopify = {
    toast: {
      show: (message: string, opts?: { isError?: boolean }) => {
        toasts.push({ message, isError: opts?.isError });
        return `toast-${toasts.length}`;
      },
      hide: () => {},
    },
    saveBar: {
      show: async () => {},
      hide: async () => {},
      toggle: async () => {},
      ...(options.leaveConfirmation !== false && {
        leaveConfirmation: () => new Promise<void>((resolve) => void confirmations.push(resolve)),
      }),
    },
  } as unknown as AppBridgeForShell;
  return { shopify, toasts, confirmations };
}

let root: Root | null = null;
let container: HTMLElement;

async function mount(node: ReactNode) {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  await act(async () => root?.render(node));
}

beforeAll(() => {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true;
  customElements.define('ui-save-bar', SaveBarStandIn);
});

afterEach(async () => {
  await act(async () => root?.unmount());
  root = null;
  container.remove();
  window.history.replaceState(null, '', '/');
});

const links: PageLink[] = [
  { id: 'connection', label: 'Connection', path: '/shopify/app', href: '/shopify/app?shop=s' },
  { id: 'promo-codes', label: 'Promo codes', path: '/shopify/app/promo-codes', href: '/shopify/app/promo-codes?shop=s' },
];

const saveBar = () => container.querySelector<SaveBarStandIn & HTMLElement>('ui-save-bar');

/** What App Bridge does when the merchant picks an item of the app's menu in the admin. */
function pickMenuItem(label: string) {
  const link = [...container.querySelectorAll('ui-nav-menu a')].find((a) => a.textContent === label);
  if (!link) throw new Error(`no menu item ${label}`);
  link.dispatchEvent(new CustomEvent('shopify:navigate', { bubbles: true }));
}

/** Types into a React-controlled field as a merchant would. */
function type(input: HTMLInputElement, value: string) {
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(input, value);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('ShopifyHeader', () => {
  it('is App Bridge’s title bar naming the page and its navigation menu of the pages’ paths, home first, without a heading', async () => {
    await mount(<ShopifyHeader links={links} current="promo-codes" navigate={() => {}} platformLabel="Shopify" shopKey="s.myshopify.com" />);

    expect(container.querySelector('ui-title-bar')?.getAttribute('title')).toBe('Promo codes');
    const anchors = [...container.querySelectorAll('ui-nav-menu > a')];
    expect(anchors.map((a) => [a.getAttribute('href'), a.getAttribute('rel'), a.textContent])).toEqual([
      ['/shopify/app', 'home', 'Connection'],
      ['/shopify/app/promo-codes', null, 'Promo codes'],
    ]);
    expect(container.querySelector('h1')).toBeNull();
  });

  it('routes to the href of the link a shopify:navigate event comes from, until unmounted', async () => {
    const navigate = vi.fn();
    await mount(<ShopifyHeader links={links} current="connection" navigate={navigate} platformLabel="Shopify" shopKey={null} />);

    pickMenuItem('Promo codes');
    expect(navigate).toHaveBeenCalledWith('/shopify/app/promo-codes');
    await act(async () => root?.unmount());
    root = null;
    document.dispatchEvent(new CustomEvent('shopify:navigate'));
    expect(navigate).toHaveBeenCalledTimes(1);
  });
});

describe('ShopifySaveBar', () => {
  const props = { id: 'save-sku-rules', saveLabel: 'Save SKU rules', canSave: true, status: 'Unsaved changes.' };

  it('shows App Bridge’s save bar while there are edits, with Save (primary) and Discard', async () => {
    const onSave = vi.fn();
    const onDiscard = vi.fn();
    await mount(<ShopifySaveBar {...props} dirty={false} saving={false} onSave={onSave} onDiscard={onDiscard} />);
    expect(saveBar()?.id).toBe('save-sku-rules');
    expect(saveBar()?.showing).toBe(false);

    await act(async () => root?.render(<ShopifySaveBar {...props} dirty saving={false} onSave={onSave} onDiscard={onDiscard} />));
    expect(saveBar()?.showing).toBe(true);
    const [save, discard] = [...(saveBar()?.querySelectorAll('button') ?? [])];
    expect(save?.getAttribute('variant')).toBe('primary');
    expect(discard?.hasAttribute('variant')).toBe(false);
    save?.click();
    discard?.click();
    expect(onSave).toHaveBeenCalledTimes(1);
    expect(onDiscard).toHaveBeenCalledTimes(1);

    await act(async () => root?.render(<ShopifySaveBar {...props} dirty saving onSave={onSave} onDiscard={onDiscard} />));
    expect(save?.getAttribute('loading')).toBe('');
    expect(discard?.disabled).toBe(true);

    await act(async () => root?.unmount());
    root = null;
    expect(saveBar()).toBeNull();
  });
});

describe('shopifyShell', () => {
  it('shows toasts with App Bridge, errors as errors, and asks App Bridge’s leave confirmation', async () => {
    const { shopify, toasts, confirmations } = fakeShopify();
    const shell = shopifyShell(shopify);

    shell.toast?.('Promo codes saved.', { isError: false });
    shell.toast?.('Not saved: internal error', { isError: true });
    expect(toasts).toEqual([
      { message: 'Promo codes saved.', isError: false },
      { message: 'Not saved: internal error', isError: true },
    ]);
    const leaving = shell.confirmLeave?.();
    expect(confirmations).toHaveLength(1);
    confirmations[0]?.();
    await expect(leaving).resolves.toBeUndefined();
  });

  it('asks nothing when App Bridge has no leave confirmation: the pages keep their edits then', () => {
    const { shopify } = fakeShopify({ leaveConfirmation: false });
    expect(shopifyShell(shopify).confirmLeave).toBeUndefined();
  });
});

describe('The admin page in the Shopify shell', () => {
  it('draws Home with Polaris-looking cards, banners and badges, keeping their roles and names', async () => {
    window.history.replaceState(null, '', `${SHOPIFY_ADMIN_BASE_PATH}?embedded=1&shop=demo-store.myshopify.com`);
    const { platform } = shopifyAdmin();
    await mount(<AdminApp platform={platform} />);
    await vi.waitFor(() => expect(container.querySelector('.sp-banner')).not.toBeNull());

    expect(container.querySelector('.cartrelay-admin')?.classList.contains('shopify-look')).toBe(true);
    const banner = container.querySelector('.sp-banner');
    expect(banner?.classList.contains('sp-banner-critical')).toBe(true);
    expect(banner?.getAttribute('role')).toBe('alert');
    expect(banner?.textContent).toContain('impact.com answered 401 Unauthorized.');
    // Each card is a region named by its heading, as the neutral card is.
    const cards = [...container.querySelectorAll<HTMLElement>('section.sp-card')];
    expect(cards.map((card) => document.getElementById(card.getAttribute('aria-labelledby') ?? '')?.textContent)).toEqual([
      'Set up CartRelay',
      'Health',
      'Orders and conversions',
      'Attribution per day',
    ]);
    expect([...container.querySelectorAll('.sp-badge')].map((badge) => [badge.className, badge.textContent])).toContainEqual([
      'sp-badge sp-badge-success',
      'Active',
    ]);
    expect(container.querySelector('.badge')).toBeNull();
  });


  function shopifyAdmin() {
    const parsed = parseTrackingConfig({ version: 1, program: { campaignId: '12345', actionTrackerId: '67890' } });
    if (!parsed.ok) throw new Error('bad test config');
    let shop: AdminShop = {
      platform: 'shopify',
      shopKey: 'demo-store.myshopify.com',
      active: true,
      connection: { accountSid: 'IRabc123456', authTokenSet: true },
      config: parsed.value,
    };
    const puts: unknown[] = [];
    const period = (days: 7 | 30): AdminPeriodStats => ({
      days,
      orders: 10,
      conversionsSent: 8,
      accepted: 8,
      failing: 0,
      attributed: { clickId: 6, clickIdBySource: { landing_url: 4, storefront: 2, customer_journey: 0 }, code: 2, none: 2 },
    });
    const home: AdminHome = {
      checklist: { connected: true, programSet: true, attributionReady: false, testActionSeen: false },
      lastWebhook: { topic: 'orders/paid', receivedAt: '2026-11-23T22:00:00.000Z' },
      clickCapture: { label: 'Shopify pixel', active: true, detail: 'Connected.' },
      periods: [period(7), period(30)],
      daily: [{ date: '2026-11-23', clickId: 6, code: 2, none: 2 }],
      alerts: [{ kind: 'impact_rejected', message: 'impact.com answered 401 Unauthorized.', since: '2026-11-23T21:00:00.000Z' }],
    };
    const fetchAdmin = async (url: string | URL | Request, init?: RequestInit) => {
      if (String(url) === '/api/admin/home') return new Response(JSON.stringify(home), { status: 200, headers: { 'Content-Type': 'application/json' } });
      if (String(url) === '/api/admin/config' && init?.method === 'PUT') {
        const body = JSON.parse(String(init.body));
        puts.push(body);
        const saved = parseTrackingConfig(body);
        if (!saved.ok) return new Response(JSON.stringify({ error: 'invalid configuration', problems: saved.error }), { status: 400 });
        shop = { ...shop, config: saved.value };
      }
      return new Response(JSON.stringify(shop), { status: 200, headers: { 'Content-Type': 'application/json' } });
    };
    const fake = fakeShopify();
    const platform = { ...shopifyPlatform(async () => 'session-token', fetchAdmin as typeof fetch), shell: shopifyShell(fake.shopify) };
    return { platform, puts, ...fake };
  }

  it('routes from the menu, saves and discards with the save bar, toasts the outcome and confirms leaving with unsaved edits', async () => {
    window.history.replaceState(null, '', `${SHOPIFY_ADMIN_BASE_PATH}?embedded=1&shop=demo-store.myshopify.com&host=YWRtaW4`);
    const { platform, puts, toasts, confirmations } = shopifyAdmin();
    await mount(<AdminApp platform={platform} />);
    await vi.waitFor(() => expect(container.querySelector('#home-heading')).not.toBeNull());
    expect(container.querySelector('h1')).toBeNull();
    expect(container.querySelector('nav')).toBeNull();

    await act(async () => pickMenuItem('SKU rules'));
    expect(`${window.location.pathname}${window.location.search}`).toBe('/shopify/app/sku-rules?embedded=1&shop=demo-store.myshopify.com&host=YWRtaW4');
    expect(container.querySelector('ui-title-bar')?.getAttribute('title')).toBe('SKU rules');
    expect(saveBar()?.showing).toBe(false);
    // The inline Save button gives way to App Bridge's save bar.
    expect([...container.querySelectorAll('button')].some((button) => button.textContent === 'Save SKU rules')).toBe(false);

    const defaultCategory = [...container.querySelectorAll<HTMLInputElement>('#page-sku-rules input')].find((input) => input.value === 'general');
    expect(defaultCategory).toBeDefined();
    await act(async () => type(defaultCategory!, 'apparel'));
    expect(saveBar()?.showing).toBe(true);

    const [save, discard] = [...(saveBar()?.querySelectorAll('button') ?? [])];
    await act(async () => discard?.click());
    expect(defaultCategory?.value).toBe('general');
    expect(saveBar()?.showing).toBe(false);

    await act(async () => type(defaultCategory!, 'apparel'));
    await act(async () => save?.click());
    await vi.waitFor(() => expect(toasts).toEqual([{ message: 'SKU rules saved.', isError: false }]));
    expect(puts).toHaveLength(1);
    expect(saveBar()?.showing).toBe(false);
    expect(container.querySelector('[role="status"][aria-label="Messages"]')?.textContent).toBe('');

    // Unsaved edits: the menu asks App Bridge first, and the page goes (its edits discarded) once the merchant agrees.
    await act(async () => type(defaultCategory!, 'socks'));
    await act(async () => pickMenuItem('Promo codes'));
    expect(confirmations).toHaveLength(1);
    expect(window.location.pathname).toBe('/shopify/app/sku-rules');
    await act(async () => confirmations[0]?.());
    expect(window.location.pathname).toBe('/shopify/app/promo-codes');
    expect(container.querySelector('ui-title-bar')?.getAttribute('title')).toBe('Promo codes');
    expect(defaultCategory?.value).toBe('apparel');
    expect(puts).toHaveLength(1);
  });
});
