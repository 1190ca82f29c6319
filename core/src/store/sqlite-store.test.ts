import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aSecretBox } from '../testing/builders.ts';
import { describeStoreContract } from '../testing/store-contract.ts';
import { openStore } from './open-store.ts';

describeStoreContract('SQLite', () => openStore({ dataDir: mkdtempSync(join(tmpdir(), 'cartrelay-store-')), box: aSecretBox() }));
