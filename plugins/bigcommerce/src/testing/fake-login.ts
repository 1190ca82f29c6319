import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { FakeAnswer } from './fake-http.ts';
import { isRecord } from './fake-http.ts';

/**
 * BigCommerce's login service and what it grants: one-time auth codes, the token endpoint
 * (`POST https://login.bigcommerce.com/oauth2/token`) and the store tokens the API accepts, each
 * belonging to one API client (app). docs/integrations/apps/guide/auth.mdx (bigcommerce/docs@24f580c).
 */

export interface FakeUser {
  readonly id: number;
  readonly username?: string;
  readonly email: string;
  readonly locale?: string;
}

/** A granted token: the store, the API client it belongs to and its space-separated scopes. */
export interface FakeGrant {
  readonly token: string;
  readonly storeHash: string;
  readonly clientId: string;
  readonly scopes: ReadonlySet<string>;
  revoked: boolean;
}

export interface IssuedAuthCode {
  readonly code: string;
  /** `stores/{hash}`. */
  readonly context: string;
  readonly scope: string;
  readonly accountUuid: string;
  /** The query BigCommerce sends to the app's auth callback: `code=…&context=stores%2F…&scope=…&account_uuid=…`. */
  readonly query: string;
}

interface PendingCode {
  readonly storeHash: string;
  readonly scope: string;
  readonly user: FakeUser;
  readonly owner: FakeUser;
  readonly redirectUri: string | null;
}

export const DEFAULT_USER: FakeUser = { id: 24654, username: 'merchant@example.com', email: 'merchant@example.com', locale: 'en-US' };
export const DEFAULT_OWNER: FakeUser = { id: 12345, username: 'owner@example.com', email: 'owner@example.com' };

export function createLogin(options: {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly accountUuid: string;
  /** The auth callback registered in the app profile; when set, token requests must send it as `redirect_uri`. */
  readonly redirectUri: string | null;
}) {
  const grants = new Map<string, FakeGrant>();
  const codes = new Map<string, PendingCode>();
  /** Secrets of the API clients the fake knows (the app's, and other apps' tokens issued by tests). */
  const clientSecrets = new Map<string, string>([[options.clientId, options.clientSecret]]);

  /** A new token for a store and client; the client's earlier tokens for that store stop working (auth.mdx: a re-auth invalidates the previous token). */
  function issueToken(storeHash: string, scope: string, clientId = options.clientId, token = `bc_${randomBytes(16).toString('hex')}`): string {
    for (const grant of grants.values()) if (grant.storeHash === storeHash && grant.clientId === clientId) grant.revoked = true;
    grants.set(token, { token, storeHash, clientId, scopes: new Set(scope.split(/\s+/).filter(Boolean)), revoked: false });
    return token;
  }

  function issueAuthCode(storeHash: string, input: { scope: string; user?: FakeUser; owner?: FakeUser; redirectUri?: string }): IssuedAuthCode {
    const code = randomBytes(8).toString('hex');
    codes.set(code, {
      storeHash,
      scope: input.scope,
      user: input.user ?? DEFAULT_USER,
      owner: input.owner ?? DEFAULT_OWNER,
      redirectUri: input.redirectUri ?? options.redirectUri,
    });
    const context = `stores/${storeHash}`;
    const query = new URLSearchParams({ account_uuid: options.accountUuid, code, context, scope: input.scope }).toString();
    return { code, context, scope: input.scope, accountUuid: options.accountUuid, query };
  }

  /**
   * The token endpoint. The error bodies are not documented; these follow RFC 6749 §5.2
   * (`invalid_client` 401, `invalid_grant`/`invalid_request`/`unsupported_grant_type` 400).
   */
  function exchange(body: unknown): FakeAnswer & { operation: string } {
    const refuse = (status: number, error: string, description: string) => ({ operation: 'token', status, body: { error, error_description: description } });
    if (!isRecord(body)) return refuse(400, 'invalid_request', 'expected a JSON object');
    const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
    if (field('client_id') !== options.clientId || field('client_secret') !== options.clientSecret) {
      return refuse(401, 'invalid_client', 'The client credentials are invalid');
    }
    if (field('grant_type') !== 'authorization_code') return refuse(400, 'unsupported_grant_type', 'grant_type must be authorization_code');
    for (const name of ['code', 'context', 'scope', 'redirect_uri']) {
      if (!field(name)) return refuse(400, 'invalid_request', `${name} is required`);
    }
    const code = field('code')!;
    const pending = codes.get(code);
    // A code is spent by any exchange that names it, good or bad: it never works twice.
    codes.delete(code);
    if (!pending) return refuse(400, 'invalid_grant', 'The authorization code is invalid or was already used');
    if (field('context') !== `stores/${pending.storeHash}`) return refuse(400, 'invalid_grant', 'The context does not match the authorization code');
    if (pending.redirectUri !== null && field('redirect_uri') !== pending.redirectUri) {
      return refuse(400, 'invalid_grant', 'The redirect_uri does not match the auth callback registered in the app profile');
    }
    const token = issueToken(pending.storeHash, pending.scope);
    return {
      operation: 'token',
      status: 200,
      body: {
        access_token: token,
        scope: pending.scope,
        user: { id: pending.user.id, username: pending.user.username ?? pending.user.email, email: pending.user.email },
        owner: { id: pending.owner.id, username: pending.owner.username ?? pending.owner.email, email: pending.owner.email },
        context: `stores/${pending.storeHash}`,
        account_uuid: options.accountUuid,
      },
    };
  }

  return {
    grants,
    clientSecrets,
    issueToken,
    issueAuthCode,
    exchange,
    /** The live grant behind an `X-Auth-Token`, if it is one for this store. */
    authenticate(token: string | null, storeHash: string): FakeGrant | null {
      const grant = token ? grants.get(token) : undefined;
      return grant && !grant.revoked && grant.storeHash === storeHash ? grant : null;
    },
    tokenOf(storeHash: string, clientId = options.clientId): string | null {
      for (const grant of [...grants.values()].reverse()) if (grant.storeHash === storeHash && grant.clientId === clientId && !grant.revoked) return grant.token;
      return null;
    },
    revoke(storeHash: string, clientId = options.clientId): void {
      for (const grant of grants.values()) if (grant.storeHash === storeHash && grant.clientId === clientId) grant.revoked = true;
    },
  };
}

