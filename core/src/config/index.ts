export { CONFIG_LIMITS } from './limits.ts';
export { readStoredTrackingConfig } from './stored-config.ts';
export {
  type PromoCodeRule,
  type SkuRule,
  type TrackingConfig,
  TrackingConfigSchema,
  parseTrackingConfig,
} from './tracking-config.ts';
