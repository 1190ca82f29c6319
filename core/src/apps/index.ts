/** The store-app kit: what every platform's app needs, written once, and the contract a plugin implements. */
export { serveAdminAssets } from './admin-assets.ts';
export { mountAdminApi, storeAppRouters } from './admin-mount.ts';
export { type BeaconRouteOptions, type ClickBeacon, type CollectedClick, captureBeacons, createBeaconRoute } from './beacon-route.ts';
export { readClickCaptureStatus, recordClickCaptureSetUp } from './click-capture-record.ts';
export { installShop, reconcileCursor } from './install-shop.ts';
export { type ReconcileResult, reconcileAll, reconcileFromCursor, reconcileShop, reconciliationJob } from './reconciliation.ts';
export { PluginSettingsError, type StartedPlugins, type StoreRelayOptions, runningApps, startPlugins, startStoreRelay } from './start-store-relay.ts';
export type { AnyStorePlugin, Reconciliation, ReconciledWebhook, RelayJob, StartedPlugin, StoreApp, StoreAppContext, StoreLifecycle, StorePlugin } from './store-plugin.ts';
