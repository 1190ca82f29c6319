export {
  currencyCode,
  decimalAmount,
  invalidPayload,
  isoInstant,
  optionalPlatformId,
  parsePayload,
  platformId,
  toMinorUnits,
  withAmountsInRange,
} from './payload-fields.ts';
export { type PayloadError, type PlatformAdapter, createPlatformAdapter, describePayloadError } from './platform-adapter.ts';
