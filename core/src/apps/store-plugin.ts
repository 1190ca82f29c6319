import type express from 'express';
import type { Logger } from 'pino';
import type { ZodType } from 'zod';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { AdminAuthenticator } from '../admin/admin-router.ts';
import type { ClickCaptureStatus } from '../admin/home.ts';
import type { ImpactClient } from '../delivery/impact-client.ts';
import type { PlatformAdapter } from '../platform/platform-adapter.ts';
import type { Shop, ShopDirectory } from '../shops/shop-directory.ts';
import type { Store } from '../store/store.ts';
import type { WebhookReceiver } from '../webhooks/webhook-receiver.ts';

/**
 * A store platform as `cartrelay serve` runs it: a plugin owns its payloads (the adapter), its own
 * environment variables, and the app a merchant installs around the relay. Core names no platform:
 * the relay is started with whatever plugins it is given (`startStoreRelay`).
 */
export interface StorePlugin<Env = unknown> {
  /** Lower-case, as in routes and on the command line: "shopify". */
  readonly platform: string;
  /** Payloads and webhooks in the core's terms, usable without any setting (`cartrelay map`). */
  readonly adapter: PlatformAdapter;
  /** The plugin's own environment variables (`SHOPIFY_*`, …), parsed once from the process environment. */
  readonly env: ZodType<Env>;
  /**
   * What the plugin runs in the relay with these settings. Without the app's settings it still
   * verifies its webhooks when it can (a webhook-only relay), and says why the app is off.
   */
  start(env: Env, context: StoreAppContext): Promise<StartedPlugin>;
}

/** A plugin whatever its settings, as a list of plugins holds them: each is started with its own, parsed by its own schema. */
// biome-ignore lint/suspicious/noExplicitAny: the settings type differs per plugin, and startPlugins pairs each with its own schema
export type AnyStorePlugin = StorePlugin<any>;

/** What the relay gives a plugin's app. */
export interface StoreAppContext {
  readonly store: Store;
  readonly shops: ShopDirectory;
  /** Seals what is kept at rest (credentials, sessions). */
  readonly box: SecretBox;
  readonly impact: ImpactClient;
  readonly logger: Logger;
  readonly now: () => number;
}

export interface StartedPlugin {
  /** The relay's side of the platform's webhooks (the adapter's, or one that can also read its API). */
  readonly webhooks: WebhookReceiver;
  /** The secret the platform signs webhooks with for every shop, when there is one and it is set. */
  readonly appSecret: string | null;
  /** The app around the relay, or why it is off (said once at start; the webhooks still work). */
  readonly app: StoreApp | { readonly off: string };
}

/** The app a merchant installs: its routes, its periodic work, and what it does on a shop's life events. */
export interface StoreApp {
  /** Install and callbacks, the admin page's document, click beacons: mounted beside the webhooks. */
  readonly routers: readonly express.Router[];
  /**
   * Who is asking on the shared admin API (`/api/admin`), by the platform's own means (a Shopify
   * session token…); the relay mounts the API behind it.
   */
  readonly authenticateAdmin?: AdminAuthenticator;
  /** Reading orders the webhooks missed; the relay runs it periodically, `cartrelay reconcile` on demand. */
  readonly reconciliation?: Reconciliation;
  /** Other periodic work (each run returns how much it did; 0 rests a whole idle time). */
  readonly jobs?: readonly RelayJob[];
  /** Called by the relay when a shop's life changes. */
  readonly lifecycle?: StoreLifecycle;
  /**
   * The platform's click capture for Home ("Shopify pixel"…): whether it is set up, from what the app
   * recorded when it last set it up (recordClickCaptureSetUp), not a platform call per page load.
   */
  readonly clickCaptureStatus?: (shop: Shop) => Promise<ClickCaptureStatus | null>;
}

export interface RelayJob {
  /** For logs: what the job does. */
  readonly name: string;
  readonly run: () => Promise<number>;
  readonly idleMs: number;
}

export interface StoreLifecycle {
  /** The shop was installed or installed again (the app's install path calls `installShop`). */
  readonly installed?: (shop: Shop) => Promise<void>;
  /** The platform said the app was uninstalled, and the shop was deactivated. */
  readonly uninstalled?: (shop: Shop) => Promise<void>;
  /** The merchant saved the tracking configuration in the admin page. */
  readonly configSaved?: (shop: Shop) => Promise<void>;
}

/** An order read from the platform's API, stored in the inbox like a webhook so that it takes the same path. */
export interface ReconciledWebhook {
  readonly topic: string;
  /** Names the order's state (`reconcile:<order>:<updated at>`): the same state is stored once, however often it is read. */
  readonly deliveryId: string;
  readonly body: string;
}

export interface Reconciliation {
  /** How often every shop is reconciled (ms). */
  readonly everyMs: number;
  /**
   * Whether the shop can be reconciled now (its credentials work); a reason when not, logged once a run
   * when it is worth a look (`warn`), quietly otherwise.
   */
  readonly ready?: (shop: Shop) => Promise<true | { readonly reason: string; readonly warn: boolean }>;
  /**
   * Reads the shop's orders changed since `since` (an ISO instant), page by page, handing each page
   * to `enqueue`; returns how many were read and the newest change seen (the next run's `since`).
   * Throws when the platform cannot be read: the next run starts from the same point.
   */
  readonly run: (
    shop: Shop,
    since: string,
    enqueue: (page: readonly ReconciledWebhook[]) => Promise<void>,
    onProgress?: (progress: { readonly pages: number; readonly orders: number }) => void,
  ) => Promise<{ readonly orders: number; readonly cursor: string | null }>;
}
