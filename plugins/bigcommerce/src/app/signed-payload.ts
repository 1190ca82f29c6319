import { type Result, err, ok } from '@cartrelay/core';
import { errors, jwtVerify } from 'jose';
import { z } from 'zod';

/**
 * What BigCommerce says when it opens the app (`/load`), uninstalls it (`/uninstall`) or removes a
 * user's access (`/remove_user`): the `signed_payload_jwt` query parameter, HS256 with the app's client
 * secret (https://developer.bigcommerce.com/docs/integrations/apps/guide/callbacks). Every claim that
 * matters is checked: the signature and algorithm, the audience (the app's client id; BigCommerce's own
 * sample skips it), the issuer `bc`, expiry and not-before with a small clock skew, and the store.
 */
export interface SignedPayload {
  readonly storeHash: string;
  /** The control-panel user acting: the one who opened the app, or the one removed. */
  readonly user: { readonly id: string; readonly email: string | null };
  readonly owner: { readonly id: string; readonly email: string | null } | null;
  /** The control panel's deep link into the app ("/" when opened from the Apps menu). */
  readonly url: string | null;
}

const id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/)]).transform(String);
const person = z.object({ id, email: z.string().max(320).nullish() }).transform((p) => ({ id: p.id, email: p.email ?? null }));
const ClaimsSchema = z.object({
  sub: z.string().regex(/^stores\/[a-z0-9]{1,64}$/i, 'must be stores/{store hash}'),
  user: person,
  owner: person.nullish(),
  url: z.string().max(2048).nullish(),
});

/** Tokens larger than this are no BigCommerce payload: refused before any work. */
const MAX_JWT_LENGTH = 8192;

export async function verifySignedPayload(
  jwt: unknown,
  app: { readonly clientId: string; readonly clientSecret: string },
  options: { readonly now?: () => number; readonly skewSeconds?: number } = {},
): Promise<Result<SignedPayload, string>> {
  if (typeof jwt !== 'string' || jwt.length === 0) return err('signed_payload_jwt is missing');
  if (jwt.length > MAX_JWT_LENGTH) return err('signed_payload_jwt is too long');
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(jwt, new TextEncoder().encode(app.clientSecret), {
      algorithms: ['HS256'],
      audience: app.clientId,
      issuer: 'bc',
      clockTolerance: options.skewSeconds ?? 60,
      requiredClaims: ['sub', 'iat', 'exp'],
      ...(options.now ? { currentDate: new Date(options.now()) } : {}),
    }));
  } catch (error) {
    return err(describeJwtError(error));
  }
  const claims = ClaimsSchema.safeParse(payload);
  if (!claims.success) return err(`signed_payload_jwt claims: ${claims.error.issues.map((issue) => `${issue.path.join('.') || 'payload'} ${issue.message}`).join('; ')}`);
  return ok({
    storeHash: claims.data.sub.slice('stores/'.length).toLowerCase(),
    user: claims.data.user,
    owner: claims.data.owner ?? null,
    url: claims.data.url ?? null,
  });
}

function describeJwtError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'signed_payload_jwt has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `signed_payload_jwt: ${error.claim} ${error.reason === 'check_failed' ? 'is not valid now' : 'does not match'}`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signed_payload_jwt: the signature does not match the client secret';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'signed_payload_jwt: only HS256 is accepted';
  return `signed_payload_jwt is not a valid JWT${error instanceof Error ? ` (${error.message})` : ''}`;
}
