import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startFakeImpact } from '@cartrelay/core/fake-impact';
import { signLink } from '@cartrelay/woocommerce/app';
import { parseEnv } from '../env.ts';
import type { Io } from '../io.ts';
import { parseOptions } from '../options.ts';
import { openRuntime } from '../runtime.ts';
import { readTrackingConfig } from './map.ts';
import { DEV_SHOPIFY_API_SECRET } from './send-sample.ts';
import { serveCommand } from './serve.ts';

export const DEV_USAGE = 'usage: cartrelay dev (on 127.0.0.1 only; PORT, default 3000; CARTRELAY_DATA_DIR, default .cartrelay-dev)';

/** The demo shops dev adds when they are missing, and the fake impact.com account they send to. */
const DEV_ACCOUNT = { accountSid: 'IRdev', authToken: 'dev-auth-token' };
export const DEV_SHOPS = { shopify: 'dev-store.myshopify.com', woocommerce: 'https://dev-shop.example' } as const;

/**
 * The relay for trying CartRelay on one machine: `serve` on loopback with a fake impact.com, two demo
 * shops (Shopify, WooCommerce) and the admin page opened as a store's admin would open it (here: the
 * WooCommerce plugin's signed link, made fresh at each visit). Nothing leaves the machine. The
 * URLs and the commands to send sample orders are printed; it runs until Ctrl-C.
 */
export async function devCommand(args: string[], io: Io): Promise<number> {
  parseOptions(args, {}, DEV_USAGE);
  const { PORT } = parseEnv(io.env);
  const impact = await startFakeImpact({ accounts: { [DEV_ACCOUNT.accountSid]: DEV_ACCOUNT.authToken } });
  let preview: Server | null = null;
  try {
    const relayUrl = `http://127.0.0.1:${PORT}`;
    const env = {
      ...io.env,
      HOST: '127.0.0.1',
      // Always the embedded database: a dev run never writes to a shared one.
      DATABASE_URL: '',
      CARTRELAY_DATA_DIR: io.env.CARTRELAY_DATA_DIR || '.cartrelay-dev',
      CARTRELAY_IMPACT_BASE_URL: impact.url,
      SHOPIFY_API_SECRET: io.env.SHOPIFY_API_SECRET || DEV_SHOPIFY_API_SECRET,
      WOOCOMMERCE_APP_URL: relayUrl,
      // impact.com's answers checked after seconds, not five minutes: an order's next change waits for it.
      CARTRELAY_SUBMISSION_CHECK_MS: io.env.CARTRELAY_SUBMISSION_CHECK_MS || '2000',
    };
    const linkSecret = await addDevShops(env, io);
    preview = await startAdminPreview(relayUrl, linkSecret);
    const previewUrl = `http://127.0.0.1:${(preview.address() as AddressInfo).port}/`;

    let announced = false;
    return await serveCommand([], {
      ...io,
      env,
      stderr: (text) => {
        io.stderr(text);
        if (announced || !text.includes('listening on')) return;
        announced = true;
        io.stdout(devBanner({ relayUrl, impactUrl: impact.url, previewUrl, dataDir: env.CARTRELAY_DATA_DIR }));
      },
    });
  } finally {
    await new Promise((resolve) => (preview ? preview.close(resolve) : resolve(undefined)));
    await impact.close();
  }
}

/** Adds the demo shops when missing; returns the WooCommerce one's link secret (what its plugin would hold). */
async function addDevShops(env: Record<string, string | undefined>, io: Io): Promise<string> {
  const runtime = await openRuntime(parseEnv(env), (line) => io.stderr(`${line}\n`));
  try {
    const config = await readTrackingConfig(fileURLToPath(new URL('../../../examples/tracking.json', import.meta.url)), io);
    if (!(await runtime.store.findShop('shopify', DEV_SHOPS.shopify))) {
      await runtime.shops.add({ platform: 'shopify', shopKey: DEV_SHOPS.shopify, config, impact: DEV_ACCOUNT, credentials: null });
    }
    const woo = await runtime.shops.find('woocommerce', DEV_SHOPS.woocommerce);
    const saved = woo?.credentials as { webhookSecret?: string; linkSecret?: string } | null | undefined;
    if (saved?.linkSecret) return saved.linkSecret;
    const credentials = { webhookSecret: saved?.webhookSecret ?? randomBytes(24).toString('base64url'), linkSecret: randomBytes(32).toString('base64url') };
    if (woo) await runtime.shops.saveCredentials(woo, credentials);
    else await runtime.shops.add({ platform: 'woocommerce', shopKey: DEV_SHOPS.woocommerce, config, impact: DEV_ACCOUNT, credentials });
    return credentials.linkSecret;
  } finally {
    await runtime.close();
  }
}

/**
 * A stand-in for the store's admin around the page: each visit makes the link the WooCommerce plugin
 * makes from wp-admin (signed, good for five minutes and once) and follows it into the relay.
 */
async function startAdminPreview(relayUrl: string, linkSecret: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: open /\n');
    const link = { site: DEV_SHOPS.woocommerce, user: '1', exp: Math.floor(Date.now() / 1000) + 300 };
    const query = new URLSearchParams({ site: link.site, user: link.user, exp: String(link.exp), sig: signLink(linkSecret, 'open', link) });
    res.writeHead(302, { location: `${relayUrl}/woocommerce/open?${query}`, 'cache-control': 'no-store' }).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return server;
}

function devBanner(urls: { relayUrl: string; impactUrl: string; previewUrl: string; dataDir: string }): string {
  const built = existsSync(fileURLToPath(new URL('../../../plugins/woocommerce/admin/dist/index.html', import.meta.url)));
  const env = `CARTRELAY_DATA_DIR=${urls.dataDir}`;
  return `
cartrelay dev: CartRelay on this machine, nothing leaves it (Ctrl-C stops it)
  relay            ${urls.relayUrl}   (webhooks at /webhooks/<platform>, /healthz, /metrics)
  fake impact.com  ${urls.impactUrl}
  admin page       ${urls.previewUrl}   (the WooCommerce demo shop's, opened as from wp-admin)${built ? '' : '\n                   not built yet: run npx turbo run build first'}
  demo shops       shopify ${DEV_SHOPS.shopify}, woocommerce ${DEV_SHOPS.woocommerce}
  data             ${urls.dataDir}

Send a sample order, then see what reached impact.com:
  ${env} npx cartrelay send-sample --platform shopify --shop ${DEV_SHOPS.shopify} --url ${urls.relayUrl}
  ${env} npx cartrelay send-sample --platform woocommerce --shop ${DEV_SHOPS.woocommerce} --url ${urls.relayUrl}
  ${env} npx cartrelay actions --shop ${DEV_SHOPS.shopify}
`;
}
