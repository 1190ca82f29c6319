import { describe, expect, it } from 'vitest';
import { emptyLedgerEntry } from '../ledger/order-lifecycle.ts';
import { mapOrder } from '../mapping/map-order.ts';
import { aConfig, anOrder } from '../testing/builders.ts';
import { PERSONAL_FIELDS, personalFieldsSent, withoutCustomer, withoutCustomerFields, withoutCustomerLines, withoutDevice } from './personal-fields.ts';

const order = anOrder({ customer: { id: 'C9', email: 'Jo@Example.com' }, client: { ip: '198.51.100.7', userAgent: 'Mozilla/5.0 Jo' } });
const mapped = mapOrder(order, aConfig({ sendIpAddress: true, sendUserAgent: true }), { now: new Date('2026-03-01T00:00:00Z') });
const fields = mapped.decision === 'submit' ? mapped.request.fields : {};

describe('personal data', () => {
  it('names every field of a conversion that identifies the customer or their device', () => {
    expect(Object.keys(personalFieldsSent(fields)).sort()).toEqual(['ClickId', 'CustomerEmail', 'CustomerId', 'IpAddress', 'UserAgent']);
    // Nothing else sent holds the customer's id, email, IP or user agent.
    const rest = Object.entries(fields).filter(([name]) => !(PERSONAL_FIELDS as readonly string[]).includes(name));
    for (const secret of ['C9', 'jo@example.com', '198.51.100.7', 'Mozilla']) expect(rest.filter(([, value]) => value.toLowerCase().includes(secret.toLowerCase()))).toEqual([]);
  });

  it('erases who bought from what was sent and from the ledger, keeping what was sold and the click', () => {
    const kept = withoutCustomerFields(fields)!;
    expect(Object.keys(personalFieldsSent(kept))).toEqual(['ClickId']);
    expect(kept).toMatchObject({ OrderId: fields.OrderId, ItemSku1: fields.ItemSku1, ItemSubTotal1: fields.ItemSubTotal1 });
    expect(withoutCustomerFields(kept)).toBeNull();

    const entry = withoutCustomer({ ...emptyLedgerEntry(order.id), order });
    expect(entry.order).toMatchObject({ customer: { id: null, email: null, tags: [] }, client: { ip: null, userAgent: null }, lineItems: order.lineItems });
    expect(withoutCustomerLines(['CustomerId C9 sent', 'SKU A: category general'], { customerId: 'C9', email: null })).toEqual(['(redacted)', 'SKU A: category general']);
    const capture = { shopId: 1, platformOrderId: null, checkoutToken: 't', clickId: 'CK', sharedId: null, source: 'pixel', ip: '198.51.100.7', userAgent: 'UA', capturedAt: 0 };
    expect(withoutDevice(capture)).toEqual({ ...capture, ip: null, userAgent: null });
  });
});
