import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createImpactClient } from '../delivery/impact-client.ts';
import { ShopDirectory } from '../shops/shop-directory.ts';
import { openStore } from '../store/open-store.ts';
import { aSecretBox } from '../testing/builders.ts';
import { startRelay } from './relay.ts';

describe('starting the relay', () => {
  it('ends with the listen error when its port is taken, having started no work', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    const box = aSecretBox();
    const store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'cartrelay-start-')), box });
    try {
      const started = startRelay({
        store,
        shops: new ShopDirectory(store, box),
        adapters: new Map(),
        impact: createImpactClient({ baseUrl: 'http://127.0.0.1:9' }),
        logger: pino({ level: 'silent' }),
        appSecrets: {},
        port,
        host: '127.0.0.1',
      });
      await expect(started).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await store.close();
      taken.close();
    }
  });
});
