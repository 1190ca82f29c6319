import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { readCredentials } from '@cartrelay/core';
import { bigcommerceWebhookRequest } from '@cartrelay/bigcommerce/testing';
import { shopifyWebhookRequest } from '@cartrelay/shopify/testing';
import { WooCommerceCredentialsSchema } from '@cartrelay/woocommerce';
import { woocommerceWebhookRequest } from '@cartrelay/woocommerce/testing';
import { parseEnv } from '../env.ts';
import { type Io, UsageError } from '../io.ts';
import { parseOptions } from '../options.ts';
import { platformAdapter } from '../platforms.ts';
import { openRuntime } from '../runtime.ts';
import { resolveShop } from './shops.ts';

export const SEND_SAMPLE_USAGE =
  'usage: cartrelay send-sample --platform <shopify|woocommerce|bigcommerce> --shop <shop> [--topic <webhook topic>] [--file <payload.json>] [--url <relay URL>] [--secret <signing secret>]';

/** The Shopify app secret `cartrelay dev` signs with when SHOPIFY_API_SECRET is not set. */
export const DEV_SHOPIFY_API_SECRET = 'cartrelay-dev-shopify-api-secret';

const examples = (path: string) => fileURLToPath(new URL(`../../../examples/${path}`, import.meta.url));

/** Each platform's sample (examples/payloads) and the topic it is sent as by default. */
const SAMPLES: Readonly<Record<string, { readonly topic: string; readonly file: string }>> = {
  shopify: { topic: 'orders/paid', file: 'payloads/shopify-orders-paid.json' },
  woocommerce: { topic: 'order.created', file: 'payloads/woocommerce-order-created.json' },
  bigcommerce: { topic: 'store/order/statusUpdated', file: 'payloads/bigcommerce-order-bundle.json' },
};

/**
 * Signs a sample order webhook for a shop as its platform would, and posts it to a running relay
 * (`cartrelay dev`, or `serve`): Shopify with the app secret (SHOPIFY_API_SECRET, or dev's), WooCommerce
 * with the shop's webhook secret as stored, BigCommerce with BIGCOMMERCE_CLIENT_SECRET (the relay then
 * fetches the order from BigCommerce's API). `--secret` signs with another.
 */
export async function sendSampleCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseOptions(
    args,
    { platform: { type: 'string', required: true }, shop: { type: 'string', required: true }, topic: { type: 'string' }, file: { type: 'string' }, url: { type: 'string' }, secret: { type: 'string' } },
    SEND_SAMPLE_USAGE,
  );
  const adapter = platformAdapter(values.platform);
  const sample = SAMPLES[adapter.platform];
  if (!sample) throw new UsageError(`no sample for ${adapter.platform}; expected one of ${Object.keys(SAMPLES).join(', ')}`);
  const env = parseEnv(io.env);
  const relay = (values.url ?? `http://127.0.0.1:${env.PORT}`).replace(/\/+$/, '');
  const topic = values.topic ?? sample.topic;
  const shopKey = adapter.webhooks.normalizeShopKey(values.shop);
  if (!shopKey.ok) throw new UsageError(`--shop: ${shopKey.error}`);
  let body: string;
  try {
    body = await readFile(values.file ?? examples(sample.file), 'utf8');
  } catch (error) {
    throw new UsageError(`${values.file ?? sample.file}: cannot read: ${(error as Error).message}`);
  }

  let request: { headers: Record<string, string>; body: string };
  if (adapter.platform === 'shopify') {
    request = shopifyWebhookRequest({ shop: shopKey.value, topic, body, apiSecret: values.secret ?? io.env.SHOPIFY_API_SECRET ?? DEV_SHOPIFY_API_SECRET, eventId: randomUUID() });
  } else if (adapter.platform === 'woocommerce') {
    request = woocommerceWebhookRequest({ site: shopKey.value, topic, body, secret: values.secret ?? (await storedWebhookSecret(io, values.shop)) });
  } else {
    const clientSecret = values.secret ?? io.env.BIGCOMMERCE_CLIENT_SECRET;
    if (!clientSecret) throw new UsageError('BigCommerce signs with the app’s client secret: set BIGCOMMERCE_CLIENT_SECRET or give --secret');
    const orderId = Number((JSON.parse(body) as { order?: { id?: unknown } }).order?.id);
    if (!Number.isInteger(orderId)) throw new UsageError('the BigCommerce sample names no order.id');
    request = bigcommerceWebhookRequest({ storeHash: shopKey.value, scope: topic, orderId, auth: { clientSecret } });
  }

  const target = `${relay}/webhooks/${adapter.platform}`;
  let response: Response;
  try {
    response = await fetch(target, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    io.stderr(`cartrelay send-sample: ${target} did not answer (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}): is the relay running (cartrelay dev)?\n`);
    return 1;
  }
  const answer = (await response.json().catch(() => ({}))) as { outcome?: string; error?: string };
  io.stdout(`POST ${target} ${topic} → ${response.status} ${answer.outcome ?? answer.error ?? ''}\n`);
  return response.ok ? 0 : 1;
}

/** The WooCommerce shop's webhook secret, as `shops add` or the connect flow stored it. */
async function storedWebhookSecret(io: Io, shop: string): Promise<string> {
  const runtime = await openRuntime(parseEnv(io.env), (line) => io.stderr(`${line}\n`));
  try {
    const row = await resolveShop(runtime, shop, 'woocommerce');
    const credentials = readCredentials(WooCommerceCredentialsSchema, (await runtime.shops.get(row.id))?.credentials ?? null);
    if (!credentials) throw new UsageError(`woocommerce shop ${row.shopKey} holds no webhook secret: give --secret`);
    return credentials.webhookSecret;
  } finally {
    await runtime.close();
  }
}
