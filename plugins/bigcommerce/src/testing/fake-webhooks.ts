import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { FakeAnswer } from './fake-http.ts';
import { isRecord, paginate, v3Error } from './fake-http.ts';
import type { FakeGrant } from './fake-login.ts';

/**
 * The V3 webhooks API (`/stores/{hash}/v3/hooks`, reference/webhooks.v3.yml) and BigCommerce's side
 * of a delivery: the `{scope, store_id, data, hash, created_at, producer}` envelope POSTed to every
 * active hook of the event's scope, with the hook's custom headers and, optionally, Standard Webhooks
 * signatures keyed with the client secret (docs/integrations/webhooks/https-webhook-overview.mdx).
 */
export interface FakeHook {
  readonly id: number;
  readonly client_id: string;
  readonly store_hash: string;
  scope: string;
  destination: string;
  is_active: boolean;
  headers: Record<string, string> | null;
  readonly created_at: number;
  updated_at: number;
}

export interface FakeDelivery {
  readonly hookId: number;
  readonly destination: string;
  readonly scope: string;
  /** The destination's HTTP status; 0 when it could not be reached. */
  readonly status: number;
  readonly error?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The client whose secret signs the delivery (the hook's). */
  readonly clientId: string;
}

export interface DeliverOptions {
  /** Standard Webhooks headers (webhook-id, webhook-timestamp, webhook-signature); default: the fake's `signWebhooks`. */
  readonly sign?: boolean;
  /** The event's time in ms: `created_at` and `webhook-timestamp` (default now). A time minutes ago makes a stale signature. */
  readonly at?: number;
  /** Overrides the payload hash (default SHA-1 of the JSON-encoded `data`). */
  readonly hash?: string;
}

/** One hook per store + client + scope + destination, ten per store + client + scope (webhooks/overview.mdx). */
const MAX_HOOKS_PER_SCOPE = 10;

export function createWebhooks(options: {
  readonly now: () => number;
  readonly storeIdOf: (storeHash: string) => string;
  readonly secretOf: (clientId: string) => string;
  readonly signByDefault: boolean;
}) {
  const hooks = new Map<number, FakeHook>();
  const deliveries: FakeDelivery[] = [];
  let nextId = 18_048_287;
  const seconds = () => Math.floor(options.now() / 1000);

  const own = (grant: FakeGrant, id: string | undefined) => {
    const hook = hooks.get(Number(id));
    return hook && hook.store_hash === grant.storeHash && hook.client_id === grant.clientId ? hook : undefined;
  };
  const notFound = (id: string | undefined) => v3Error(404, `Webhook with id [${id}] not found`);
  const envelope = (hook: FakeHook): FakeAnswer => ({ status: 200, body: { data: hook, meta: {} } });

  /** Checks a create or update body; returns the 422 for the first problem, as `errors: {field: message}`. */
  function invalid(body: Record<string, unknown>, creating: boolean): FakeAnswer | null {
    const missing = (field: string) => v3Error(422, 'JSON data is missing or invalid', { [field]: 'error.path.missing.' });
    const wrong = (field: string, message: string) => v3Error(422, 'JSON data is missing or invalid', { [field]: message });
    if (creating && (typeof body.scope !== 'string' || body.scope === '')) return missing('scope');
    if (creating && (typeof body.destination !== 'string' || body.destination === '')) return missing('destination');
    if (body.scope !== undefined && (typeof body.scope !== 'string' || !/^store\/[A-Za-z/*_]+$/.test(body.scope))) return wrong('scope', 'error.path.invalid.');
    if (body.destination !== undefined) {
      const problem = typeof body.destination === 'string' ? destinationProblem(body.destination) : 'error.path.invalid.';
      if (problem) return wrong('destination', problem);
    }
    if (body.is_active !== undefined && typeof body.is_active !== 'boolean') return wrong('is_active', 'error.type.boolean.');
    if (body.headers !== undefined && body.headers !== null) {
      if (!isRecord(body.headers) || Object.values(body.headers).some((value) => typeof value !== 'string')) return wrong('headers', 'error.type.object.');
    }
    return null;
  }

  function conflict(grant: FakeGrant, scope: string, destination: string, except?: number): FakeAnswer | null {
    const mine = [...hooks.values()].filter((hook) => hook.store_hash === grant.storeHash && hook.client_id === grant.clientId && hook.id !== except);
    // The docs state the limits, not the answer's words; these are the fake's.
    if (mine.some((hook) => hook.scope === scope && hook.destination === destination)) {
      return v3Error(422, 'A webhook with this scope and destination already exists', { destination: 'error.duplicate.' });
    }
    if (mine.filter((hook) => hook.scope === scope).length >= MAX_HOOKS_PER_SCOPE) {
      return v3Error(422, `No more than ${MAX_HOOKS_PER_SCOPE} webhooks per scope`, { scope: 'error.limit.' });
    }
    return null;
  }

  const api = {
    list(grant: FakeGrant, query: URLSearchParams): FakeAnswer {
      const active = query.get('is_active');
      const mine = [...hooks.values()].filter(
        (hook) =>
          hook.store_hash === grant.storeHash &&
          hook.client_id === grant.clientId &&
          (active === null || String(hook.is_active) === active) &&
          (query.get('scope') === null || hook.scope === query.get('scope')) &&
          (query.get('destination') === null || hook.destination === query.get('destination')),
      );
      return { status: 200, body: paginate(mine, query) };
    },
    create(grant: FakeGrant, body: unknown): FakeAnswer {
      if (!isRecord(body)) return v3Error(400, 'Input is invalid.');
      const problem = invalid(body, true) ?? conflict(grant, body.scope as string, body.destination as string);
      if (problem) return problem;
      const hook: FakeHook = {
        id: nextId++,
        client_id: grant.clientId,
        store_hash: grant.storeHash,
        scope: body.scope as string,
        destination: body.destination as string,
        is_active: (body.is_active as boolean | undefined) ?? true,
        headers: (body.headers as Record<string, string> | null | undefined) ?? null,
        created_at: seconds(),
        updated_at: seconds(),
      };
      hooks.set(hook.id, hook);
      return envelope(hook);
    },
    get(grant: FakeGrant, id: string | undefined): FakeAnswer {
      const hook = own(grant, id);
      return hook ? envelope(hook) : notFound(id);
    },
    /** webhook_Put: every field optional, "at least one field is required". */
    update(grant: FakeGrant, id: string | undefined, body: unknown): FakeAnswer {
      const hook = own(grant, id);
      if (!hook) return notFound(id);
      if (!isRecord(body)) return v3Error(400, 'Input is invalid.');
      if (!['scope', 'destination', 'is_active', 'headers'].some((field) => body[field] !== undefined)) {
        return v3Error(422, 'JSON data is missing or invalid', { body: 'at least one field is required' });
      }
      const problem = invalid(body, false) ?? conflict(grant, (body.scope as string | undefined) ?? hook.scope, (body.destination as string | undefined) ?? hook.destination, hook.id);
      if (problem) return problem;
      if (body.scope !== undefined) hook.scope = body.scope as string;
      if (body.destination !== undefined) hook.destination = body.destination as string;
      if (body.is_active !== undefined) hook.is_active = body.is_active as boolean;
      if (body.headers !== undefined) hook.headers = body.headers as Record<string, string> | null;
      hook.updated_at = seconds();
      return envelope(hook);
    },
    /** "When a webhook is deleted, it is returned in the response as a 200 OK." */
    remove(grant: FakeGrant, id: string | undefined): FakeAnswer {
      const hook = own(grant, id);
      if (!hook) return notFound(id);
      hooks.delete(hook.id);
      return envelope(hook);
    },
  };

  async function post(hook: FakeHook, scope: string, body: string, at: number, sign: boolean, webhookId: string): Promise<FakeDelivery> {
    const headers: Record<string, string> = { ...hook.headers, 'content-type': 'application/json' };
    if (sign) {
      const timestamp = String(Math.floor(at / 1000));
      // The Standard Webhooks library is keyed with base64(client secret) and decodes it: the HMAC key is the secret's bytes.
      const signature = createHmac('sha256', Buffer.from(options.secretOf(hook.client_id), 'utf8')).update(`${webhookId}.${timestamp}.${body}`).digest('base64');
      Object.assign(headers, { 'webhook-id': webhookId, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` });
    }
    const base = { hookId: hook.id, destination: hook.destination, scope, headers, body, clientId: hook.client_id };
    let delivery: FakeDelivery;
    try {
      const response = await fetch(hook.destination, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      delivery = { ...base, status: response.status };
    } catch (error) {
      delivery = { ...base, status: 0, error: error instanceof Error ? error.message : String(error) };
    }
    deliveries.push(delivery);
    return delivery;
  }

  return {
    hooks,
    deliveries,
    api,
    /** Fires an event: POSTs it to every active hook of the store whose scope matches (`store/order/*` included). */
    async deliver(storeHash: string, scope: string, data: unknown, deliverOptions: DeliverOptions = {}): Promise<FakeDelivery[]> {
      const at = deliverOptions.at ?? options.now();
      const body = JSON.stringify({
        scope,
        store_id: options.storeIdOf(storeHash),
        data,
        // "The payload data encoded in JSON format and then passed through SH1" (webhooks.v3.yml webhook_callback_base).
        hash: deliverOptions.hash ?? createHash('sha1').update(JSON.stringify(data)).digest('hex'),
        created_at: Math.floor(at / 1000),
        producer: `stores/${storeHash}`,
      });
      const targets = [...hooks.values()].filter((hook) => hook.store_hash === storeHash && hook.is_active && scopeMatches(hook.scope, scope));
      const sign = deliverOptions.sign ?? options.signByDefault;
      return Promise.all(targets.map((hook) => post(hook, scope, body, at, sign, `msg_${randomUUID()}`)));
    },
    /** Sends a delivery again, byte for byte and with its webhook-id, as BigCommerce's retries do; signed at `at` (default now). */
    async redeliver(delivery: FakeDelivery, redeliverOptions: { at?: number } = {}): Promise<FakeDelivery> {
      const hook = hooks.get(delivery.hookId);
      if (!hook) throw new Error(`hook ${delivery.hookId} no longer exists`);
      const webhookId = delivery.headers['webhook-id'];
      return post(hook, delivery.scope, delivery.body, redeliverOptions.at ?? options.now(), webhookId !== undefined, webhookId ?? `msg_${randomUUID()}`);
    },
  };
}

/**
 * Destinations must be HTTPS on port 443 ("custom ports are not currently supported",
 * webhooks.v3.yml). The fake also takes plain http on loopback, so tests can receive deliveries.
 */
function destinationProblem(destination: string): string | null {
  let url: URL;
  try {
    url = new URL(destination);
  } catch {
    return 'error.path.invalid.';
  }
  if (url.protocol === 'https:' && url.port === '') return null;
  if (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return null;
  return 'must be an https URL on port 443';
}

function scopeMatches(hookScope: string, scope: string): boolean {
  return hookScope === scope || (hookScope.endsWith('/*') && scope.startsWith(hookScope.slice(0, -1)));
}

