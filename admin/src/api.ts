import type {
  AdminActionsPage,
  AdminDataRequest,
  AdminHome,
  AdminShop,
  ConnectionInput,
  ConnectionTestInput,
  ConnectionTestResult,
  FieldProblem,
  TestActionResult,
} from '@cartrelay/core/admin-contract';
import type { AdminPlatform } from './platform.ts';

/** Why a call failed: the HTTP status (0 when the server could not be reached) and what it said. */
export interface ApiFailure {
  readonly status: number;
  readonly message: string;
  /** Per-field problems of a 400, e.g. `{ path: 'promoCodes[1].code', message: 'invalid regular expression …' }`. */
  readonly problems: readonly FieldProblem[];
}

export type ApiResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiFailure };

/**
 * Saving the connection: the shop, and what impact.com said when it accepted the credentials with a
 * reservation (e.g. the program could not be checked). A refusal is a 400 with impact.com's words.
 */
export type SavedConnection = AdminShop & { readonly warning?: string };

export interface ActionsQuery {
  readonly limit: number;
  /** The previous page's `nextCursor`: the page of older orders. */
  readonly before?: string | undefined;
  /** An order number, a promo code or a click id. */
  readonly q?: string | undefined;
}

/** The admin API, typed after the contract. Expected failures come back as values, never thrown. */
export interface AdminApi {
  getShop(): Promise<ApiResult<AdminShop>>;
  saveConnection(input: ConnectionInput): Promise<ApiResult<SavedConnection>>;
  testConnection(input: ConnectionTestInput): Promise<ApiResult<ConnectionTestResult>>;
  /** Saves the whole tracking configuration (input form; the server fills defaults). */
  saveConfig(config: unknown): Promise<ApiResult<AdminShop>>;
  sendTestAction(): Promise<ApiResult<TestActionResult>>;
  /** Health, set-up checklist and attribution per day, for Home. */
  home(): Promise<ApiResult<AdminHome>>;
  listActions(query: ActionsQuery): Promise<ApiResult<AdminActionsPage>>;
  /** The exports customers/data_request webhooks produced, for the merchant to hand to the customer. */
  dataRequests(): Promise<ApiResult<{ exports: AdminDataRequest[] }>>;
}

export function createAdminApi(platform: AdminPlatform): AdminApi {
  const call = <T>(method: string, path: string, body?: unknown) => request<T>(platform, method, path, body);
  return {
    getShop: () => call('GET', '/shop'),
    saveConnection: (input) => call('PUT', '/connection', input),
    testConnection: (input) => call('POST', '/connection/test', input),
    saveConfig: (config) => call('PUT', '/config', config),
    sendTestAction: () => call('POST', '/test-action'),
    home: () => call('GET', '/home'),
    listActions: ({ limit, before, q }) => {
      const query = new URLSearchParams({ limit: String(limit) });
      if (before) query.set('before', before);
      if (q) query.set('q', q);
      return call('GET', `/actions?${query}`);
    },
    dataRequests: () => call('GET', '/data-requests'),
  };
}

async function request<T>(platform: AdminPlatform, method: string, path: string, body: unknown): Promise<ApiResult<T>> {
  const init: RequestInit =
    body === undefined
      ? { method, headers: { Accept: 'application/json' } }
      : { method, headers: { Accept: 'application/json', 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
  let response: Response;
  try {
    response = await platform.fetch(path, init);
    // A 401 is most often a session token that expired in flight: the platform's fetch gets a
    // fresh one each call (Shopify's idToken()), so one more try usually succeeds.
    if (response.status === 401) response = await platform.fetch(path, init);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { status: 0, message: `The CartRelay server could not be reached (${reason}).`, problems: [] } };
  }
  // Still refused: the session is over. The server's reason (a token parser's words) means nothing to a merchant.
  if (response.status === 401) return { ok: false, error: { status: 401, message: sessionExpired(platform), problems: [] } };
  const text = await response.text().catch(() => '');
  const json = parseJson(text);
  if (!response.ok) return { ok: false, error: readAdminError(response.status, json) };
  if (json === undefined) return { ok: false, error: { status: response.status, message: 'The server sent an answer that is not JSON.', problems: [] } };
  return { ok: true, value: json as T };
}

const sessionExpired = (platform: AdminPlatform): string =>
  `Your session has expired. Reload the page from your ${platform.platformLabel} admin.`;

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Reads an AdminError body leniently: a proxy's HTML error page still yields a sentence. */
export function readAdminError(status: number, body: unknown): ApiFailure {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const message = typeof record.error === 'string' && record.error.trim() !== '' ? record.error : fallbackMessage(status);
  const problems = Array.isArray(record.problems)
    ? record.problems.flatMap((p): FieldProblem[] => {
        const item = typeof p === 'object' && p !== null ? (p as Record<string, unknown>) : {};
        return typeof item.path === 'string' && typeof item.message === 'string' ? [{ path: item.path, message: item.message }] : [];
      })
    : [];
  return { status, message, problems };
}

function fallbackMessage(status: number): string {
  switch (status) {
    case 401:
      return 'Your session has expired. Reload the page to sign in again.';
    case 404:
      return 'This store is not known to CartRelay. Reinstall the app.';
    case 409:
      return 'Connect impact.com first (Connection page).';
    case 502:
      return 'impact.com could not be reached. Try again in a moment.';
    default:
      return `The request failed (HTTP ${status}).`;
  }
}
