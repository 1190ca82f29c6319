import { readFileSync } from 'node:fs';
import { readJsonFixture } from '@cartrelay/core/testing';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SHOPIFY_ORDER_TOPICS, shopifyWebhooks } from '../src/index.ts';
import { ShopifyOrderSchema, ShopifyRefundSchema } from '../src/order-payload.ts';

/** shopify.app.toml is what Shopify reads at `shopify app deploy`: it must ask for what the app handles. */
const tomlText = readFileSync(new URL('../shopify.app.toml', import.meta.url), 'utf8');
const toml = parse(tomlText) as {
  application_url: string;
  embedded: boolean;
  build: Record<string, unknown>;
  access_scopes: { scopes: string; use_legacy_install_flow: boolean };
  auth: { redirect_urls: string[] };
  webhooks: {
    api_version: string;
    subscriptions: Array<{ topics?: string[]; compliance_topics?: string[]; uri: string; include_fields?: string[] }>;
  };
};
const pixel = parse(readFileSync(new URL('../extensions/cartrelay-pixel/shopify.extension.toml', import.meta.url), 'utf8')) as {
  type: string;
  settings: { fields: Record<string, unknown> };
};
const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

const ORDER_WEBHOOK_TOPICS = ['orders/create', 'orders/paid', 'orders/updated', 'orders/cancelled'];

/**
 * The dotted field paths a payload schema reads, as `include_fields` names them: objects give their
 * keys, arrays their element's paths (Shopify's `line_items.sku` is the sku of every line), and
 * optional, nullable and transformed fields the paths of what they wrap.
 */
function schemaFieldPaths(schema: z.ZodType, prefix = ''): string[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) {
    return schemaFieldPaths(schema.unwrap() as z.ZodType, prefix);
  }
  if (schema instanceof z.ZodPipe) return schemaFieldPaths(schema.in as z.ZodType, prefix);
  if (schema instanceof z.ZodArray) return schemaFieldPaths(schema.element as z.ZodType, prefix);
  if (schema instanceof z.ZodObject) {
    return Object.entries(schema.shape).flatMap(([key, field]) => schemaFieldPaths(field as z.ZodType, prefix ? `${prefix}.${key}` : key));
  }
  if (!prefix) throw new Error('a payload schema must be an object');
  return [prefix];
}

type Tree = { [key: string]: Tree | true };

/** What Shopify delivers with `include_fields`: only the named paths, through arrays, nothing else. */
function keepOnly(payload: unknown, fields: readonly string[]): unknown {
  const tree: Tree = {};
  for (const path of fields) {
    const keys = path.split('.');
    const last = keys.pop()!;
    let node = tree;
    for (const key of keys) {
      const child = node[key];
      const next: Tree = child === undefined || child === true ? {} : child;
      node[key] = next;
      node = next;
    }
    node[last] = true;
  }
  const pick = (value: unknown, node: Tree): unknown => {
    if (Array.isArray(value)) return value.map((element) => pick(element, node));
    if (value === null || typeof value !== 'object') return value;
    const source = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(node)
        .filter(([key]) => key in source)
        .map(([key, child]) => [key, child === true ? source[key] : pick(source[key], child)]),
    );
  };
  return pick(payload, tree);
}

const sorted = (list: readonly string[]) => [...list].sort();
const subscriptionFor = (topic: string) => toml.webhooks.subscriptions.find((s) => s.topics?.includes(topic));

