export * from './contract.ts';
export { type AdminAuthFailure, type AdminAuthenticator, type AdminIdentity, type AdminRouterOptions, createAdminRouter } from './admin-router.ts';
export { type CodePreview, previewPromoCode } from './preview-code.ts';
