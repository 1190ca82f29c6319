/**
 * The click-capture scripts the BigCommerce app puts on a merchant's storefront through the Scripts API:
 * where they are served (`/bigcommerce/s/<name>.<hash>.js`, immutable), what the app registers for a store
 * (`storefrontScripts`), and the build they come from (`loadStorefrontManifest`). The scripts themselves
 * are in storefront/, built by `npm run build -w @cartrelay/bigcommerce`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveAdminAssets } from '@cartrelay/core';
import express, { type NextFunction, type Request, type Response } from 'express';
import { MANIFEST_FILE, SCRIPTS_FOLDER, type ScriptBuild, type StorefrontManifest, storefrontManifestSchema } from '../../storefront/manifest.ts';
import {
  type CheckoutPage,
  DEFAULT_CLICK_ID_PARAM,
  DEFAULT_REFERRAL_DAYS,
  MAX_REFERRAL_DAYS,
  PARAM_NAME,
  QUERY,
  SCRIPTS_PATH,
  STORE_HASH,
} from '../../storefront/script-query.ts';

export type { ScriptBuild, StorefrontManifest };
export { DEFAULT_REFERRAL_DAYS };
/** The path the scripts are served under, on the app's URL. */
export const STOREFRONT_SCRIPTS_PATH = SCRIPTS_PATH;
/** Where the build writes the scripts and their manifest. */
export const STOREFRONT_DIST_DIR = fileURLToPath(new URL('../../storefront/dist', import.meta.url));

/**
 * The consent categories the scripts may be registered under. BigCommerce renders a script only once
 * the shopper has consented to its category (on stores with a consent banner); `essential` would skip
 * that for what is marketing attribution, and `unknown` (the API's default) is never rendered on such stores.
 */
export const STOREFRONT_CONSENT_CATEGORIES = ['functional', 'analytics', 'targeting'] as const;
export type StorefrontConsentCategory = (typeof STOREFRONT_CONSENT_CATEGORIES)[number];

/** The scripts' names in the store's Script Manager: the app finds its own scripts by them. */
export const STOREFRONT_SCRIPT_NAMES = {
  landing: 'CartRelay click capture',
  checkout: 'CartRelay checkout',
  orderConfirmation: 'CartRelay order confirmation',
} as const;

/** A script as `POST`/`PUT /stores/{hash}/v3/content/scripts` takes it (the fields the app sets). */
export interface ScriptsApiScript {
  readonly name: string;
  readonly description: string;
  readonly src: string;
  readonly kind: 'src';
  readonly load_method: 'defer';
  readonly location: 'footer';
  readonly visibility: 'storefront' | CheckoutPage;
  readonly auto_uninstall: true;
  readonly consent_category: StorefrontConsentCategory;
  /** On the checkout and order-confirmation scripts (BigCommerce requires SRI on those pages); absent on the landing script. */
  readonly integrity_hashes?: readonly string[];
}

export interface StorefrontScriptsOptions {
  /** The app's public base URL (`BIGCOMMERCE_APP_URL`), where `/bigcommerce/s/` and `/collect/bigcommerce` are. */
  readonly appUrl: string;
  readonly storeHash: string;
  /** The store's `clickIdParam`; `irclickid` when absent. */
  readonly clickIdParam?: string;
  /** How many days a click is kept, 1–365; 30 when absent. */
  readonly referralDays?: number;
  readonly consentCategory: StorefrontConsentCategory;
  readonly manifest: StorefrontManifest;
}

/**
 * The scripts a store should have, in the order to create them: the landing script on every storefront
 * page, and the checkout script on the checkout and on the order-confirmation page, each one file for
 * every store with the store's settings in its `src` query (the scripts read them from there). The app
 * compares these with the store's scripts (by name) and creates or updates what differs: a new build or
 * changed settings change `src` and `integrity_hashes`. Throws on settings that core's config or the
 * app's environment should have refused.
 */
