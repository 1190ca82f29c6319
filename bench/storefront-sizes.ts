/**
 * npm run bench:storefront: what a BigCommerce shopper downloads from CartRelay on each page (not a
 * test; nothing asserts). The relay's router serves the built scripts (`npm run build -w
 * @cartrelay/bigcommerce` first) on loopback, and each page's scripts are fetched as a browser would,
 * in each encoding: Brotli (`Accept-Encoding: br, gzip`, today's browsers), gzip, and none. Printed: the
 * bytes of the response bodies, for a cold cache. Every file's name carries its content's hash and is
 * cached for a year, so a warm cache downloads nothing; the order-confirmation page, which runs the
 * same scripts as the checkout page, is therefore free after it. Not counted: the storefront API
 * requests checkout-sdk makes to the store itself, and the beacon.
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { loadStorefrontManifest, type ScriptBuild, serveStorefrontScripts } from '../plugins/bigcommerce/src/app/storefront-scripts.ts';

const manifest = loadStorefrontManifest();
const { landing, checkout, checkoutSdk } = manifest.scripts;

const app = express();
app.use(serveStorefrontScripts());
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const relayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const ENCODINGS = [
  ['raw', 'identity'],
  ['gzip', 'gzip'],
  ['brotli', 'br, gzip'],
] as const;

/** The body bytes the relay sends for `script` to a browser that accepts `acceptEncoding`. */
function download(script: ScriptBuild, acceptEncoding: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(`${relayUrl}/bigcommerce/s/${script.file}`, { headers: { 'Accept-Encoding': acceptEncoding } }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      response.on('end', () => (response.statusCode === 200 ? resolve(bytes) : reject(new Error(`${script.file}: ${response.statusCode}`))));
    })
      .on('error', reject)
      .end();
  });
}

const pages: [string, ScriptBuild[]][] = [
  ['storefront page (landing script)', [landing]],
  ['checkout page, no click id', [checkout]],
  ['checkout page, with a click id', [checkout, checkoutSdk]],
  ['order confirmation, with a click id, cold', [checkout, checkoutSdk]],
];

const rows = [`${'page'.padEnd(38)} ${'files'.padStart(5)} ${ENCODINGS.map(([label]) => label.padStart(10)).join(' ')}`];
for (const [page, scripts] of pages) {
  const totals: number[] = [];
  for (const [, acceptEncoding] of ENCODINGS) {
    let total = 0;
    for (const script of scripts) total += await download(script, acceptEncoding);
    totals.push(total);
  }
  rows.push(`${page.padEnd(38)} ${String(scripts.length).padStart(5)} ${totals.map((bytes) => kb(bytes).padStart(10)).join(' ')}`);
}
rows.push('', 'Files (as built, storefront/dist/manifest.json):');
for (const script of [landing, checkout, checkoutSdk]) {
  rows.push(`  ${script.file.padEnd(36)} ${ENCODINGS.map(([label]) => `${label} ${bytes(script.sizes[label])}`).join('  ')}`);
}
rows.push(
  '',
  'Cold cache. Warm: nothing (immutable, a year); the order confirmation follows the checkout page, so it is warm in practice.',
);
console.log(rows.join('\n'));
server.close();

function kb(count: number): string {
  return `${(count / 1024).toFixed(1)} KB`;
}

function bytes(count: number): string {
  return `${count.toLocaleString('en-US')} B`;
}
