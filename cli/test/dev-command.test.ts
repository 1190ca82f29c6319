import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.ts';
import { freePort } from './support/serve-process.ts';

/** `cartrelay dev` in-process, and `cartrelay send-sample` posting to it as an operator would from another terminal. */
describe('cartrelay dev and send-sample', () => {
  let env: Record<string, string>;
  let stop: () => void = () => undefined;
  let dev: Promise<number>;
  let printed = '';
  let relayUrl: string;

  const run = async (argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: async () => '', now: () => new Date(), env, untilSignal: () => new Promise<void>(() => undefined) });
    return { code, stdout, stderr };
  };

  beforeAll(async () => {
    const port = await freePort();
    env = { PORT: String(port), CARTRELAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'cartrelay-dev-')), LOG_LEVEL: 'silent' };
    relayUrl = `http://127.0.0.1:${port}`;
    const signal = new Promise<void>((resolve) => (stop = resolve));
    let announced: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (announced = resolve));
    dev = main(['dev'], {
      stdout: (text) => {
        printed += text;
        if (printed.includes('Send a sample order')) announced();
      },
      stderr: () => undefined,
      readStdin: async () => '',
      now: () => new Date(),
      env,
      untilSignal: () => signal,
    });
    await Promise.race([ready, dev.then((code) => Promise.reject(new Error(`dev exited with ${code}`)))]);
  });
  afterAll(async () => {
    stop();
    expect(await dev).toBe(0);
  });

  const printedUrl = (label: string) => new RegExp(`${label}\\s+(http://127\\.0\\.0\\.1:\\d+/?)`).exec(printed)?.[1];

  it('prints the relay, the fake impact.com and the admin page, each answering on loopback', async () => {
    expect(printedUrl('relay')).toBe(relayUrl);
    expect((await fetch(`${relayUrl}/healthz`)).status).toBe(200);
    const impactUrl = printedUrl('fake impact.com')!;
    // The fake answers as impact.com does: a request without credentials is refused.
    expect((await fetch(`${impactUrl}/Advertisers/IRdev/Campaigns`)).status).toBe(401);
    expect(printed).toContain(`send-sample --platform shopify --shop dev-store.myshopify.com --url ${relayUrl}`);
  });

  it('opens the admin page as the store’s admin would: a signed link into a session the admin API accepts', async () => {
    const preview = printedUrl('admin page')!;
    const toRelay = await fetch(preview, { redirect: 'manual' });
    expect(toRelay.status).toBe(302);
    const link = toRelay.headers.get('location')!;
    expect(link.startsWith(`${relayUrl}/woocommerce/open?`)).toBe(true);
    const opened = await fetch(link, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    const session = /#session=([\w-]+)$/.exec(opened.headers.get('location')!)?.[1];
    expect(opened.headers.get('location')).toMatch(/^\/woocommerce\/app\/#session=/);
    const shop = await fetch(`${relayUrl}/woocommerce/api/admin/shop`, { headers: { authorization: `Bearer ${session}` } });
    expect(shop.status).toBe(200);
    expect(await shop.json()).toMatchObject({ platform: 'woocommerce', shopKey: 'https://dev-shop.example', connection: { accountSid: 'IRdev' } });
  });

  it('send-sample signs each platform’s sample for a demo shop; the relay stores it and impact.com gets the conversion', async () => {
    const shopify = await run(['send-sample', '--platform', 'shopify', '--shop', 'dev-store.myshopify.com', '--url', relayUrl]);
    expect(shopify).toEqual({ code: 0, stdout: `POST ${relayUrl}/webhooks/shopify orders/paid → 200 stored\n`, stderr: '' });
    const woo = await run(['send-sample', '--platform', 'WooCommerce', '--shop', 'https://dev-shop.example']);
    expect(woo).toMatchObject({ code: 0, stdout: `POST ${relayUrl}/webhooks/woocommerce order.created → 200 stored\n` });
    await expect
      .poll(async () => JSON.parse((await run(['actions', '--shop', 'dev-store.myshopify.com', '--json'])).stdout).orders[0]?.deliveries[0]?.status, { timeout: 15_000 })
      .toBe('done');
  });

  it('send-sample says so when a signature is wrong or no relay answers', async () => {
    const forged = await run(['send-sample', '--platform', 'shopify', '--shop', 'dev-store.myshopify.com', '--url', relayUrl, '--secret', 'not-the-secret']);
    expect(forged).toMatchObject({ code: 1, stdout: `POST ${relayUrl}/webhooks/shopify orders/paid → 401 invalid HMAC signature\n` });
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const down = await run(['send-sample', '--platform', 'shopify', '--shop', 'dev-store.myshopify.com', '--url', nobody]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/did not answer .*is the relay running \(cartrelay dev\)\?/);
  });
});
