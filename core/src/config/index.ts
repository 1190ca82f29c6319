export {
  type PromoCodeRule,
  type SkuRule,
  type TrackingConfig,
  TrackingConfigSchema,
  parseTrackingConfig,
} from './tracking-config.ts';
