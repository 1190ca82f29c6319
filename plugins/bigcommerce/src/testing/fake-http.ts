import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';

/** What a fake route answers: a status, a JSON body (none for 204) and extra headers. */
export interface FakeAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** An error as BigCommerce's V3 APIs shape it: `{status, title, type[, errors]}` (webhooks.v3.yml `errorDetailed_Full`). */
export function v3Error(status: number, title: string, errors?: Record<string, string>): FakeAnswer {
  return {
    status,
    body: { status, title, type: 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes', ...(errors ? { errors } : {}) },
  };
}

/** An error as the V2 APIs shape it: an array of `{status, message}`. */
export function v2Error(status: number, message: string): FakeAnswer {
  return { status, body: [{ status, message }] };
}

/** Answered when a token lacks the scope an endpoint needs (status-codes.mdx: 403 "App lacks required OAuth scopes"). */
export const MISSING_SCOPE = v3Error(403, "You don't have a required scope to access the endpoint");

/** V3 collection meta (webhooks.v3.yml, scripts.v3.yml `Pagination`). */
export function paginate<T>(items: readonly T[], query: URLSearchParams, defaultLimit = 50): { data: T[]; meta: { pagination: Record<string, unknown> } } {
  const limit = Math.max(1, Math.min(250, positiveInt(query.get('limit')) ?? defaultLimit));
  const page = positiveInt(query.get('page')) ?? 1;
  const data = items.slice((page - 1) * limit, page * limit);
  const totalPages = Math.max(1, Math.ceil(items.length / limit));
  const link = (n: number) => `?page=${n}&limit=${limit}`;
  return {
    data,
    meta: {
      pagination: {
        total: items.length,
        count: data.length,
        per_page: limit,
        current_page: page,
        total_pages: totalPages,
        links: { current: link(page), ...(page > 1 ? { previous: link(page - 1) } : {}), ...(page < totalPages ? { next: link(page + 1) } : {}) },
      },
    },
  };
}

export function positiveInt(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || !/^\d+$/.test(value)) return undefined;
  const parsed = Number(value);
  return parsed >= 1 ? parsed : undefined;
}

export function header(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A JSON body, or `undefined` when there is none; `invalid` when it does not parse. */
export function parseJsonBody(raw: string): { ok: true; value: unknown } | { ok: false } {
  if (raw.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function send(response: ServerResponse, answer: FakeAnswer): void {
  const headers: Record<string, string> = { ...answer.headers };
  if (answer.body === undefined || answer.status === 204) {
    // V2 answers an empty collection with 204 and no body at all.
    response.writeHead(answer.status, headers);
    response.end();
    return;
  }
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  headers['content-type'] ??= 'application/json; charset=utf-8';
  headers['content-length'] = String(Buffer.byteLength(text));
  response.writeHead(answer.status, headers);
  response.end(text);
}

/** A loopback HTTP server on an ephemeral port; `close` drops open connections first. */
export async function listen(handler: (request: IncomingMessage, response: ServerResponse) => Promise<void>) {
  const server = createServer((request, response) => {
    handler(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, v3Error(500, `fake BigCommerce failed: ${String(error)}`));
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Dates as the V2 API writes them: RFC 2822 in UTC, `Tue, 05 Mar 2019 21:40:11 +0000` (orders.v2.oas2.yml). */
export function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}
