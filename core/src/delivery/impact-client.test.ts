import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeImpact, startFakeImpact } from '../testing/fake-impact.ts';
import { type ImpactClient, createImpactClient, submissionUrl } from './impact-client.ts';
import { DEFAULT_RETRY_POLICY, decideOutcome, rateLimitResetAt } from './retry-policy.ts';

const credentials = { accountSid: 'IRtest1', authToken: 'token-1' };
const conversion = {
  method: 'POST' as const,
  path: '/Advertisers/{AccountSID}/Conversions',
  fields: { CampaignId: '12345', ActionTrackerId: '67890', EventDate: '2026-03-01T10:00:00Z', OrderId: '1001', ClickId: 'C1', ItemSku1: 'A', ItemQuantity1: '2', ItemSubTotal1: '20.00' },
};

describe('impact.com client against the fake', () => {
  let fake: FakeImpact;
  let client: ImpactClient;
  beforeEach(async () => {
    fake = await startFakeImpact({ accounts: { IRtest1: 'token-1' } });
    client = createImpactClient({ baseUrl: fake.url, timeoutMs: 2000 });
  });
  afterEach(() => fake.close());

  it('posts a form-encoded conversion with Basic auth and gets a queued submission', async () => {
    const answer = await client.send(conversion, credentials);
    expect(answer).toEqual({ kind: 'queued', status: 200, queuedUri: '/Advertisers/IRtest1/APISubmissions/1' });
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/Advertisers/IRtest1/Conversions', accountSid: 'IRtest1', fields: conversion.fields });
    expect(await client.getSubmission('/Advertisers/IRtest1/APISubmissions/1', credentials)).toEqual({ kind: 'complete' });
  });

  it('form-encodes any text, a name cut mid-emoji included', async () => {
    const fields = { ...conversion.fields, ItemName1: 'Sock & Co. 100% wool \ud83d', OrderPromoCode: 'a+b=c' };
    expect(await client.send({ ...conversion, fields }, credentials)).toMatchObject({ kind: 'queued' });
    expect(fake.requests.at(-1)!.fields).toMatchObject({ ItemName1: 'Sock & Co. 100% wool \ufffd', OrderPromoCode: 'a+b=c' });
  });

  it('modifies and reverses the action by action tracker and OrderId', async () => {
    await client.send(conversion, credentials);
    await client.send({ method: 'PUT', path: '/Advertisers/{AccountSID}/Actions', fields: { ActionTrackerId: '67890', OrderId: '1001', Reason: 'ITEM_RETURNED', Sku: 'A', Quantity: '1' } }, credentials);
    expect(fake.actions.get('IRtest1|67890|1001')?.items).toEqual({ A: 1 });
    await client.send({ method: 'DELETE', path: '/Advertisers/{AccountSID}/Actions', fields: { ActionTrackerId: '67890', OrderId: '1001', DispositionCode: 'ITEM_RETURNED' } }, credentials);
    expect(fake.actions.get('IRtest1|67890|1001')).toMatchObject({ state: 'REVERSED', dispositionCode: 'ITEM_RETURNED' });
  });

  it('answers 401 to wrong credentials and 400 with the error list to invalid fields', async () => {
    expect(await client.send(conversion, { accountSid: 'IRtest1', authToken: 'wrong' })).toMatchObject({ kind: 'http_error', status: 401 });
    const invalid = await client.send({ ...conversion, fields: { ...conversion.fields, OrderId: 'x'.repeat(65) } }, credentials);
    expect(invalid).toMatchObject({ kind: 'http_error', status: 400 });
    expect(invalid.kind === 'http_error' && JSON.parse(invalid.body).errors[0].field).toBe('OrderId');
  });

  it('keeps one action per order: a repeated conversion ends in a duplicate error', async () => {
    await client.send(conversion, credentials);
    const again = await client.send(conversion, credentials);
    expect(fake.actions.size).toBe(1);
    expect(again.kind === 'queued' && (await client.getSubmission(again.queuedUri!, credentials))).toMatchObject({ kind: 'error', errors: [{ code: 'DUPLICATE_ORDER_ID' }] });
  });

  it('follows only submission addresses under the base URL: its credentials go nowhere else', async () => {
    for (const elsewhere of ['@attacker.example/Advertisers/IRtest1/APISubmissions/1', '//attacker.example/x', 'https://attacker.example/Advertisers/IRtest1/APISubmissions/1', 'x/../../y', '\\attacker.example']) {
      expect(await client.getSubmission(elsewhere, credentials)).toMatchObject({ kind: 'not_followed' });
    }
    expect(fake.requests.filter((request) => request.method === 'GET')).toEqual([]);
    expect(submissionUrl('https://api.impact.com', '/Advertisers/IR1/APISubmissions/A-1')?.href).toBe('https://api.impact.com/Advertisers/IR1/APISubmissions/A-1');
    expect(submissionUrl('https://api.impact.com', 'https://api.impact.com/Advertisers/IR1/APISubmissions/A-1')?.href).toBe('https://api.impact.com/Advertisers/IR1/APISubmissions/A-1');
    expect(submissionUrl('https://gw.example/impact', '/Advertisers/IR1/APISubmissions/A-1')?.href).toBe('https://gw.example/impact/Advertisers/IR1/APISubmissions/A-1');
    expect(submissionUrl('https://gw.example/impact', 'https://gw.example/other/A-1')).toBeNull();
    expect(submissionUrl('https://api.impact.com', 'https://user:pw@api.impact.com/x')).toBeNull();
  });

  it('cuts off an answer over a megabyte, and gives up on one that never ends, within its deadline', async () => {
    const server = createServer((request, response) => {
      if (request.url?.startsWith('/huge')) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(`{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`);
      } else {
        // Trickles a byte every 100 ms: never idle long, never done.
        response.writeHead(200, { 'content-type': 'application/json' });
        const timer = setInterval(() => response.write(' '), 100);
        response.on('close', () => clearInterval(timer));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const slow = createImpactClient({ baseUrl: base, timeoutMs: 500 });
      expect(await slow.getSubmission('/huge/1', credentials)).toMatchObject({ kind: 'unavailable', error: expect.stringContaining('larger than') });
      expect(await slow.getSubmission('/trickle/1', credentials)).toMatchObject({ kind: 'unavailable', error: expect.stringContaining('no answer within 500 ms') });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('tells a submission impact.com has no record of from one it cannot reach', async () => {
    expect(await client.getSubmission('/Advertisers/IRtest1/APISubmissions/999999', credentials)).toEqual({ kind: 'not_found' });
  });

  it('reports contract errors through the submission', async () => {
    fake.failSubmissions(['1001']);
    const answer = await client.send(conversion, credentials);
    expect(answer.kind === 'queued' && (await client.getSubmission(answer.queuedUri!, credentials))).toMatchObject({ kind: 'error', errors: [{ code: 'CONTRACT_NOT_FOUND' }] });
  });

  it('turns dropped connections and timeouts into network errors', async () => {
    fake.inject({ kind: 'drop' });
    expect(await client.send(conversion, credentials)).toMatchObject({ kind: 'network_error' });
    fake.inject({ kind: 'delay', ms: 500 });
    const impatient = createImpactClient({ baseUrl: fake.url, timeoutMs: 100 });
    expect(await impatient.send(conversion, credentials)).toMatchObject({ kind: 'network_error' });
  });
});

describe('retry policy', () => {
  const now = 1_780_000_000_000;
  const half = () => 0.5;

  it('marks a queued answer done and schedules the submission check', () => {
    expect(decideOutcome({ kind: 'queued', status: 200, queuedUri: '/x/1' }, 1, now, DEFAULT_RETRY_POLICY, half)).toEqual({
      status: 'done',
      queuedUri: '/x/1',
      checkAt: now + DEFAULT_RETRY_POLICY.submissionCheckDelayMs,
    });
  });

  it('retries 5xx, 408, 401/403 and network errors with growing, jittered delays', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1000, maxDelayMs: 60_000 };
    const delay = (attempts: number, random: number) => {
      const outcome = decideOutcome({ kind: 'http_error', status: 503, body: '', headers: {} }, attempts, now, policy, () => random);
      return outcome.status === 'retry' ? outcome.availableAt - now : null;
    };
    expect([delay(1, 1), delay(2, 1), delay(3, 1), delay(10, 1)]).toEqual([1000, 2000, 4000, 60_000]);
    expect(delay(3, 0.25)).toBe(1000);
    expect(delay(3, 0)).toBe(500);
    for (const status of [408, 401, 403, 500]) {
      expect(decideOutcome({ kind: 'http_error', status, body: '', headers: {} }, 1, now, policy, half).status).toBe('retry');
    }
    expect(decideOutcome({ kind: 'network_error', error: 'ECONNRESET' }, 1, now, policy, half).status).toBe('retry');
  });

  it('does not retry validation errors', () => {
    const outcome = decideOutcome({ kind: 'http_error', status: 400, body: '{"errors":[{"field":"OrderId"}]}', headers: {} }, 1, now, DEFAULT_RETRY_POLICY, half);
    expect(outcome).toEqual({ status: 'rejected', error: 'HTTP 400: {"errors":[{"field":"OrderId"}]}' });
  });

  it('dead-letters after the last attempt', () => {
    const outcome = decideOutcome({ kind: 'network_error', error: 'ECONNREFUSED' }, DEFAULT_RETRY_POLICY.maxAttempts, now, DEFAULT_RETRY_POLICY, half);
    expect(outcome).toEqual({ status: 'dead', error: `network error: ECONNREFUSED; gave up after ${DEFAULT_RETRY_POLICY.maxAttempts} attempts` });
  });

  it('waits for the rate-limit reset on 429', () => {
    const outcome = decideOutcome({ kind: 'http_error', status: 429, body: '', headers: { 'x-ratelimit-reset': String((now + 3_600_000) / 1000) } }, 1, now, DEFAULT_RETRY_POLICY, half);
    expect(outcome).toMatchObject({ status: 'retry', availableAt: now + 3_600_000 });
    // However many tries went before: rate limiting never dead-letters.
    const late = decideOutcome({ kind: 'http_error', status: 429, body: '', headers: {} }, DEFAULT_RETRY_POLICY.maxAttempts + 5, now, DEFAULT_RETRY_POLICY, half);
    expect(late).toMatchObject({ status: 'retry', error: 'HTTP 429 rate limited', uncounted: true });
    expect(rateLimitResetAt({ 'retry-after': '120' }, now)).toBe(now + 120_000);
    expect(rateLimitResetAt({ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }, now)).toBe(Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'));
    expect(rateLimitResetAt({ 'x-ratelimit-reset': '30' }, now)).toBe(now + 30_000);
    expect(rateLimitResetAt({}, now)).toBeNull();
  });
});
