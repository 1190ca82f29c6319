/**
 * One relay for the benchmark, in its own process so the load generator does not share its event
 * loop: `node relay-server.ts '<json options>'`. Prints "ready <url>" when listening.
 */
import { ShopDirectory, createImpactClient, createSecretBox, openStore, parseSecretKey, startStoreRelay } from '@cartrelay/core';
import { PLUGINS } from 'cartrelay/platforms';
import pino from 'pino';

const options = JSON.parse(process.argv[2] ?? '{}') as { databaseUrl?: string; dataDir: string; impactUrl: string; secret: string; key: string; workers: boolean };
const box = createSecretBox(parseSecretKey(options.key)!);
const store = await openStore({ databaseUrl: options.databaseUrl, dataDir: options.dataDir, box });
// As serve runs it: every plugin, Shopify's webhooks verified with its app secret (no app).
const relay = await startStoreRelay({
  plugins: PLUGINS,
  env: { SHOPIFY_API_SECRET: options.secret },
  context: { store, shops: new ShopDirectory(store, box), box, impact: createImpactClient({ baseUrl: options.impactUrl }), logger: pino({ level: 'error' }), now: Date.now },
  port: 0,
  host: '127.0.0.1',
  workers: options.workers,
});
process.stdout.write(`ready ${relay.url}\n`);
process.once('SIGTERM', async () => {
  await relay.close();
  await store.close();
  process.exit(0);
});