describe('shopify.app.toml', () => {
  const topics = toml.webhooks.subscriptions.flatMap((s) => s.topics ?? []);
  const compliance = toml.webhooks.subscriptions.flatMap((s) => s.compliance_topics ?? []);
  const scopes = toml.access_scopes.scopes.split(',');

  it('subscribes to the order, refund, app lifecycle topics, and the three mandatory compliance topics', () => {
    for (const topic of [...ORDER_WEBHOOK_TOPICS, 'refunds/create', 'app/uninstalled', 'app/scopes_update']) expect(topics).toContain(topic);
    expect(compliance.sort()).toEqual(['customers/data_request', 'customers/redact', 'shop/redact']);
    // Every subscribed order topic is one the receiver turns into an order.
    for (const topic of topics.filter((t) => t.startsWith('orders/'))) expect(SHOPIFY_ORDER_TOPICS).toContain(topic);
    // Each topic once: a second subscription would deliver every event twice.
    expect(new Set(topics).size).toBe(topics.length);
  });

  it('sends every webhook to the relay route and opens the embedded admin page', () => {
    for (const subscription of toml.webhooks.subscriptions) expect(new URL(subscription.uri).pathname).toBe('/webhooks/shopify');
    expect(new URL(toml.application_url).pathname).toBe('/shopify/app');
    expect(toml.auth.redirect_urls.map((url) => new URL(url).pathname)).toEqual(['/shopify/auth/callback']);
    expect(toml.embedded).toBe(true);
    expect(toml.access_scopes.use_legacy_install_flow).toBe(false);
    expect(toml.webhooks.api_version).toBe('2026-07');
  });

  it('has no include_config_on_deploy: the Shopify CLI no longer supports it and always deploys the configuration', () => {
    expect(toml.build).not.toHaveProperty('include_config_on_deploy');
  });

  it('asks for the scopes the app uses: orders, the order customer id, and activating its pixel', () => {
    expect(sorted(scopes)).toEqual(['read_customer_events', 'read_orders', 'write_pixels']);
  });

  it('gives every scope its reason in a comment, and the README table lists the same scopes', () => {
    // The comments of [access_scopes] are the source of truth: "# <scope>: <reason>".
    const section = tomlText.slice(tomlText.indexOf('[access_scopes]'), tomlText.indexOf('\n[', tomlText.indexOf('[access_scopes]') + 1));
    const reasons = new Map([...section.matchAll(/^# ([a-z_]+): (.+)$/gm)].map((m) => [m[1]!, m[2]!.trim()]));
    expect(sorted([...reasons.keys()])).toEqual(sorted(scopes));
    for (const scope of scopes) expect(reasons.get(scope)?.length ?? 0).toBeGreaterThan(20);

    const start = readme.indexOf('### Scopes and protected customer data');
    expect(start).toBeGreaterThan(0);
    const table = readme.slice(start, readme.indexOf('\n### ', start + 1));
    const rows = [...table.matchAll(/^\| `([a-z_]+)` \| (.+) \|$/gm)].map((m) => m[1]!);
    expect(sorted(rows)).toEqual(sorted(scopes));
  });

  it('declares the pixel settings the app sends with webPixelCreate', () => {
    expect(pixel.type).toBe('web_pixel_extension');
    expect(Object.keys(pixel.settings.fields).sort()).toEqual(['clickIdParam', 'collectUrl', 'referralWindowDays']);
  });
});

describe('include_fields: only the customer data the app reads', () => {
  const orderPaths = schemaFieldPaths(ShopifyOrderSchema);
  const refundPaths = schemaFieldPaths(ShopifyRefundSchema);
  const orderFields = subscriptionFor('orders/paid')?.include_fields ?? [];
  const refundFields = subscriptionFor('refunds/create')?.include_fields ?? [];

  it('derives the paths from the payload schemas, nested ones with dots', () => {
    // A sample, to show the walk reads what it should; the lists below are compared whole.
    expect(orderPaths).toEqual(expect.arrayContaining(['id', 'line_items.sku', 'line_items.price_set.shop_money.amount', 'refunds.refund_line_items.quantity', 'customer.id', 'client_details.user_agent']));
    expect(refundPaths).toEqual(['id', 'order_id', 'refund_line_items.line_item_id', 'refund_line_items.quantity']);
  });

  it('gives the four order topics one list: exactly the paths the order schema reads', () => {
    for (const topic of ORDER_WEBHOOK_TOPICS) expect(subscriptionFor(topic)?.include_fields).toEqual(orderFields);
    expect(sorted(orderFields)).toEqual(sorted(orderPaths));
    expect(new Set(orderFields).size).toBe(orderFields.length);
  });

  it('keeps updated_at, so Shopify never drops an order change as a duplicate of the delivery before', () => {
    expect(orderFields).toContain('updated_at');
  });

  it('gives refunds/create exactly the paths the refund schema reads', () => {
    expect(sorted(refundFields)).toEqual(sorted(refundPaths));
  });

  it('asks for no name, address or phone, the protected fields the app has no use for', () => {
    for (const path of [...orderFields, ...refundFields]) expect(path).not.toMatch(/first_name|last_name|address|phone|company/);
  });

  it('leaves the app lifecycle and compliance payloads whole', () => {
    for (const subscription of toml.webhooks.subscriptions) {
      const orderOrRefund = subscription.topics?.some((topic) => topic.startsWith('orders/') || topic === 'refunds/create');
      if (!orderOrRefund) expect(subscription).not.toHaveProperty('include_fields');
    }
  });

  describe('a payload cut down to include_fields maps as the whole one does', () => {
    const examplePaid = readJsonFixture(new URL('../../../examples/payloads/shopify-orders-paid.json', import.meta.url));
    const documented = readJsonFixture(new URL('./fixtures/orders-create.json', import.meta.url));
    const refund = readJsonFixture(new URL('./fixtures/refunds-create.json', import.meta.url));
    const vat = (amount: string) => [
      { title: 'VAT', rate: 0.2, price: amount, price_set: { shop_money: { amount, currency_code: 'USD' }, presentment_money: { amount, currency_code: 'USD' } } },
    ];
    // The example order with what the samples lack: taxes included, a line edited away, a refund, tags and a customer history.
    const rich = {
      ...examplePaid,
      taxes_included: true,
      line_items: examplePaid.line_items.map((line: Record<string, unknown>, index: number) =>
        index === 0 ? { ...line, tax_lines: vat('11.67') } : index === 1 ? { ...line, tax_lines: vat('3.33'), current_quantity: 0 } : line,
      ),
      tags: 'wholesale, vip',
      refunds: [{ ...refund, refund_line_items: [{ ...refund.refund_line_items[0], line_item_id: examplePaid.line_items[0].id }] }],
      customer: { ...examplePaid.customer, tags: 'returning', orders_count: 3 },
    };

    it.each([
      ['the bundled orders/paid example', examplePaid],
      ["Shopify's documented orders/create sample", documented],
      ['an order with taxes included, an edited line, a refund and customer tags', rich],
    ])('%s', (_name, payload) => {
      const whole = shopifyWebhooks.interpret('orders/paid', payload);
      const cut = shopifyWebhooks.interpret('orders/paid', keepOnly(payload, orderFields));
      expect(whole.ok).toBe(true);
      expect(cut).toEqual(whole);
      // And the cut payload holds nothing of the customer's name, addresses or phone.
      const text = JSON.stringify(keepOnly(payload, orderFields));
      for (const key of ['first_name', 'last_name', 'billing_address', 'shipping_address', 'default_address', 'phone']) expect(text).not.toContain(`"${key}"`);
    });

    it('the refunds/create sample', () => {
      const whole = shopifyWebhooks.interpret('refunds/create', refund);
      expect(whole.ok && whole.value.kind).toBe('refund');
      expect(shopifyWebhooks.interpret('refunds/create', keepOnly(refund, refundFields))).toEqual(whole);
    });
  });
});