export type FakeLogin = ReturnType<typeof createLogin>;

export interface SignPayloadJwtInput {
  readonly storeHash: string;
  readonly user?: FakeUser;
  readonly owner?: FakeUser;
  /** Seconds since the epoch; default now. */
  readonly iat?: number;
  /** Default `iat` ("always the same as iat", callbacks.mdx). */
  readonly nbf?: number;
  /** Default 24 hours after `nbf` (callbacks.mdx). */
  readonly exp?: number;
  /** Default the app's client id. */
  readonly aud?: string;
  /** Default `bc`. */
  readonly iss?: string;
  /** Default `stores/{storeHash}`. */
  readonly sub?: string;
  readonly jti?: string;
  /** The deep link inside the app; default `/`. */
  readonly url?: string;
  /** null when opened from the Apps menu (the default). */
  readonly channelId?: number | null;
  /** Signing key; default the app's client secret. */
  readonly secret?: string;
  /** Default HS256; `none` makes an unsigned token (which verifiers must refuse). */
  readonly alg?: 'HS256' | 'HS384' | 'HS512' | 'none';
  /** Claims merged last; a claim set to `undefined` is left out (to make a token without `exp`, say). */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/**
 * A `signed_payload_jwt` as BigCommerce puts on /load, /uninstall and /remove_user: HS256 with the
 * client secret, `aud` = client id, `iss` = `bc`, `sub` = `stores/{hash}`, `jti` a UUID
 * (docs/integrations/apps/guide/callbacks.mdx). Every claim can be overridden to make bad ones.
 */
export function signPayloadJwt(input: SignPayloadJwtInput & { readonly clientId: string; readonly clientSecret: string; readonly now?: number }): string {
  const iat = input.iat ?? Math.floor((input.now ?? Date.now()) / 1000);
  const nbf = input.nbf ?? iat;
  const user = input.user ?? DEFAULT_USER;
  const owner = input.owner ?? DEFAULT_OWNER;
  const claims: Record<string, unknown> = {
    aud: input.aud ?? input.clientId,
    iss: input.iss ?? 'bc',
    iat,
    nbf,
    exp: input.exp ?? nbf + 86_400,
    jti: input.jti ?? randomUUID(),
    sub: input.sub ?? `stores/${input.storeHash}`,
    user: { id: user.id, email: user.email, ...(user.locale ? { locale: user.locale } : {}) },
    owner: { id: owner.id, email: owner.email },
    url: input.url ?? '/',
    channel_id: input.channelId ?? null,
    ...input.claims,
  };
  const alg = input.alg ?? 'HS256';
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ typ: 'JWT', alg })}.${encode(claims)}`;
  if (alg === 'none') return `${unsigned}.`;
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg];
  return `${unsigned}.${createHmac(hash, input.secret ?? input.clientSecret).update(unsigned).digest('base64url')}`;
}
