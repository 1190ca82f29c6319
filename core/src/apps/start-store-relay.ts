import type { PlatformAdapter } from '../platform/platform-adapter.ts';
import { createClickShareWatch } from '../relay/click-share-watch.ts';
import { type Relay, type RelayOptions, startRelay } from '../relay/relay.ts';
import type { Shop } from '../shops/shop-directory.ts';
import { type FieldProblem, fieldProblems } from '../validation/format-issues.ts';
import { storeAppRouters } from './admin-mount.ts';
import { reconciliationJob } from './reconciliation.ts';
import type { AnyStorePlugin, StartedPlugin, StoreApp, StoreAppContext, StoreLifecycle } from './store-plugin.ts';

/** A plugin's environment variable is set but invalid: nothing starts. */
export class PluginSettingsError extends Error {
  readonly problems: readonly FieldProblem[];
  constructor(platform: string, problems: readonly FieldProblem[]) {
    super(`${platform} settings: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    this.problems = problems;
  }
}

/** Each plugin as started: the relay's side of its webhooks, and its app when configured. */
export interface StartedPlugins {
  readonly adapters: ReadonlyMap<string, PlatformAdapter>;
  readonly started: ReadonlyMap<string, StartedPlugin>;
}

/**
 * Starts each plugin with its own settings, read from `env` by its own schema. A plugin whose app is
 * not configured says so once, and its webhooks still go through the relay (verified with its app
 * secret when that is set).
 */
export async function startPlugins(plugins: readonly AnyStorePlugin[], env: Readonly<Record<string, string | undefined>>, context: StoreAppContext): Promise<StartedPlugins> {
  const adapters = new Map<string, PlatformAdapter>();
  const started = new Map<string, StartedPlugin>();
  for (const plugin of plugins) {
    const parsed = plugin.env.safeParse(env);
    if (!parsed.success) throw new PluginSettingsError(plugin.platform, fieldProblems(parsed.error));
    const running = await plugin.start(parsed.data, context);
    if ('off' in running.app) context.logger.info({ platform: plugin.platform }, `the ${plugin.platform} app is off: ${running.app.off}`);
    // The relay reads webhooks through the running receiver (it may read the platform's API); mapping is the adapter's.
    adapters.set(plugin.platform, { ...plugin.adapter, webhooks: running.webhooks });
    started.set(plugin.platform, running);
  }
  return { adapters, started };
}

/** The apps of the plugins that are configured. */
export function runningApps(plugins: StartedPlugins): ReadonlyMap<string, StoreApp> {
  const apps = new Map<string, StoreApp>();
  for (const [platform, running] of plugins.started) if (!('off' in running.app)) apps.set(platform, running.app);
  return apps;
}

export type StoreRelayOptions = Omit<RelayOptions, 'adapters' | 'appSecrets' | 'routers' | 'jobs' | 'store' | 'shops' | 'impact' | 'logger' | 'onUninstalled' | 'clickShareReadings'> & {
  readonly plugins: readonly AnyStorePlugin[];
  /** Where each plugin reads its settings (the process environment). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly context: StoreAppContext;
};

/**
 * The relay with its store apps: each plugin started with its own settings, its webhooks routed and
 * verified, its app's routes mounted, its reconciliation and jobs run, its lifecycle hooks called.
 * A fourth platform is one more plugin in `plugins`; nothing here changes.
 */
export async function startStoreRelay(options: StoreRelayOptions): Promise<Relay & { readonly plugins: StartedPlugins }> {
  const { plugins: registered, env, context, ...relayOptions } = options;
  const plugins = await startPlugins(registered, env, context);
  const apps = runningApps(plugins);
  // Every platform's shops: the click-id share is platform-blind (the ledger and the deliveries).
  const clickShare = createClickShareWatch({ store: context.store, shops: context.shops, logger: context.logger, now: context.now });
  const lifecycles = new Map<string, StoreLifecycle>([...apps].flatMap(([platform, app]) => (app.lifecycle ? [[platform, app.lifecycle] as const] : [])));
  const relay = await startRelay({
    ...relayOptions,
    store: context.store,
    shops: context.shops,
    impact: context.impact,
    logger: context.logger,
    adapters: plugins.adapters,
    appSecrets: Object.fromEntries([...plugins.started].map(([platform, running]) => [platform, running.appSecret])),
    routers: storeAppRouters(context, apps),
    jobs: [...[...apps].flatMap(([platform, app]) => [...(app.reconciliation ? [reconciliationJob(context, platform, app.reconciliation)] : []), ...(app.jobs ?? [])]), clickShare],
    clickShareReadings: clickShare.readings,
    onUninstalled: async (shop: Shop) => {
      await lifecycles.get(shop.platform)?.uninstalled?.(shop);
    },
  });
  return Object.assign(relay, { plugins });
}
