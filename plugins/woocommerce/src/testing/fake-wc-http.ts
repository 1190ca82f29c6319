import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpResult } from './fake-wc-webhooks.ts';
import { sendHttp, wpJsonEncode } from './fake-wc-webhooks.ts';

/** A WP_Error as the REST server answers it: `{ code, message, data: { status } }`. */
export class RestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly data: unknown;
  constructor(status: number, code: string, message: string, data?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.data = data === undefined ? { status } : data;
  }
}

/** `rest_invalid_param` for one argument. */
export function invalidParam(name: string, message: string): RestError {
  return new RestError(400, 'rest_invalid_param', `Invalid parameter(s): ${name}`, { status: 400, params: { [name]: message }, details: { [name]: { code: 'rest_invalid_param', message, data: null } } });
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = wpJsonEncode(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', 'X-Content-Type-Options': 'nosniff', ...headers });
  res.end(text);
}

export function sendRestError(res: ServerResponse, error: RestError): void {
  sendJson(res, error.status, { code: error.code, message: error.message, data: error.data });
}

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#039;');
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=UTF-8' });
  res.end(html);
}

/** `wp_die()`'s page. */
export function wpDiePage(title: string, message: string): string {
  return `<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8">\n<title>${escapeHtml(title)}</title>\n</head>\n<body id="error-page">\n\t<div class="wp-die-message">${escapeHtml(message)}</div>\n</body>\n</html>\n`;
}

/** `add_query_arg()`: replaces the keys in place when present, appends them otherwise. */
export function addQueryArgs(url: string, args: Readonly<Record<string, string>>): string {
  const hashAt = url.indexOf('#');
  const hash = hashAt === -1 ? '' : url.slice(hashAt);
  const withoutHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const queryAt = withoutHash.indexOf('?');
  const base = queryAt === -1 ? withoutHash : withoutHash.slice(0, queryAt);
  const pairs = queryAt === -1 ? [] : withoutHash.slice(queryAt + 1).split('&').filter(Boolean);
  const left = new Map(Object.entries(args));
  const out = pairs.map((pair) => {
    const name = decodeURIComponent(pair.split('=')[0]!.replace(/\+/g, ' '));
    const value = left.get(name);
    if (value === undefined) return pair;
    left.delete(name);
    return `${pair.split('=')[0]}=${encodeURIComponent(value)}`;
  });
  for (const [name, value] of left) out.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  return `${base}?${out.join('&')}${hash}`;
}

/** `wp_safe_remote_post()` with its default `redirection` of 5 (Requests turns a 303 into a GET). */
export async function postFollowingRedirects(url: string, init: { headers: Record<string, string>; body: string; timeoutMs: number }): Promise<HttpResult> {
  let target = url;
  let method = 'POST';
  let body = init.body;
  for (let hops = 0; ; hops++) {
    const result = await sendHttp(target, { method, headers: init.headers, body, timeoutMs: init.timeoutMs });
    const location = result.headers.location;
    if (result.status === null || ![301, 302, 303, 307, 308].includes(result.status) || typeof location !== 'string') return result;
    if (hops >= 5) return { status: null, error: 'Too many redirects', headers: {}, body: '' };
    target = new URL(location, target).toString();
    if (result.status === 303) {
      method = 'GET';
      body = '';
    }
  }
}
