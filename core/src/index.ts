/**
 * @cartrelay/core: platform-blind. The order model, the merchant's tracking config, the mapping
 * to impact.com conversions, and the building blocks platform plugins translate their payloads with.
 */
export * from './config/index.ts';
export * from './json/index.ts';
export * from './mapping/index.ts';
export * from './money/index.ts';
export * from './order/index.ts';
export * from './platform/index.ts';
export * from './result.ts';
export * from './validation/index.ts';
export * from './webhooks/index.ts';
export * from './crypto/index.ts';
export * from './ledger/index.ts';
export * from './captures/index.ts';
export * from './privacy/index.ts';
export * from './store/index.ts';
export * from './delivery/index.ts';
export * from './shops/index.ts';
export * from './relay/index.ts';
export * from './admin/index.ts';
export * from './apps/index.ts';