export function storefrontScripts(options: StorefrontScriptsOptions): ScriptsApiScript[] {
  const { storeHash, consentCategory, manifest } = options;
  const clickIdParam = options.clickIdParam ?? DEFAULT_CLICK_ID_PARAM;
  const referralDays = options.referralDays ?? DEFAULT_REFERRAL_DAYS;
  if (!STORE_HASH.test(storeHash)) throw new RangeError(`not a BigCommerce store hash: ${JSON.stringify(storeHash)}`);
  if (!PARAM_NAME.test(clickIdParam)) throw new RangeError(`not a query parameter name: ${JSON.stringify(clickIdParam)}`);
  if (!Number.isInteger(referralDays) || referralDays < 1 || referralDays > MAX_REFERRAL_DAYS) {
    throw new RangeError(`referralDays must be a whole number of days from 1 to ${MAX_REFERRAL_DAYS}, got ${referralDays}`);
  }
  if (!STOREFRONT_CONSENT_CATEGORIES.includes(consentCategory)) throw new RangeError(`not a consent category for the scripts: ${JSON.stringify(consentCategory)}`);
  const scriptsUrl = scriptsBaseUrl(options.appUrl);
  const src = (script: ScriptBuild, query: Record<string, string>) => `${scriptsUrl}/${script.file}?${new URLSearchParams(query)}`;
  const common = { kind: 'src', load_method: 'defer', location: 'footer', auto_uninstall: true, consent_category: consentCategory } as const;
  const { landing, checkout } = manifest.scripts;
  const checkoutOn = (page: CheckoutPage): string => src(checkout, { [QUERY.store]: storeHash, [QUERY.page]: page });
  return [
    {
      name: STOREFRONT_SCRIPT_NAMES.landing,
      description: `Keeps the impact.com click id (${clickIdParam}) of the page a shopper lands on in a first-party cookie for ${referralDays} days, so that CartRelay can credit the partner who sent the order.`,
      src: src(landing, { [QUERY.store]: storeHash, [QUERY.clickIdParam]: clickIdParam, [QUERY.referralDays]: String(referralDays) }),
      visibility: 'storefront',
      ...common,
    },
    {
      name: STOREFRONT_SCRIPT_NAMES.checkout,
      description: 'For a shopper who came through a partner link: sends CartRelay the checkout’s cart id with the kept click id, so that the order is credited to that partner.',
      src: checkoutOn('checkout'),
      visibility: 'checkout',
      ...common,
      integrity_hashes: [checkout.integrity],
    },
    {
      name: STOREFRONT_SCRIPT_NAMES.orderConfirmation,
      description: 'For a shopper who came through a partner link: sends CartRelay the placed order’s id with the kept click id.',
      src: checkoutOn('order_confirmation'),
      visibility: 'order_confirmation',
      ...common,
      integrity_hashes: [checkout.integrity],
    },
  ];
}

