/**
 * @cartrelay/core/admin-contract: what the admin page shares with the server, and nothing that
 * needs Node (no store, no crypto), so it bundles for the browser.
 */
export * from './contract.ts';
export { type CodePreview, previewPromoCode } from './preview-code.ts';
export { type TrackingConfig, parseTrackingConfig } from '../config/tracking-config.ts';
export { type FieldProblem, describeProblems, fieldProblems } from '../validation/format-issues.ts';
