import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapOrder } from '../mapping/map-order.ts';
import type { MinorUnits } from '../money/minor-units.ts';
import { aConfig, aLine, anOrder } from '../testing/builders.ts';
import { customerKeys } from './customer-keys.ts';
import { keptEntry, keptOrder } from './kept-order.ts';
import { type LedgerEntry, emptyLedgerEntry, planOrderEvent } from './order-lifecycle.ts';
import { operatorLines } from '../mapping/explain-line.ts';

const EMAIL = ' Jo.Buyer@Example.com ';
const IP = '203.0.113.50';
const AGENT = 'Mozilla/5.0 (JoBrowser 7.1)';
const now = new Date('2026-06-01T00:00:00Z');

/** A sale carrying every kind of personal data an order may hold, some of it in free text. */
const sale = anOrder({
  id: 'P1',
  number: '1001',
  checkoutToken: 'tok-1',
  lineItems: [aLine({ id: 'L1', sku: 'SOCK-M', quantity: 3, subtotal: 4200 as MinorUnits }), aLine({ id: 'L2', sku: 'HAT', quantity: 1, subtotal: 1500 as MinorUnits })],
  discountCodes: ['JANE20'],
  landingUrl: `https://shop.example/p?utm_source=mail&irclickid=CLICK-1&sharedid=news-7&email=${encodeURIComponent(EMAIL.trim())}`,
  attributes: [
    { name: 'irclickid', value: 'CLICK-1' },
    { name: 'wc_order_attribution_user_agent', value: AGENT },
    { name: 'gift_note', value: `to ${EMAIL}` },
  ],
  customer: { id: 'C9', email: EMAIL, tags: ['wholesale'], returning: null },
  client: { ip: IP, userAgent: AGENT },
});

const plainText = (value: unknown) => JSON.stringify(value).toLowerCase();

