import {
  type AdminAction,
  type AdminDataRequest,
  type AdminError,
  type AdminHome,
  type AdminShop,
  type ConnectionTestResult,
  ConnectionInputSchema,
  ConnectionTestInputSchema,
  fieldProblems,
  parseTrackingConfig,
  type TrackingConfig,
} from '@cartrelay/core/admin-contract';
import type { AdminPlatform } from '../src/platform.ts';
import { emptyHome } from './sample-data.ts';

/** Where the tests' platform serves the admin page: the pages live under it. */
export const ADMIN_BASE_PATH = '/test/admin';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

interface CannedAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * The admin API in memory, after the contract: the same schemas as the server, one shop. Tests
 * read `requests` to see what the page sent, and queue failures or hold answers to see its states.
 */
export class FakeAdminServer {
  shop: AdminShop;
  /** Newest first, as the server lists them. */
  actions: AdminAction[] = [];
  home: AdminHome = emptyHome();
  dataRequests: AdminDataRequest[] = [];
  /** What impact.com said when it accepted the credentials with a reservation: sent as the save's `warning`. */
  connectionWarning: string | null = null;
  connectionTest: ConnectionTestResult = { ok: true, message: 'impact.com accepted the credentials for program 12345.' };
  readonly requests: RecordedRequest[] = [];
  private readonly canned = new Map<string, CannedAnswer[]>();
  private readonly held = new Map<string, Promise<void>>();
  private testActions = 0;

  constructor(shop: Partial<AdminShop> = {}) {
    this.shop = {
      platform: 'shopify',
      shopKey: 'demo-store.myshopify.com',
      active: true,
      connection: { accountSid: 'IRabc123456', authTokenSet: true },
      config: null,
      ...shop,
    };
  }

  /** The platform the page is mounted with: its fetch answers from memory. */
  readonly platform: AdminPlatform = {
    platformLabel: 'Test platform',
    basePath: ADMIN_BASE_PATH,
    fetch: (path, init) => this.handle(path, init),
  };

  /** The next `METHOD path` (path without query) answers `status` with `body` instead. */
  failNext(route: string, status: number, body: AdminError | string): void {
    this.canned.set(route, [...(this.canned.get(route) ?? []), { status, body }]);
  }

  /** `METHOD path` waits until the returned function is called. */
  hold(route: string): () => void {
    let release = () => {};
    this.held.set(route, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.held.delete(route);
      release();
    };
  }

  requestsTo(route: string): RecordedRequest[] {
    return this.requests.filter((request) => `${request.method} ${request.path.split('?')[0]}` === route);
  }

  private async handle(path: string, init: RequestInit = {}): Promise<Response> {
    const method = (init.method ?? 'GET').toUpperCase();
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    this.requests.push({ method, path, body });
    const route = `${method} ${path.split('?')[0]}`;
    await this.held.get(route);
    const canned = this.canned.get(route)?.shift();
    if (canned) return typeof canned.body === 'string' ? new Response(canned.body, { status: canned.status }) : json(canned.status, canned.body);
    return this.answer(route, path, body);
  }

  private answer(route: string, path: string, body: unknown): Response {
    switch (route) {
      case 'GET /shop':
        return json(200, this.shop);
      case 'PUT /connection': {
        const parsed = ConnectionInputSchema.safeParse(body);
        if (!parsed.success) return json(400, { error: 'invalid connection', problems: fieldProblems(parsed.error) });
        this.shop = {
          ...this.shop,
          connection: { accountSid: parsed.data.accountSid, authTokenSet: this.shop.connection.authTokenSet || parsed.data.authToken !== undefined },
        };
        return json(200, this.connectionWarning === null ? this.shop : { ...this.shop, warning: this.connectionWarning });
      }
      case 'POST /connection/test': {
        const parsed = ConnectionTestInputSchema.safeParse(body);
        if (!parsed.success) return json(400, { error: 'invalid connection test', problems: fieldProblems(parsed.error) });
        return json(200, this.connectionTest);
      }
      case 'PUT /config': {
        const parsed = parseTrackingConfig(body);
        if (!parsed.ok) return json(400, { error: 'invalid configuration', problems: parsed.error });
        this.shop = { ...this.shop, config: parsed.value };
        return json(200, this.shop);
      }
      case 'POST /test-action': {
        if (!this.shop.connection.accountSid || !this.shop.config) return json(409, { error: 'Connect impact.com and save a program id first.' });
        this.testActions += 1;
        return json(200, { orderId: `CARTRELAY-TEST-${this.testActions}`, reversalAt: '2026-11-23T23:00:17.427Z' });
      }
      case 'GET /home':
        return json(200, this.home);
      case 'GET /actions': {
        // The cursor is the index of the next action: opaque to the page, as the server's is.
        const query = new URL(path, 'http://x').searchParams;
        const limit = Number(query.get('limit') ?? '50');
        const start = Number(query.get('before') ?? '0');
        const q = query.get('q')?.trim().toLowerCase() ?? '';
        const found = q === '' ? this.actions : this.actions.filter((action) => searchTerms(action).includes(q));
        const actions = found.slice(start, start + limit);
        return json(200, { actions, nextCursor: start + limit < found.length ? String(start + limit) : null });
      }
      case 'GET /data-requests':
        return json(200, { exports: this.dataRequests });
      default:
        return json(404, { error: `no route ${route}` });
    }
  }
}

/** What `q` finds an order by: its number (with or without #), its id, its code or its click id. */
function searchTerms(action: AdminAction): string[] {
  const terms = [action.platformOrderId, action.orderNumber, action.orderNumber && `#${action.orderNumber}`, action.impactOrderId];
  if (action.attribution.by === 'click_id') terms.push(action.attribution.clickId);
  if (action.attribution.by === 'code') terms.push(action.attribution.code);
  return terms.filter((term): term is string => term !== null).map((term) => term.toLowerCase());
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/** A saved configuration as the server returns it (defaults filled), with `overrides` applied. */
export function savedConfig(overrides: Record<string, unknown> = {}): TrackingConfig {
  const parsed = parseTrackingConfig({ version: 1, program: { campaignId: '12345', actionTrackerId: '67890' }, ...overrides });
  if (!parsed.ok) throw new Error(`bad test config: ${JSON.stringify(parsed.error)}`);
  return parsed.value;
}
