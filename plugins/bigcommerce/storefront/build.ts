/**
 * npm run build (in @cartrelay/bigcommerce): the storefront scripts, as minified IIFE bundles named by
 * their content hash, in dist/s/ with a gzip and a Brotli copy of each, and dist/manifest.json with each
 * script's name, integrity and sizes (storefront/manifest.ts). The SDK chunk is built first: the
 * checkout script carries its name and integrity. The output is deterministic, so a build whose
 * sources did not change keeps the names, and the stores' registered scripts stay valid.
 */
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, type Rolldown } from 'vite';
import { MANIFEST_FILE, SCRIPTS_FOLDER, type ScriptBuild, type StorefrontManifest, storefrontManifestSchema } from './manifest.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
const dist = join(root, 'dist');
const scriptsDir = join(dist, SCRIPTS_FOLDER);

/** Shoppers' browsers: syntax up to ES2020 (Safari 14, Chrome 80) is left as is. */
const TARGET = 'es2020';

async function bundle(entry: string, define: Record<string, string> = {}): Promise<Buffer> {
  const result = await build({
    configFile: false,
    root,
    logLevel: 'warn',
    // Library mode leaves process.env alone; the SDK's dependencies read NODE_ENV.
    define: { 'process.env.NODE_ENV': '"production"', ...define },
    build: {
      write: false,
      target: TARGET,
      minify: true,
      sourcemap: false,
      chunkSizeWarningLimit: 1024,
      lib: { entry: join(root, entry), formats: ['iife'], name: 'cartrelay', fileName: () => 'bundle.js' },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const chunks = outputs.flatMap((output) => output.output).filter((item): item is Rolldown.OutputChunk => item.type === 'chunk');
  if (chunks.length !== 1) throw new Error(`${entry}: expected one chunk, got ${chunks.length}`);
  return Buffer.from(chunks[0]!.code);
}

/** Writes `<name>.<hash>.js` and its .gz and .br copies; returns its manifest entry. */
async function emit(name: string, code: Buffer): Promise<ScriptBuild> {
  const file = `${name}.${createHash('sha256').update(code).digest('hex').slice(0, 12)}.js`;
  const gzip = gzipSync(code, { level: 9 });
  const brotli = brotliCompressSync(code, {
    params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: code.length },
  });
  await Promise.all([
    writeFile(join(scriptsDir, file), code),
    writeFile(join(scriptsDir, `${file}.gz`), gzip),
    writeFile(join(scriptsDir, `${file}.br`), brotli),
  ]);
  return {
    file,
    integrity: `sha384-${createHash('sha384').update(code).digest('base64')}`,
    sizes: { raw: code.length, gzip: gzip.length, brotli: brotli.length },
  };
}

await rm(dist, { recursive: true, force: true });
await mkdir(scriptsDir, { recursive: true });

const checkoutSdk = await emit('checkout-sdk', await bundle('checkout-sdk.ts'));
const checkout = await emit(
  'checkout',
  await bundle('checkout.ts', {
    __CHECKOUT_SDK_FILE__: JSON.stringify(checkoutSdk.file),
    __CHECKOUT_SDK_INTEGRITY__: JSON.stringify(checkoutSdk.integrity),
  }),
);
const landing = await emit('landing', await bundle('landing.ts'));

const manifest: StorefrontManifest = storefrontManifestSchema.parse({ scripts: { landing, checkout, checkoutSdk } });
await writeFile(join(dist, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);

for (const script of Object.values(manifest.scripts)) {
  const { raw, gzip, brotli } = script.sizes;
  console.log(`${script.file.padEnd(32)} ${String(raw).padStart(8)} B  gzip ${String(gzip).padStart(7)} B  brotli ${String(brotli).padStart(7)} B`);
}