describe('what the ledger keeps of an order', () => {
  it('holds no plain email, IP or user agent, anywhere in the order', () => {
    const kept = plainText(keptOrder(sale, 'irclickid'));
    for (const personal of [EMAIL.trim(), encodeURIComponent(EMAIL.trim()), IP, AGENT]) expect(kept).not.toContain(personal.toLowerCase());
  });

  it('keeps what was sold, the customer by id, tags and the email’s digests, and only the click id and shared id of the landing URL and attributes', () => {
    const kept = keptOrder(sale, 'irclickid');
    const { customer, client, landingUrl, attributes, ...rest } = sale;
    expect(kept).toMatchObject(rest);
    expect(kept.customer).toEqual({
      id: 'C9',
      email: null,
      emailDigests: {
        sha1: createHash('sha1').update('jo.buyer@example.com').digest('hex'),
        sha256: createHash('sha256').update('jo.buyer@example.com').digest('hex'),
      },
      tags: ['wholesale'],
      returning: null,
    });
    expect(kept.client).toEqual({ ip: null, userAgent: null });
    expect(kept.landingUrl).toBe('/?irclickid=CLICK-1&sharedid=news-7');
    expect(kept.attributes).toEqual([{ name: 'irclickid', value: 'CLICK-1' }]);
    // The shop's own click id parameter is the one kept.
    expect(keptOrder(sale, 'clk').attributes).toEqual([]);
    expect(keptOrder({ ...sale, landingUrl: '/landing?clk=X%26Y' }, 'clk').landingUrl).toBe('/?clk=X%26Y');
    // A landing URL without either parameter stays a landing URL, so the explanations stay the same.
    expect(keptOrder({ ...sale, landingUrl: '/about' }, 'irclickid').landingUrl).toBe('/');
    expect(keptOrder({ ...sale, landingUrl: null }, 'irclickid').landingUrl).toBeNull();
  });

  it('recognises the customer by the same keys, and keeping a kept order changes nothing', () => {
    const kept = keptOrder(sale, 'irclickid');
    expect(customerKeys(kept)).toEqual(customerKeys(sale));
    expect(keptOrder(kept, 'irclickid')).toEqual(kept);
    expect(keptEntry(emptyLedgerEntry('P1'), 'irclickid')).toEqual(emptyLedgerEntry('P1'));
  });

  it('maps as the full order does, under any email hash, but for the IP address and user agent it no longer holds', () => {
    for (const emailHash of ['sha1', 'sha256', 'none'] as const) {
      const config = aConfig({ emailHash, sendIpAddress: true, sendUserAgent: true, customerStatus: { rules: [{ tag: 'wholesale', status: 'Wholesale' }] } });
      const full = mapOrder(sale, config, { now });
      const fromLedger = mapOrder(keptOrder(sale, config.clickIdParam), config, { now });
      if (full.decision !== 'submit' || fromLedger.decision !== 'submit') throw new Error('expected both to submit');
      const { IpAddress, UserAgent, ...withoutDevice } = full.request.fields;
      expect(IpAddress).toBe(IP);
      expect(fromLedger.request.fields).toEqual(withoutDevice);
      expect(fromLedger.explain.filter((line) => !/IpAddress|UserAgent/.test(line.operator))).toEqual(full.explain.filter((line) => !/IpAddress|UserAgent/.test(line.operator)));
    }
  });

  it('still says new or returning from the ledger for a guest known only by email', () => {
    const guest = keptOrder(anOrder({ customer: { email: 'guest@example.com' } }), 'irclickid');
    const plan = planOrderEvent(emptyLedgerEntry('1001'), { kind: 'order', order: guest }, aConfig({ customerStatus: { returning: 'Returning' } }), { now, customerConvertedBefore: true });
    expect(plan.deliveries[0]?.fields.CustomerStatus).toBe('Returning');
    expect(operatorLines(plan.explain)).toContain('customer converted before (ledger)');
  });

  it('plans a refund of a kept order as of the full one', () => {
    const config = aConfig();
    const first = planOrderEvent(emptyLedgerEntry('P1'), { kind: 'order', order: sale }, config, { now, customerConvertedBefore: false });
    const refund = { kind: 'refund' as const, platformOrderId: 'P1', refund: { id: 'R1', lines: [{ lineId: 'L1', quantity: 1 }] } };
    const fromFull = planOrderEvent(first.entry, refund, config, { now, customerConvertedBefore: false });
    const fromKept = planOrderEvent(keptEntry(first.entry, config.clickIdParam), refund, config, { now, customerConvertedBefore: false });
    expect(fromKept.deliveries).toEqual(fromFull.deliveries);
    expect(fromKept.deliveries.map((d) => d.fields)).toEqual([{ ActionTrackerId: '67890', OrderId: '1001', Reason: 'ORDER_UPDATE', Sku: 'SOCK-M', Quantity: '2' }]);
    expect(fromKept.explain).toEqual(fromFull.explain);
  });

  it('keeps no email or IP, in any case or URL encoding, wherever the order held them', () => {
    const email = fc.tuple(fc.stringMatching(/^[a-z0-9._+-]{1,20}$/), fc.stringMatching(/^[a-z0-9-]{1,15}\.[a-z]{2,6}$/)).map(([local, domain]) => `${local}@${domain}`);
    fc.assert(
      fc.property(email, fc.constantFrom('irclickid', 'clk'), fc.boolean(), (address, param, upper) => {
        const written = upper ? address.toUpperCase() : address;
        const order = anOrder({
          customer: { email: ` ${written}`, id: 'C1' },
          landingUrl: `/?${param}=A&e=${encodeURIComponent(written)}&f=${written}`,
          attributes: [
            { name: param, value: 'A' },
            { name: 'note', value: written },
          ],
          client: { ip: '192.0.2.1', userAgent: `UA ${written}` },
        });
        const kept = plainText(keptEntry({ ...emptyLedgerEntry('1001'), order } satisfies LedgerEntry, param));
        expect(kept).not.toContain(address);
        expect(kept).not.toContain(encodeURIComponent(address));
        expect(kept).not.toContain('192.0.2.1');
      }),
    );
  });
});
