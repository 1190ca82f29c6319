/** What every package's tests reuse. Not part of the runtime surface. */
export { describeAdapterContract } from './adapter-contract.ts';
export { aConfig, aLine, anOrder } from './builders.ts';
export { readJsonFixture } from './fixtures.ts';
export { TEST_NOW, mapPayload, submittedFields } from './map-payload.ts';
export { describeStoreContract } from './store-contract.ts';
