import { randomUUID } from 'node:crypto';
import type { FakeAnswer } from './fake-http.ts';
import { MISSING_SCOPE, isRecord, paginate, v3Error } from './fake-http.ts';
import type { FakeGrant } from './fake-login.ts';

/**
 * The Scripts API (`/stores/{hash}/v3/content/scripts`, reference/scripts.v3.yml and
 * docs/integrations/scripts.mdx): each app sees and changes only its own scripts, ten at most;
 * `checkout` and `all_pages` need the Checkout Content scope; scripts on the checkout page need an
 * SRI hash (PCI DSS 4.0 6.4.3).
 */
export type ScriptVisibility = 'storefront' | 'all_pages' | 'checkout' | 'order_confirmation';

export interface FakeScript {
  readonly uuid: string;
  readonly store_hash: string;
  name: string;
  description: string;
  html: string;
  src: string;
  auto_uninstall: boolean;
  load_method: 'default' | 'async' | 'defer';
  location: 'head' | 'footer';
  visibility: ScriptVisibility;
  kind: 'src' | 'script_tag';
  /** The client id of the app that created it. */
  readonly api_client_id: string;
  consent_category: 'essential' | 'functional' | 'analytics' | 'targeting' | 'unknown';
  enabled: boolean;
  channel_id: number;
  integrity_hashes: string[];
  readonly date_created: string;
  date_modified: string;
}

const ENUMS = {
  load_method: ['default', 'async', 'defer'],
  location: ['head', 'footer'],
  visibility: ['storefront', 'all_pages', 'checkout', 'order_confirmation'],
  kind: ['src', 'script_tag'],
  consent_category: ['essential', 'functional', 'analytics', 'targeting'],
} as const;
const WRITABLE = ['name', 'description', 'html', 'src', 'auto_uninstall', 'load_method', 'location', 'visibility', 'kind', 'consent_category', 'enabled', 'channel_id', 'integrity_hashes'] as const;

/** "Each app can have 10 API-created scripts" (scripts.mdx). */
const MAX_SCRIPTS_PER_APP = 10;
const SRI = /^sha(256|384|512)-[A-Za-z0-9+/]+={0,2}$/;

const CONTENT_READ = ['store_v2_content', 'store_v2_content_read_only', 'store_content_checkout', 'store_content_checkout_read_only'];
const CONTENT_WRITE = ['store_v2_content', 'store_content_checkout'];
const CHECKOUT_READ = ['store_content_checkout', 'store_content_checkout_read_only'];

const has = (grant: FakeGrant, scopes: readonly string[]) => scopes.some((scope) => grant.scopes.has(scope));
/** `all_pages` includes Checkout and Order Confirmation (scripts.mdx, "Script scope / template"). */
export const onCheckout = (visibility: ScriptVisibility) => visibility === 'checkout' || visibility === 'all_pages';

