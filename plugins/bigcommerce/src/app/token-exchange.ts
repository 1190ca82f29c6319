import { type Result, err, ok, parseJson } from '@cartrelay/core';
import { z } from 'zod';

/** The app's registration in BigCommerce's Developer Portal, and where its login service is. */
export interface BigCommerceAppCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  /** https://login.bigcommerce.com, or a fake in tests. */
  readonly loginUrl: string;
  /** The auth callback exactly as registered (`<app url>/bigcommerce/auth`): the token request must repeat it. */
  readonly redirectUri: string;
}

/** What the install's `GET /auth` carries: https://developer.bigcommerce.com/docs/integrations/apps/guide/auth */
export interface AuthCallback {
  readonly code: string;
  readonly scope: string;
  /** `stores/{store hash}` */
  readonly context: string;
}

export interface InstallGrant {
  readonly storeHash: string;
  readonly accessToken: string;
  /** Space-separated, as granted. */
  readonly scope: string;
  readonly user: { readonly id: string; readonly email: string | null };
}

const TokenResponseSchema = z.object({
  access_token: z.string().min(1),
  scope: z.string(),
  context: z.string().regex(/^stores\/[a-z0-9]{1,64}$/i),
  user: z.object({ id: z.union([z.number().int(), z.string()]).transform(String), email: z.string().nullish() }),
});

/**
 * Exchanges the install's one-time code for the store's API token (no expiry, no refresh token), before
 * the install answers, as BigCommerce asks. `/auth` is unsigned: the exchange succeeding is what proves
 * it, and the store is the one the token response names — it must be the one the callback named.
 */
export async function exchangeCode(app: BigCommerceAppCredentials, callback: AuthCallback, fetchImpl: typeof fetch = fetch): Promise<Result<InstallGrant, string>> {
  let response: Response;
  try {
    response = await fetchImpl(`${app.loginUrl.replace(/\/+$/, '')}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        client_id: app.clientId,
        client_secret: app.clientSecret,
        code: callback.code,
        context: callback.context,
        scope: callback.scope,
        grant_type: 'authorization_code',
        redirect_uri: app.redirectUri,
      }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    return err(`BigCommerce's token endpoint did not answer: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = await response.text();
  const body = parseJson(text);
  if (!response.ok) {
    const said = body.ok && typeof body.value === 'object' && body.value !== null ? JSON.stringify(body.value).slice(0, 300) : '';
    return err(`BigCommerce refused the install's code (HTTP ${response.status}${said ? `: ${said}` : ''})`);
  }
  const grant = body.ok ? TokenResponseSchema.safeParse(body.value) : null;
  if (!grant?.success) return err('BigCommerce answered the token request with something else than a token');
  if (grant.data.context.toLowerCase() !== callback.context.toLowerCase()) return err(`the token is for ${grant.data.context}, not ${callback.context}`);
  return ok({
    storeHash: grant.data.context.slice('stores/'.length).toLowerCase(),
    accessToken: grant.data.access_token,
    scope: grant.data.scope,
    user: { id: grant.data.user.id, email: grant.data.user.email ?? null },
  });
}
