import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { SHOPIFY_ORDER_TOPICS } from '../src/index.ts';

/** shopify.app.toml is what Shopify reads at `shopify app deploy`: it must ask for what the app handles. */
const toml = parse(readFileSync(new URL('../shopify.app.toml', import.meta.url), 'utf8')) as {
  application_url: string;
  embedded: boolean;
  access_scopes: { scopes: string; use_legacy_install_flow: boolean };
  auth: { redirect_urls: string[] };
  webhooks: { api_version: string; subscriptions: Array<{ topics?: string[]; compliance_topics?: string[]; uri: string }> };
};
const pixel = parse(readFileSync(new URL('../extensions/cartrelay-pixel/shopify.extension.toml', import.meta.url), 'utf8')) as {
  type: string;
  settings: { fields: Record<string, unknown> };
};

describe('shopify.app.toml', () => {
  const topics = toml.webhooks.subscriptions.flatMap((s) => s.topics ?? []);
  const compliance = toml.webhooks.subscriptions.flatMap((s) => s.compliance_topics ?? []);

  it('subscribes to the order, refund and uninstall topics, and the three mandatory compliance topics', () => {
    for (const topic of ['orders/create', 'orders/paid', 'orders/updated', 'orders/cancelled', 'refunds/create', 'app/uninstalled']) expect(topics).toContain(topic);
    expect(compliance.sort()).toEqual(['customers/data_request', 'customers/redact', 'shop/redact']);
    // Every subscribed order topic is one the receiver turns into an order.
    for (const topic of topics.filter((t) => t.startsWith('orders/'))) expect(SHOPIFY_ORDER_TOPICS).toContain(topic);
  });

  it('sends every webhook to the relay route and opens the embedded admin page', () => {
    for (const subscription of toml.webhooks.subscriptions) expect(new URL(subscription.uri).pathname).toBe('/webhooks/shopify');
    expect(new URL(toml.application_url).pathname).toBe('/shopify/app');
    expect(toml.auth.redirect_urls.map((url) => new URL(url).pathname)).toEqual(['/shopify/auth/callback']);
    expect(toml.embedded).toBe(true);
    expect(toml.access_scopes.use_legacy_install_flow).toBe(false);
    expect(toml.webhooks.api_version).toBe('2026-07');
  });

  it('asks for the scopes the app uses: orders, customers, and activating its pixel', () => {
    expect(toml.access_scopes.scopes.split(',').sort()).toEqual(['read_customer_events', 'read_customers', 'read_orders', 'write_pixels']);
  });

  it('declares the pixel settings the app sends with webPixelCreate', () => {
    expect(pixel.type).toBe('web_pixel_extension');
    expect(Object.keys(pixel.settings.fields).sort()).toEqual(['clickIdParam', 'collectUrl', 'referralWindowDays']);
  });
});