export function createScripts(options: { readonly now: () => number }) {
  const scripts = new Map<string, FakeScript>();
  const iso = () => new Date(options.now()).toISOString();
  const invalid = (field: string, message: string) => v3Error(422, 'JSON data is missing or invalid', { [field]: message });

  const own = (grant: FakeGrant, uuid: string | undefined) => {
    const script = uuid ? scripts.get(uuid) : undefined;
    return script && script.store_hash === grant.storeHash && script.api_client_id === grant.clientId ? script : undefined;
  };
  const notFound = () => v3Error(404, 'The requested resource was not found');
  /** A script as the API shows it (script_Full has no store hash). */
  const view = ({ store_hash: _store, ...script }: FakeScript) => script;
  const envelope = (script: FakeScript): FakeAnswer => ({ status: 200, body: { data: view(script), meta: {} } });

  /** The script a create or update would leave, or the 4xx that refuses it. */
  function apply(grant: FakeGrant, base: FakeScript, body: Record<string, unknown>): FakeScript | FakeAnswer {
    const next = { ...base, integrity_hashes: [...base.integrity_hashes] };
    for (const field of WRITABLE) {
      const value = body[field];
      if (value === undefined) continue;
      if (field in ENUMS && !(ENUMS[field as keyof typeof ENUMS] as readonly unknown[]).includes(value)) return invalid(field, `must be one of ${ENUMS[field as keyof typeof ENUMS].join(', ')}`);
      if (['name', 'description', 'html', 'src'].includes(field) && typeof value !== 'string') return invalid(field, 'must be a string');
      if (['auto_uninstall', 'enabled'].includes(field) && typeof value !== 'boolean') return invalid(field, 'must be a boolean');
      if (field === 'channel_id' && !(Number.isInteger(value) && (value as number) >= 1)) return invalid(field, 'must be an integer ≥ 1');
      if (field === 'integrity_hashes' && !(Array.isArray(value) && value.length <= 5 && value.every((hash) => typeof hash === 'string' && SRI.test(hash)))) {
        return invalid(field, 'up to five sha256-, sha384- or sha512- hashes');
      }
      Object.assign(next, { [field]: value });
    }
    if (next.name.length < 1 || next.name.length > 255) return invalid('name', 'must be 1 to 255 characters');
    if (next.kind === 'src') {
      if (!/^https?:\/\//.test(next.src)) return invalid('src', 'a src script needs an absolute src URL');
      if (next.html !== '') return invalid('html', 'a src script has no html');
    } else {
      if (!/<script[\s>]/i.test(next.html) || next.html.length > 65_536) return invalid('html', 'a script_tag needs an html <script> block of at most 65536 characters');
      if (next.src !== '') return invalid('src', 'a script_tag has no src');
      if (next.load_method !== 'default') return invalid('load_method', 'a script_tag loads with the default method');
    }
    // "You need to have Checkout content scope to use all_pages and checkout" (scripts.v3.yml, visibility).
    if (onCheckout(next.visibility) && !grant.scopes.has('store_content_checkout')) return MISSING_SCOPE;
    // "All scripts on the checkout page need at least one SRI hash" (scripts.mdx, Subresource integrity).
    if (onCheckout(next.visibility) && next.kind === 'src' && next.integrity_hashes.length === 0) {
      return invalid('integrity_hashes', 'scripts on the checkout page need at least one SRI hash');
    }
    next.date_modified = iso();
    return next;
  }

  const api = {
    list(grant: FakeGrant, query: URLSearchParams): FakeAnswer {
      if (!has(grant, CONTENT_READ)) return MISSING_SCOPE;
      const channels = query.get('channel_id:in')?.split(',').map(Number);
      const sort = query.get('sort') as 'name' | 'description' | 'date_created' | 'date_modified' | null;
      const direction = query.get('direction') === 'desc' ? -1 : 1;
      const mine = [...scripts.values()]
        .filter((script) => script.store_hash === grant.storeHash && script.api_client_id === grant.clientId)
        // "To read or modify scripts on checkout pages, add Checkout Content scopes" (scripts.v3.yml).
        .filter((script) => !onCheckout(script.visibility) || has(grant, CHECKOUT_READ))
        .filter((script) => !channels || channels.includes(script.channel_id));
      if (sort) mine.sort((a, b) => direction * String(a[sort]).localeCompare(String(b[sort])));
      return { status: 200, body: paginate(mine.map(view), query) };
    },
    create(grant: FakeGrant, body: unknown): FakeAnswer {
      if (!has(grant, CONTENT_WRITE)) return MISSING_SCOPE;
      if (!isRecord(body)) return v3Error(400, 'Input is invalid.');
      if (typeof body.name !== 'string') return invalid('name', 'error.path.missing.');
      const mine = [...scripts.values()].filter((script) => script.store_hash === grant.storeHash && script.api_client_id === grant.clientId);
      if (mine.length >= MAX_SCRIPTS_PER_APP) return v3Error(422, `An app can have at most ${MAX_SCRIPTS_PER_APP} scripts`, { name: 'error.limit.' });
      // Defaults where the spec names none: the fake's choice, except consent_category ("defaults to unknown").
      const base: FakeScript = {
        uuid: randomUUID(),
        store_hash: grant.storeHash,
        name: '',
        description: '',
        html: '',
        src: '',
        auto_uninstall: false,
        load_method: 'default',
        location: 'head',
        visibility: 'storefront',
        kind: 'src',
        api_client_id: grant.clientId,
        consent_category: 'unknown',
        enabled: true,
        channel_id: 1,
        integrity_hashes: [],
        date_created: iso(),
        date_modified: iso(),
      };
      const script = apply(grant, base, body);
      if (!('uuid' in script)) return script;
      scripts.set(script.uuid, script);
      return envelope(script);
    },
    get(grant: FakeGrant, uuid: string | undefined): FakeAnswer {
      if (!has(grant, CONTENT_READ)) return MISSING_SCOPE;
      const script = own(grant, uuid);
      if (!script) return notFound();
      return onCheckout(script.visibility) && !has(grant, CHECKOUT_READ) ? MISSING_SCOPE : envelope(script);
    },
    update(grant: FakeGrant, uuid: string | undefined, body: unknown): FakeAnswer {
      if (!has(grant, CONTENT_WRITE)) return MISSING_SCOPE;
      const script = own(grant, uuid);
      if (!script) return notFound();
      if (!isRecord(body)) return v3Error(400, 'Input is invalid.');
      if (onCheckout(script.visibility) && !grant.scopes.has('store_content_checkout')) return MISSING_SCOPE;
      const next = apply(grant, script, body);
      if (!('uuid' in next)) return next;
      scripts.set(next.uuid, next);
      return envelope(next);
    },
    remove(grant: FakeGrant, uuid: string | undefined): FakeAnswer {
      if (!has(grant, CONTENT_WRITE)) return MISSING_SCOPE;
      const script = own(grant, uuid);
      if (!script) return notFound();
      if (onCheckout(script.visibility) && !grant.scopes.has('store_content_checkout')) return MISSING_SCOPE;
      scripts.delete(script.uuid);
      return { status: 204 };
    },
  };

  return {
    scripts,
    api,
    /**
     * What a merchant may do in Script Manager to any script, an app's included: change its consent
     * category (or switch it off), or delete it (scripts.mdx, "Scripts API and Script Manager").
     */
    alterAsMerchant(uuid: string, change: Partial<Pick<FakeScript, 'consent_category' | 'enabled'>>): FakeScript {
      const script = scripts.get(uuid);
      if (!script) throw new Error(`no script ${uuid}`);
      Object.assign(script, change, { date_modified: iso() });
      return script;
    },
    deleteAsMerchant(uuid: string): void {
      if (!scripts.delete(uuid)) throw new Error(`no script ${uuid}`);
    },
    /** On uninstall or token revocation, BigCommerce removes the app's scripts made with `auto_uninstall: true`. */
    autoUninstall(storeHash: string, clientId: string): void {
      for (const script of [...scripts.values()]) {
        if (script.store_hash === storeHash && script.api_client_id === clientId && script.auto_uninstall) scripts.delete(script.uuid);
      }
    },
  };
}
