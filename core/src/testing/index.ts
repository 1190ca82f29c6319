/** What every package's tests reuse. Not part of the runtime surface. */
export { describeAdapterContract } from './adapter-contract.ts';
export { aConfig, aLine, aSecretBox, anOrder } from './builders.ts';
export { readJsonFixture } from './fixtures.ts';
export { TEST_NOW, mapPayload, submittedFields } from './map-payload.ts';
export { describeStoreContract } from './store-contract.ts';
export { describeCapturesContract } from './captures-contract.ts';
export { describeInboxContract } from './inbox-contract.ts';
export { describeLedgerContract } from './ledger-contract.ts';
export { describeOutboxContract } from './outbox-contract.ts';
export { describePrivacyContract } from './privacy-contract.ts';
export { describeQueriesContract } from './queries-contract.ts';
export { describeShopsContract } from './shops-contract.ts';
export { findInFiles, findInTables } from './plain-text-scan.ts';
export { type WebhookContractOptions, type WebhookRequest, describeWebhookContract } from './webhook-contract.ts';
