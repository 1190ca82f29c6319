// The app's side of the storefront scripts: serving the built files, reading their manifest, and the
// Scripts API bodies for a store. The build runs before the tests (turbo: test depends on build).
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  loadStorefrontManifest,
  STOREFRONT_DIST_DIR,
  StorefrontBuildError,
  type StorefrontManifest,
  serveStorefrontScripts,
  storefrontFromBuild,
  storefrontScripts,
} from '../src/app/storefront-scripts.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const sri = (bytes: Uint8Array) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

let manifest: StorefrontManifest;
let relayUrl: string;
let close: () => Promise<void>;

beforeAll(async () => {
  manifest = loadStorefrontManifest();
  const app = express();
  app.use(serveStorefrontScripts());
  app.get('/healthz', (_req, res) => {
    res.send('ok');
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  relayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});
afterAll(() => close());

const built = () => Object.entries(manifest.scripts);

describe('GET /bigcommerce/s/<hashed name>', () => {
  test.each(['br, gzip', 'gzip', 'identity'])('each built script, asked with Accept-Encoding %s: immutable, readable from any origin, JavaScript, its exact bytes', async (accept) => {
    for (const [, script] of built()) {
      const response = await fetch(`${relayUrl}/bigcommerce/s/${script.file}`, { headers: { 'Accept-Encoding': accept } });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe(IMMUTABLE);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('content-type')).toMatch(/^(text|application)\/javascript\b/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-encoding')).toBe(accept === 'identity' ? null : accept.split(',')[0] === 'br' ? 'br' : 'gzip');
      // What the browser checks against the integrity hash: the bytes after decoding.
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect(sri(bytes)).toBe(script.integrity);
      expect(bytes.length).toBe(script.sizes.raw);
    }
  });

  test('what goes over the wire is the size the manifest records for that encoding', async () => {
    for (const [, script] of built()) {
      for (const [encoding, size] of [
        ['br', script.sizes.brotli],
        ['gzip', script.sizes.gzip],
      ] as const) {
        const length = await new Promise<string | undefined>((resolve, reject) => {
          request(`${relayUrl}/bigcommerce/s/${script.file}`, { headers: { 'Accept-Encoding': encoding } }, (response) => {
            response.resume();
            resolve(response.headers['content-length']);
          })
            .on('error', reject)
            .end();
        });
        expect(Number(length)).toBe(size);
      }
    }
  });

  test.each([
    ['an unknown name', '/bigcommerce/s/landing.000000000000.js'],
    ['a precompressed copy by name', `/bigcommerce/s/LANDING.gz`],
    ['the folder', '/bigcommerce/s/'],
    ['a deeper path', '/bigcommerce/s/x/landing.js'],
    ['the manifest beside the folder', '/bigcommerce/s/manifest.json'],
    ['the manifest through ..', '/bigcommerce/s/..%2Fmanifest.json'],
  ])('404 for %s, and nobody caches it', async (_label, path) => {
    const response = await fetch(relayUrl + path.replace('LANDING', manifest.scripts.landing.file));
    expect(response.status).toBe(404);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  test('other paths pass on to the rest of the app', async () => {
    const response = await fetch(`${relayUrl}/healthz`);
    expect(await response.text()).toBe('ok');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the manifest', () => {
  test('lists the three scripts, each named by its content and with the integrity of its bytes', () => {
    expect(Object.keys(manifest.scripts).sort()).toEqual(['checkout', 'checkoutSdk', 'landing']);
    for (const [name, script] of built()) {
      const prefix = { landing: 'landing', checkout: 'checkout', checkoutSdk: 'checkout-sdk' }[name];
      expect(script.file).toMatch(new RegExp(`^${prefix}\\.[0-9a-f]{12}\\.js$`));
      const bytes = readBuilt(script.file);
      expect(script.file.slice(prefix!.length + 1, -3)).toBe(createHash('sha256').update(bytes).digest('hex').slice(0, 12));
      expect(sri(bytes)).toBe(script.integrity);
    }
  });

  test('the checkout script pins the SDK chunk: its name and integrity are in its bytes', () => {
    const checkout = readBuilt(manifest.scripts.checkout.file).toString('utf8');
    expect(checkout).toContain(JSON.stringify(manifest.scripts.checkoutSdk.file).slice(1, -1));
    expect(checkout).toContain(manifest.scripts.checkoutSdk.integrity);
  });

  describe('a missing, partial or stale build is refused, naming the fix', () => {
    let copy: string;
    beforeAll(() => {
      copy = mkdtempSync(join(tmpdir(), 'cartrelay-storefront-'));
    });
    afterAll(() => rmSync(copy, { recursive: true, force: true }));
    const fresh = () => {
      rmSync(copy, { recursive: true, force: true });
      cpSync(STOREFRONT_DIST_DIR, copy, { recursive: true });
      return copy;
    };

    test('not built', () => {
      expect(() => loadStorefrontManifest(join(copy, 'nowhere'))).toThrow(StorefrontBuildError);
      expect(() => loadStorefrontManifest(join(copy, 'nowhere'))).toThrow(/not built .*npm run build -w @cartrelay\/bigcommerce/);
    });

    test('a listed script missing', () => {
      rmSync(join(fresh(), 's', manifest.scripts.checkoutSdk.file));
      expect(() => loadStorefrontManifest(copy)).toThrow(/checkout-sdk\.[0-9a-f]{12}\.js, listed in .* is missing: run npm run build/);
    });

    test('a script whose bytes changed since the manifest was written', () => {
      writeFileSync(join(fresh(), 's', manifest.scripts.landing.file), 'alert(1)');
      expect(() => loadStorefrontManifest(copy)).toThrow(/does not have the integrity/);
    });

    test('a manifest of another shape', () => {
      writeFileSync(join(fresh(), 'manifest.json'), JSON.stringify({ scripts: { landing: manifest.scripts.landing } }));
      expect(() => loadStorefrontManifest(copy)).toThrow(/is not a storefront manifest \(scripts\.checkout: /);
      writeFileSync(join(copy, 'manifest.json'), '{');
      expect(() => loadStorefrontManifest(copy)).toThrow(/is not JSON/);
    });

    test('an intact copy is read', () => {
      expect(loadStorefrontManifest(fresh())).toEqual(manifest);
    });
  });
});

describe('storefrontScripts: what the app registers for a store', () => {
  const FIXED: StorefrontManifest = {
    scripts: {
      landing: { file: 'landing.aaaaaaaaaaaa.js', integrity: `sha384-${'A'.repeat(64)}`, sizes: { raw: 1000, gzip: 600, brotli: 500 } },
      checkout: { file: 'checkout.bbbbbbbbbbbb.js', integrity: `sha384-${'B'.repeat(64)}`, sizes: { raw: 3000, gzip: 1500, brotli: 1300 } },
      checkoutSdk: { file: 'checkout-sdk.cccccccccccc.js', integrity: `sha384-${'C'.repeat(64)}`, sizes: { raw: 760_000, gzip: 186_000, brotli: 150_000 } },
    },
  };

  test('the landing script on the storefront; the checkout script, SRI-pinned, on checkout and order confirmation; the store’s settings in each src', () => {
    expect(
      storefrontScripts({ appUrl: 'https://relay.example', storeHash: 'g5cd38', clickIdParam: 'clid', referralDays: 7, consentCategory: 'analytics', manifest: FIXED }),
    ).toEqual([
      {
        name: 'CartRelay click capture',
        description:
          'Keeps the impact.com click id (clid) of the page a shopper lands on in a first-party cookie for 7 days, so that CartRelay can credit the partner who sent the order.',
        src: 'https://relay.example/bigcommerce/s/landing.aaaaaaaaaaaa.js?store=g5cd38&clickIdParam=clid&referralDays=7',
        kind: 'src',
        load_method: 'defer',
        location: 'footer',
        visibility: 'storefront',
        auto_uninstall: true,
        consent_category: 'analytics',
      },
      {
        name: 'CartRelay checkout',
        description:
          'For a shopper who came through a partner link: sends CartRelay the checkout’s cart id with the kept click id, so that the order is credited to that partner.',
        src: 'https://relay.example/bigcommerce/s/checkout.bbbbbbbbbbbb.js?store=g5cd38&page=checkout',
        kind: 'src',
        load_method: 'defer',
        location: 'footer',
        visibility: 'checkout',
        auto_uninstall: true,
        consent_category: 'analytics',
        integrity_hashes: [`sha384-${'B'.repeat(64)}`],
      },
      {
        name: 'CartRelay order confirmation',
        description: 'For a shopper who came through a partner link: sends CartRelay the placed order’s id with the kept click id.',
        src: 'https://relay.example/bigcommerce/s/checkout.bbbbbbbbbbbb.js?store=g5cd38&page=order_confirmation',
        kind: 'src',
        load_method: 'defer',
        location: 'footer',
        visibility: 'order_confirmation',
        auto_uninstall: true,
        consent_category: 'analytics',
        integrity_hashes: [`sha384-${'B'.repeat(64)}`],
      },
    ]);
  });

  test('irclickid and 30 days by default; an app URL with a path (and a trailing slash) keeps its path', () => {
    const [landing, checkout] = storefrontScripts({ appUrl: 'https://apps.example/cartrelay/', storeHash: 'g5cd38', consentCategory: 'targeting', manifest: FIXED });
    expect(landing?.src).toBe('https://apps.example/cartrelay/bigcommerce/s/landing.aaaaaaaaaaaa.js?store=g5cd38&clickIdParam=irclickid&referralDays=30');
    expect(landing?.description).toContain('(irclickid)');
    expect(checkout?.src).toBe('https://apps.example/cartrelay/bigcommerce/s/checkout.bbbbbbbbbbbb.js?store=g5cd38&page=checkout');
  });

  test('a click id parameter is encoded into the query', () => {
    const [landing] = storefrontScripts({ appUrl: 'https://relay.example', storeHash: 'g5cd38', clickIdParam: 'ir~click.id', consentCategory: 'targeting', manifest: FIXED });
    expect(new URL(landing!.src).searchParams.get('clickIdParam')).toBe('ir~click.id');
  });

  test.each([
    ['a store hash that is not one', { storeHash: 'stores/g5cd38' }, /store hash/],
    ['a parameter name with a space', { clickIdParam: 'ir click' }, /query parameter name/],
    ['0 days', { referralDays: 0 }, /referralDays/],
    ['a fraction of days', { referralDays: 1.5 }, /referralDays/],
    ['essential consent', { consentCategory: 'essential' }, /consent category/],
    ['an app URL that is not one', { appUrl: 'relay.example' }, /appUrl/],
    ['an app URL that is not http', { appUrl: 'ftp://relay.example' }, /appUrl/],
  ])('throws on %s (the config and the environment refuse those first)', (_label, change, message) => {
    const options = { appUrl: 'https://relay.example', storeHash: 'g5cd38', consentCategory: 'targeting' as const, manifest: FIXED, ...change };
    expect(() => storefrontScripts(options as Parameters<typeof storefrontScripts>[0])).toThrow(message);
  });

  test('with the real build: every src the app registers answers with bytes that match its integrity hash', async () => {
    const scripts = storefrontScripts({ appUrl: relayUrl, storeHash: 'g5cd38', consentCategory: 'targeting', manifest });
    expect(scripts).toHaveLength(3);
    for (const script of scripts) {
      const response = await fetch(script.src, { headers: { Origin: 'https://store-g5cd38.mybigcommerce.com' } });
      expect(response.status).toBe(200);
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (script.integrity_hashes) expect(script.integrity_hashes).toEqual([sri(bytes)]);
      else expect(script.visibility).toBe('storefront');
    }
  });
});

function readBuilt(file: string): Buffer {
  return readFileSync(join(STOREFRONT_DIST_DIR, 's', file));
}

describe('storefrontFromBuild: the build as the app uses it', () => {
  test('the manifest read once, the scripts for each store from it, the store’s own referral window over the app’s', () => {
    const storefront = storefrontFromBuild({ appUrl: 'https://relay.example', consentCategory: 'targeting', referralDays: 14 });
    expect(storefront.manifest).toEqual(manifest);
    expect(storefront.scriptsFor({ storeHash: 'g5cd38', clickIdParam: 'clid' })).toEqual(
      storefrontScripts({ appUrl: 'https://relay.example', storeHash: 'g5cd38', clickIdParam: 'clid', referralDays: 14, consentCategory: 'targeting', manifest }),
    );
    expect(new URL(storefront.scriptsFor({ storeHash: 'g5cd38', referralDays: 3 })[0]!.src).searchParams.get('referralDays')).toBe('3');
    expect(typeof storefront.router).toBe('function');
  });

  test('no build, no app: it throws at once, naming the fix', () => {
    expect(() => storefrontFromBuild({ appUrl: 'https://relay.example', consentCategory: 'targeting', distDir: join(tmpdir(), 'cartrelay-no-build') })).toThrow(
      /not built .*npm run build -w @cartrelay\/bigcommerce/,
    );
  });
});
