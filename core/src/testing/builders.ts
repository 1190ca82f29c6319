import { randomBytes } from 'node:crypto';
import { type TrackingConfig, parseTrackingConfig } from '../config/tracking-config.ts';
import { type SecretBox, createSecretBox } from '../crypto/secret-box.ts';
import type { CurrencyCode } from '../money/currency.ts';
import type { MinorUnits } from '../money/minor-units.ts';
import type { LineItem, Order } from '../order/order.ts';

/** Test builders: a valid order, line and config, each overridable field by field. */

export function aLine(overrides: Partial<LineItem> = {}): LineItem {
  return {
    id: '1',
    sku: 'SKU-1',
    variantId: null,
    productId: null,
    name: 'Item',
    quantity: 1,
    subtotal: 1000 as MinorUnits,
    discount: 0 as MinorUnits,
    giftCard: false,
    partOf: null,
    ...overrides,
  };
}

export function anOrder(overrides: Partial<Omit<Order, 'customer' | 'client'>> & {
  customer?: Partial<Order['customer']>;
  client?: Partial<Order['client']>;
} = {}): Order {
  const { customer, client, ...rest } = overrides;
  return {
    id: '1001',
    number: '1001',
    createdAt: '2026-03-01T10:00:00Z',
    updatedAt: null,
    currency: 'USD' as CurrencyCode,
    paymentState: 'paid',
    platformStatus: 'status=paid',
    test: false,
    lineItems: [aLine()],
    refunds: [],
    discountCodes: [],
    landingUrl: '/?irclickid=CLICK123',
    attributes: [],
    capturedClickId: null,
    ...rest,
    customer: { id: null, email: null, tags: [], returning: null, ...customer },
    client: { ip: null, userAgent: null, ...client },
  };
}

/** A config from the minimal valid JSON plus overrides, through the real parser (so defaults apply). */
export function aConfig(overrides: Record<string, unknown> = {}): TrackingConfig {
  const parsed = parseTrackingConfig({ version: 1, program: { campaignId: '12345', actionTrackerId: '67890' }, ...overrides });
  if (!parsed.ok) throw new Error(`aConfig: invalid test config: ${JSON.stringify(parsed.error)}`);
  return parsed.value;
}

/** A box with a fresh key: what a store and its shop directory seal with in a test. */
export function aSecretBox(): SecretBox {
  return createSecretBox(randomBytes(32));
}
