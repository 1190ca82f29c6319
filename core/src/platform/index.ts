export {
  currencyCode,
  decimalAmount,
  invalidPayload,
  isoInstant,
  optionalPlatformId,
  parsePayload,
  platformId,
  toMinorUnits,
} from './payload-fields.ts';
export { type PayloadError, type PlatformAdapter, describePayloadError } from './platform-adapter.ts';
