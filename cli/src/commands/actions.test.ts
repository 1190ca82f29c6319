import type { DeliveryListing } from '@cartrelay/core';
import { describe, expect, it } from 'vitest';
import { integrityChecks } from './actions.ts';

const fields = { CurrencyCode: 'USD', ItemSku1: 'A', ItemSubTotal1: '10.00', ItemQuantity1: '1', OrderId: '1001' };
const conversion = (overrides: Partial<DeliveryListing>): DeliveryListing => ({
  id: 1,
  shopId: 1,
  orderRef: 1,
  kind: 'conversion',
  method: 'POST',
  path: '/Advertisers/{AccountSID}/Conversions',
  fields,
  attempts: 1,
  queuedUri: '/Advertisers/IR1/APISubmissions/2',
  status: 'done',
  availableAt: 0,
  lastError: null,
  submissionStatus: null,
  submissionErrors: null,
  createdAt: 0,
  completedAt: 0,
  attemptLog: [{ attemptedAt: 0, durationMs: 5, httpStatus: 200, detail: 'QUEUED' }],
  ...overrides,
});

describe('integrity checks', () => {
  it('passes a sound conversion', () => {
    expect(integrityChecks(fields, [conversion({})])).toEqual([]);
  });

  it('flags a submission error, and says when an earlier attempt went out unanswered', () => {
    const error = { submissionStatus: 'error', submissionErrors: [{ code: 'DUPLICATE_ORDER_ID' }] };
    const [plain] = integrityChecks(fields, [conversion(error)]);
    expect(plain).toBe('conversion submission error: [{"code":"DUPLICATE_ORDER_ID"}]');
    const [afterCrash] = integrityChecks(fields, [conversion({ ...error, attempts: 2 })]);
    expect(afterCrash).toMatch(/^conversion submission error: .*an earlier attempt was sent but its answer never recorded/);
  });

  it('flags a negative sale amount and a missing currency', () => {
    expect(integrityChecks({ ...fields, CurrencyCode: '', OrderDiscount: '12.00' }, [conversion({})])).toEqual([
      'CurrencyCode missing or not ISO 4217',
      'OrderDiscount exceeds the items’ subtotal: negative sale amount',
    ]);
  });
});
