export { CONVERSIONS_PATH, type ConversionFields, type ConversionRequest, FIELD_LIMITS, type Mapping, type SkipCode } from './conversion.ts';
export { hashEmail } from './customer.ts';
export { itemSku, type TrackedItem } from './line-items.ts';
export { type MapContext, mapOrder } from './map-order.ts';
export { type ExplainLine, type StoredExplainLine, merchantLines, operatorLines } from './explain-line.ts';
