export { CONFIG_LIMITS } from './limits.ts';
export { readStoredTrackingConfig } from './stored-config.ts';
export {
  DEFAULT_CLICK_ID_PARAM,
  type PromoCodeRule,
  type SkuRule,
  type TrackingConfig,
  TrackingConfigSchema,
  parseTrackingConfig,
} from './tracking-config.ts';
