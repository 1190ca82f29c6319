/**
 * One relay for the benchmark, in its own process so the load generator does not share its event
 * loop: `node relay-server.ts '<json options>'`. Prints "ready <url>" when listening.
 */
import { ShopDirectory, createImpactClient, createSecretBox, openStore, parseSecretKey, startRelay } from '@cartrelay/core';
import { createPlatforms } from 'cartrelay/platforms';
import pino from 'pino';

const options = JSON.parse(process.argv[2] ?? '{}') as { databaseUrl?: string; dataDir: string; impactUrl: string; secret: string; key: string; workers: boolean };
const store = await openStore({ databaseUrl: options.databaseUrl, dataDir: options.dataDir });
const relay = await startRelay({
  store,
  shops: new ShopDirectory(store, createSecretBox(parseSecretKey(options.key)!)),
  adapters: createPlatforms(),
  impact: createImpactClient({ baseUrl: options.impactUrl }),
  logger: pino({ level: 'error' }),
  appSecrets: { shopify: options.secret },
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