/** `<app URL>/bigcommerce/s`, keeping a path prefix the app URL may have. */
function scriptsBaseUrl(appUrl: string): string {
  let url: URL;
  try {
    url = new URL(appUrl);
  } catch {
    throw new RangeError(`appUrl is not a URL: ${JSON.stringify(appUrl)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RangeError(`appUrl must be http(s): ${JSON.stringify(appUrl)}`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}${SCRIPTS_PATH}`;
}

/** The storefront build is missing or does not match its manifest: the app cannot register what it cannot serve. */
export class StorefrontBuildError extends Error {
  override readonly name = 'StorefrontBuildError';
}

const REBUILD = 'run npm run build -w @cartrelay/bigcommerce';

/**
 * The built scripts' manifest (storefront/dist/manifest.json), checked against the files beside it:
 * each listed file is there and its bytes have the listed integrity, so what the app registers is what
 * it serves. Read it once at start; throws StorefrontBuildError, naming the fix, when the build is
 * missing, partial or stale.
 */
export function loadStorefrontManifest(distDir: string = STOREFRONT_DIST_DIR): StorefrontManifest {
  const path = join(distDir, MANIFEST_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new StorefrontBuildError(`the storefront scripts are not built (${path} is missing): ${REBUILD}`);
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StorefrontBuildError(`${path} is not JSON: ${REBUILD}`);
  }
  const parsed = storefrontManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StorefrontBuildError(`${path} is not a storefront manifest (${issue?.path.join('.')}: ${issue?.message}): ${REBUILD}`);
  }
  for (const script of Object.values(parsed.data.scripts)) {
    const file = join(distDir, SCRIPTS_FOLDER, script.file);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      throw new StorefrontBuildError(`${file}, listed in ${path}, is missing: ${REBUILD}`);
    }
    if (`sha384-${createHash('sha384').update(bytes).digest('base64')}` !== script.integrity) {
      throw new StorefrontBuildError(`${file} does not have the integrity ${path} lists: ${REBUILD}`);
    }
  }
  return parsed.data;
}

/**
 * Serves the built scripts at `/bigcommerce/s/<name>.<hash>.js` (mount at the app's root): each name
 * carries its content's hash, so it is cached for a year (`immutable`), sent in the smallest encoding
 * the browser accepts from the build's precompressed copies, and readable from any origin — BigCommerce
 * adds `crossorigin="anonymous"` to a script with an integrity hash, so without
 * `Access-Control-Allow-Origin` the browser would refuse it. Any other name under the path is a 404;
 * other paths pass on.
 */
export function serveStorefrontScripts(distDir: string = STOREFRONT_DIST_DIR): express.Router {
  const router = express.Router();
  router.use(SCRIPTS_PATH, readableAnywhere, serveAdminAssets(join(distDir, SCRIPTS_FOLDER)));
  return router;
}

export interface StorefrontFromBuildOptions {
  /** The app's public base URL (`BIGCOMMERCE_APP_URL`). */
  readonly appUrl: string;
  readonly consentCategory: StorefrontConsentCategory;
  /** Days a click is kept, for every store; 30 when absent. */
  readonly referralDays?: number;
  /** The build's folder; storefront/dist when absent. */
  readonly distDir?: string;
}

/** The built scripts as the app uses them: their router, and what each store should register. */
export interface BuiltStorefront {
  readonly manifest: StorefrontManifest;
  /** Serves `/bigcommerce/s/*` (serveStorefrontScripts). */
  readonly router: express.Router;
  /** The Scripts API bodies for one store (storefrontScripts). */
  scriptsFor(store: { readonly storeHash: string; readonly clickIdParam?: string; readonly referralDays?: number }): ScriptsApiScript[];
}

/**
 * The storefront scripts of one build, read once (loadStorefrontManifest: throws StorefrontBuildError
 * when it is missing or stale, so an app that cannot serve its scripts does not start), with the
 * router that serves them and the scripts each store should have.
 */
export function storefrontFromBuild(options: StorefrontFromBuildOptions): BuiltStorefront {
  const distDir = options.distDir ?? STOREFRONT_DIST_DIR;
  const manifest = loadStorefrontManifest(distDir);
  return {
    manifest,
    router: serveStorefrontScripts(distDir),
    scriptsFor: (store) =>
      storefrontScripts({
        appUrl: options.appUrl,
        consentCategory: options.consentCategory,
        manifest,
        ...store,
        referralDays: store.referralDays ?? options.referralDays ?? DEFAULT_REFERRAL_DAYS,
      }),
  };
}

function readableAnywhere(_req: Request, res: Response, next: NextFunction) {
  res.set({
    'Access-Control-Allow-Origin': '*',
    // Stores that isolate their pages (COEP) may still embed the scripts.
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'X-Content-Type-Options': 'nosniff',
  });
  next();
}
