import type { ConversionFields } from '../mapping/conversion.ts';
import { createHttpClient } from './http-request.ts';

/**
 * The impact.com Brand API, as far as delivery needs it: form-encoded POST/PUT/DELETE with Basic
 * auth (Account SID : Auth Token), answered 200 QUEUED with a submission URI to check later.
 */
export interface ImpactCredentials {
  readonly accountSid: string;
  readonly authToken: string;
}

export interface ImpactRequest {
  readonly method: 'POST' | 'PUT' | 'DELETE';
  /** With the `{AccountSID}` placeholder, as mapping and planning produce it. */
  readonly path: string;
  readonly fields: ConversionFields;
}

export type ImpactAnswer =
  | { readonly kind: 'queued'; readonly status: number; readonly queuedUri: string | null }
  | { readonly kind: 'http_error'; readonly status: number; readonly body: string; readonly headers: Readonly<Record<string, string>> }
  | { readonly kind: 'network_error'; readonly error: string };

export type SubmissionAnswer =
  | { readonly kind: 'pending' }
  | { readonly kind: 'complete' }
  | { readonly kind: 'error'; readonly errors: readonly unknown[] }
  /** 404: impact.com keeps submissions for 90 days; this one is gone (or never was). */
  | { readonly kind: 'not_found' }
  /** The QueuedUri names no submission under the configured base URL: not followed (the credentials go nowhere else). */
  | { readonly kind: 'not_followed'; readonly error: string }
  | { readonly kind: 'unavailable'; readonly error: string };

export interface ImpactClient {
  send(request: ImpactRequest, credentials: ImpactCredentials): Promise<ImpactAnswer>;
  getSubmission(queuedUri: string, credentials: ImpactCredentials): Promise<SubmissionAnswer>;
  /** Reads the program (campaign) with the credentials: the merchant's "test connection". */
  checkConnection(credentials: ImpactCredentials, campaignId: string | null): Promise<ConnectionCheck>;
}

/**
 * The answer to "test connection". `problem`, when not ok: `refused` (401/403: the credentials are
 * wrong), `not_found` (no such account, or no such program), `unavailable` (impact.com could not be
 * reached or failed: the credentials may be right).
 */
export interface ConnectionCheck {
  readonly ok: boolean;
  readonly message: string;
  readonly problem?: 'refused' | 'not_found' | 'unavailable';
}

export function createImpactClient(options: { baseUrl: string; timeoutMs?: number }): ImpactClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const http = createHttpClient({ timeoutMs: options.timeoutMs ?? 15_000 });
  const authorization = (c: ImpactCredentials) => `Basic ${Buffer.from(`${c.accountSid}:${c.authToken}`).toString('base64')}`;

  return {
    async send(request, credentials) {
      const url = new URL(baseUrl + request.path.replace('{AccountSID}', encodeURIComponent(credentials.accountSid)));
      try {
        const response = await http(url, {
          method: request.method,
          headers: { authorization: authorization(credentials), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: formEncode(request.fields),
        });
        if (response.status >= 200 && response.status < 300) {
          const parsed = safeJson(response.body) as { Status?: string; QueuedUri?: string } | null;
          return { kind: 'queued', status: response.status, queuedUri: parsed?.QueuedUri ?? null };
        }
        return { kind: 'http_error', status: response.status, body: response.body.slice(0, 2000), headers: response.headers };
      } catch (error) {
        return { kind: 'network_error', error: describeError(error) };
      }
    },

    async checkConnection(credentials, campaignId) {
      const path = `/Advertisers/${encodeURIComponent(credentials.accountSid)}/Campaigns${campaignId ? `/${encodeURIComponent(campaignId)}` : ''}`;
      try {
        const response = await http(new URL(baseUrl + path), { method: 'GET', headers: { authorization: authorization(credentials), accept: 'application/json' } });
        if (response.status >= 200 && response.status < 300) {
          const name = (safeJson(response.body) as { Name?: string } | null)?.Name;
          return { ok: true, message: campaignId ? `Connected: program ${campaignId}${name ? ` (${name})` : ''} is readable with these credentials.` : 'Connected: impact.com accepted these credentials.' };
        }
        if (response.status === 401 || response.status === 403) return { ok: false, problem: 'refused', message: 'impact.com refused the Account SID and Auth Token: check both in impact.com under Settings › API.' };
        if (response.status === 404) return { ok: false, problem: 'not_found', message: campaignId ? `The credentials work, but this account has no program ${campaignId}: check the program id.` : 'impact.com did not find this account.' };
        return { ok: false, problem: 'unavailable', message: `impact.com answered HTTP ${response.status}; try again later.` };
      } catch (error) {
        return { ok: false, problem: 'unavailable', message: `impact.com could not be reached: ${describeError(error)}` };
      }
    },

    async getSubmission(queuedUri, credentials) {
      const url = submissionUrl(baseUrl, queuedUri);
      if (!url) return { kind: 'not_followed', error: `QueuedUri ${JSON.stringify(queuedUri.slice(0, 200))} is not a path under ${baseUrl}` };
      try {
        const response = await http(url, { method: 'GET', headers: { authorization: authorization(credentials), accept: 'application/json' } });
        if (response.status === 404) return { kind: 'not_found' };
        if (response.status < 200 || response.status >= 300) return { kind: 'unavailable', error: `HTTP ${response.status}` };
        const submission = safeJson(response.body) as { Status?: string; ErrorType?: string; Errors?: unknown[]; errors?: unknown[] } | null;
        const status = submission?.Status?.toUpperCase() ?? '';
        const errors = submission?.Errors ?? submission?.errors ?? [];
        if (status === 'COMPLETE' || status === 'COMPLETED') return errors.length > 0 || submission?.ErrorType ? { kind: 'error', errors: errors.length > 0 ? errors : [submission?.ErrorType] } : { kind: 'complete' };
        if (status === 'ERROR' || status === 'FAILED') return { kind: 'error', errors };
        return { kind: 'pending' };
      } catch (error) {
        return { kind: 'unavailable', error: describeError(error) };
      }
    },
  };
}

/**
 * Where a submission is checked: impact.com answers a path (`/Advertisers/…/APISubmissions/…`), or a
 * URL on its own origin. Joined as text, a value like `@other.host/…` would send the Basic credentials
 * to another host; so only a path, or a URL of the base's origin, under the base's path, is followed.
 */
export function submissionUrl(baseUrl: string, queuedUri: string): URL | null {
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  let url: URL;
  try {
    url = /^\/(?![/\\])/.test(queuedUri) ? new URL(`${basePath}${queuedUri}`, base.origin) : new URL(queuedUri);
  } catch {
    return null;
  }
  if (url.origin !== base.origin || url.username || url.password || !url.pathname.startsWith(`${basePath}/`)) return null;
  return url;
}

/** application/x-www-form-urlencoded, written directly: URLSearchParams copied every field first. */
function formEncode(fields: ConversionFields): string {
  let body = '';
  // toWellFormed: a lone surrogate (a product name cut mid-emoji) becomes U+FFFD, as URLSearchParams did, instead of a URIError.
  for (const [name, value] of Object.entries(fields)) body += `${body ? '&' : ''}${encodeURIComponent(name)}=${encodeURIComponent(value.toWellFormed())}`;
  return body;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}
