/**
 * "Acme", a fourth platform written the way a plugin is: its receiver (identify, verify, interpret),
 * its normalizer, and a one-route app, on nothing but @cartrelay/core. Acme signs each delivery with
 * the app's secret as hex HMAC-SHA256 of the body in `X-Acme-Signature`, and names the shop, topic
 * and delivery in `X-Acme-Shop`, `X-Acme-Topic` and `X-Acme-Delivery`. Its order:
 * `{"id": "A-1", "number": "1001", "currency": "USD", "placed_at": "…", "landing_url": "/?irclickid=…",
 *   "lines": [{"id": "L1", "sku": "MUG", "name": "Mug", "quantity": 2, "price": "9.50"}]}`.
 */
import {
  type MinorUnits,
  type Order,
  type PayloadError,
  type Result,
  type StorePlugin,
  constantTimeEqual,
  createPlatformAdapter,
  currencyCode,
  decimalAmount,
  err,
  installShop,
  ok,
  parsePayload,
  pickHeaders,
  platformId,
  toMinorUnits,
  withAmountsInRange,
} from '@cartrelay/core';
import { createHmac } from 'node:crypto';
import express from 'express';
import { z } from 'zod';

const ORDER_TOPICS = ['order.paid'];

const AcmeOrderSchema = z.object({
  id: platformId,
  number: z.string().min(1),
  currency: currencyCode,
  placed_at: z.iso.datetime({ offset: true }),
  landing_url: z.string().nullable(),
  lines: z.array(z.object({ id: platformId, sku: z.string().nullable(), name: z.string(), quantity: z.number().int().positive(), price: decimalAmount })),
});

function normalizeAcmeOrder(payload: unknown): Result<Order, PayloadError> {
  const parsed = parsePayload(AcmeOrderSchema, payload);
  if (!parsed.ok) return parsed;
  const order = parsed.value;
  return withAmountsInRange(() => ({
    id: order.id,
    number: order.number,
    createdAt: order.placed_at,
    updatedAt: order.placed_at,
    currency: order.currency,
    paymentState: 'paid' as const,
    platformStatus: 'paid',
    test: false,
    lineItems: order.lines.map((line) => ({
      id: line.id,
      sku: line.sku,
      variantId: null,
      productId: null,
      name: line.name,
      quantity: line.quantity,
      subtotal: (toMinorUnits(line.price, order.currency) * line.quantity) as MinorUnits,
      discount: 0 as MinorUnits,
      giftCard: false,
      partOf: null,
    })),
    refunds: [],
    discountCodes: [],
    landingUrl: order.landing_url,
    attributes: [],
    capturedClickId: null,
    customer: { id: null, email: null, tags: [], returning: null },
    client: { ip: null, userAgent: null },
  }));
}

const acmeAdapter = createPlatformAdapter({
  platform: 'acme',
  orderTopics: ORDER_TOPICS,
  orderPayloadDescription: 'an Acme order',
  normalizeOrder: normalizeAcmeOrder,
  webhooks: {
    topics: ORDER_TOPICS,
    keptHeaders: (headers) => pickHeaders(headers, ['x-acme-topic', 'x-acme-shop', 'x-acme-delivery']),
    identify({ headers }) {
      const shopKey = headers['x-acme-shop'];
      const topic = headers['x-acme-topic'];
      const deliveryId = headers['x-acme-delivery'];
      if (!shopKey || !topic || !deliveryId) return err({ status: 400, reason: 'missing X-Acme-Shop, X-Acme-Topic or X-Acme-Delivery' });
      return ok({ kind: 'delivery', shopKey, topic, deliveryId });
    },
    signedWithAppSecret: () => true,
    verify({ headers, body }, { appSecret }) {
      const signature = headers['x-acme-signature'];
      if (!signature || !appSecret) return err({ status: 401, reason: 'missing X-Acme-Signature' });
      return constantTimeEqual(createHmac('sha256', appSecret).update(body).digest('hex'), signature) ? ok(true) : err({ status: 401, reason: 'invalid signature' });
    },
    interpret(topic, payload) {
      if (!ORDER_TOPICS.includes(topic)) return ok({ kind: 'ignored', reason: `topic ${topic} carries no order change` });
      const order = normalizeAcmeOrder(payload);
      return order.ok ? ok({ kind: 'order', order: order.value }) : order;
    },
    normalizeShopKey: (raw) => (/^[a-z0-9-]+$/.test(raw) ? ok(raw) : err(`"${raw}" is not an Acme shop name`)),
  },
});

export const acmePlugin: StorePlugin<{ ACME_APP_SECRET?: string | undefined }> = {
  platform: 'acme',
  adapter: acmeAdapter,
  env: z.object({ ACME_APP_SECRET: z.string().min(1).optional() }),
  async start(env, context) {
    // The one route of Acme's app: its install callback.
    const install = express.Router();
    install.post('/acme/install', async (req, res) => {
      const shop = String(req.query.shop ?? '');
      if (!/^[a-z0-9-]+$/.test(shop)) return void res.status(400).json({ error: 'shop must be an Acme shop name' });
      const installed = await installShop(context, { platform: 'acme', shopKey: shop });
      res.json({ shop: installed.shopKey, active: installed.active });
    });
    return { webhooks: acmeAdapter.webhooks, appSecret: env.ACME_APP_SECRET ?? null, app: { routers: [install] } };
  },
};

/** A delivery as Acme sends it, signed with the app's secret. */
export function acmeWebhookRequest(input: { shop: string; topic: string; delivery: string; body: string; secret: string }) {
  return {
    headers: {
      'content-type': 'application/json',
      'x-acme-shop': input.shop,
      'x-acme-topic': input.topic,
      'x-acme-delivery': input.delivery,
      'x-acme-signature': createHmac('sha256', input.secret).update(input.body).digest('hex'),
    },
    body: input.body,
  };
}
