/**
 * What the storefront build writes beside its scripts (dist/manifest.json) and the app reads: each
 * script's hashed file name, the SRI integrity of its exact bytes, and what a shopper downloads for it.
 * Written by build.ts, parsed by src/app/storefront-scripts.ts; nothing here runs in a browser.
 */
import { z } from 'zod';

/** The built scripts live in dist/s/ (served at /bigcommerce/s/); the manifest in dist/. */
export const SCRIPTS_FOLDER = 's';
export const MANIFEST_FILE = 'manifest.json';

const fileName = z.string().regex(/^[a-z-]+\.[0-9a-f]{12}\.js$/, 'a hashed script name such as landing.0123456789ab.js');
const bytes = z.number().int().nonnegative();

export const scriptBuildSchema = z.object({
  file: fileName,
  /** `sha384-<base64>` of the file's bytes (what a browser checks, whatever encoding it was sent in). */
  integrity: z.string().regex(/^sha384-[A-Za-z0-9+/]{64}$/),
  /** Bytes of the file, and of its precompressed .gz (level 9) and .br (quality 11) copies that the app serves. */
  sizes: z.object({ raw: bytes, gzip: bytes, brotli: bytes }),
});

export const storefrontManifestSchema = z.object({
  scripts: z.object({
    /** On every storefront page: keeps the click id of the landing URL in a first-party cookie. */
    landing: scriptBuildSchema,
    /** On the checkout and order-confirmation pages: reads the cart (and order) id and posts the beacon. */
    checkout: scriptBuildSchema,
    /** @bigcommerce/checkout-sdk, loaded by the checkout script only for a shopper with a click id, pinned by its integrity. */
    checkoutSdk: scriptBuildSchema,
  }),
});

export type ScriptBuild = z.infer<typeof scriptBuildSchema>;
export type StorefrontManifest = z.infer<typeof storefrontManifestSchema>;
