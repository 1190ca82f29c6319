import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/store.ts';
import { describeCapturesContract } from './captures-contract.ts';
import { describeInboxContract } from './inbox-contract.ts';
import { describeLedgerContract } from './ledger-contract.ts';
import { describeOutboxContract } from './outbox-contract.ts';
import { describePrivacyContract } from './privacy-contract.ts';
import { describeQueriesContract } from './queries-contract.ts';
import { describeShopsContract } from './shops-contract.ts';

/**
 * Every battery a store passes: one per port (ADR 9), and its schema's migrations. `open` returns a
 * fresh, migrated, empty store.
 */
export function describeStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`${name} store contract`, () => {
    describe('migrations', () => {
      let store: Store;
      beforeEach(async () => {
        store = await open();
      });
      afterEach(async () => {
        await store.close();
      });

      it('migrates idempotently', async () => {
        await store.migrate();
        await store.migrate();
        expect(await store.listShops()).toEqual([]);
      });
    });

    describeShopsContract(name, open);
    describeInboxContract(name, open);
    describeLedgerContract(name, open);
    describeOutboxContract(name, open);
    describeCapturesContract(name, open);
    describePrivacyContract(name, open);
    describeQueriesContract(name, open);
  });
}
