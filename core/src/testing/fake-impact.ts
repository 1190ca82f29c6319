import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake impact.com Brand API on loopback, for tests and the demo. It follows the documented
 * contract: Basic auth (Account SID : Auth Token), form-encoded Conversions POST and Actions
 * PUT/DELETE answered `{"Status":"QUEUED","QueuedUri":…}`, submissions to check later, 400 with an
 * error list for invalid fields. Like impact.com, it keeps one action per (action tracker, OrderId):
 * a second conversion for the same order is queued but its submission ends in an error.
 * Faults can be injected: HTTP errors (5xx, 429 with reset headers), slow answers, dropped connections.
 */
export interface FakeAction {
  readonly accountSid: string;
  readonly actionTrackerId: string;
  readonly orderId: string;
  readonly fields: Readonly<Record<string, string>>;
  state: 'PENDING' | 'REVERSED';
  dispositionCode: string | null;
  /** Current quantity per SKU, after modifications. */
  items: Record<string, number>;
  modifications: Array<Readonly<Record<string, string>>>;
}

export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly accountSid: string | null;
  readonly fields: Readonly<Record<string, string>>;
  readonly status: number;
}

export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: string }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'drop' };

interface Submission {
  readonly id: number;
  readonly type: 'Conversion' | 'Modification' | 'Reversal';
  readonly errors: Array<{ code: string; message: string }>;
  readonly payload: string;
}

export interface FakeImpact {
  readonly url: string;
  readonly requests: readonly FakeRequest[];
  /** Actions by `${accountSid}|${actionTrackerId}|${orderId}`. */
  readonly actions: ReadonlyMap<string, FakeAction>;
  /** Conversions POSTs accepted (QUEUED), duplicates included. */
  conversionsPosted(): number;
  /** The next `times` requests answer with the fault (optionally only for one account). */
  inject(fault: Fault, times?: number, accountSid?: string): void;
  /** Submissions for these OrderIds complete with a contract error, as when no contract covers the partner. */
  failSubmissions(orderIds: Iterable<string>, code?: string): void;
  close(): Promise<void>;
}

const REQUIRED_IDENTIFIERS = ['ActionTrackerId', 'EventTypeId', 'EventTypeCode'];
const ATTRIBUTION_KEYS = ['ClickId', 'CustomerId', 'CustomProfileId', 'CustomClickId', 'PromoCode', 'OrderPromoCode', 'MediaId', 'MediaPartnerId', 'UniqueUrl'];

export async function startFakeImpact(options: { accounts: Readonly<Record<string, string>>; port?: number }): Promise<FakeImpact> {
  const requests: FakeRequest[] = [];
  const actions = new Map<string, FakeAction>();
  const submissions = new Map<number, Submission>();
  const faults: Array<{ fault: Fault; accountSid?: string | undefined }> = [];
  const failingOrders = new Map<string, string>();
  let nextSubmission = 1;
  let posted = 0;

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const body = await readBody(req);
    const fields = Object.fromEntries(new URLSearchParams(body.length > 0 ? body : url.search));
    const accountSid = authenticate(req, options.accounts);
    const pathSid = /^\/Advertisers\/([^/]+)\//.exec(url.pathname)?.[1] ?? null;

    const faultIndex = faults.findIndex((f) => !f.accountSid || f.accountSid === pathSid);
    if (faultIndex !== -1) {
      const [{ fault }] = faults.splice(faultIndex, 1) as [{ fault: Fault }];
      if (fault.kind === 'drop') {
        requests.push({ method: req.method ?? '', path: url.pathname, accountSid, fields, status: 0 });
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'status') {
        requests.push({ method: req.method ?? '', path: url.pathname, accountSid, fields, status: fault.status });
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(fault.body ?? JSON.stringify({ Status: 'ERROR', Message: 'injected fault' }));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
    }

    const answer = (status: number, payload: unknown) => {
      requests.push({ method: req.method ?? '', path: url.pathname, accountSid, fields, status });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };

    if (!accountSid || accountSid !== pathSid) return answer(401, { Status: 'ERROR', Message: 'Authentication failed' });

    const route = `${req.method} ${url.pathname.replace(/^\/Advertisers\/[^/]+/, '')}`;
    if (route === 'POST /Conversions') {
      const errors = validateConversion(fields);
      if (errors.length > 0) return answer(400, { Status: 'ERROR', errors });
      posted++;
      const key = actionKey(accountSid, fields.ActionTrackerId ?? fields.EventTypeId ?? fields.EventTypeCode ?? '', fields.OrderId ?? '');
      const submissionErrors: Submission['errors'] = [];
      if (actions.has(key)) submissionErrors.push({ code: 'DUPLICATE_ORDER_ID', message: `OrderId ${fields.OrderId} already has an action` });
      else if (failingOrders.has(fields.OrderId ?? '')) submissionErrors.push({ code: failingOrders.get(fields.OrderId ?? '')!, message: 'no contract covers this conversion' });
      else actions.set(key, { accountSid, actionTrackerId: key.split('|')[1]!, orderId: fields.OrderId!, fields, state: 'PENDING', dispositionCode: null, items: itemsOf(fields), modifications: [] });
      return answer(200, queued(accountSid, 'Conversion', submissionErrors, body));
    }
    if (route === 'PUT /Actions' || route === 'DELETE /Actions') {
      const reversal = req.method === 'DELETE';
      const missing = ['ActionTrackerId', 'OrderId', reversal ? 'DispositionCode' : 'Reason'].filter((f) => !fields[f] && !(f !== 'DispositionCode' && f !== 'Reason' && fields.ActionId));
      if (missing.length > 0) return answer(400, { Status: 'ERROR', errors: missing.map((field) => ({ field, level: 'ERROR', message: `${field} is required` })) });
      const action = actions.get(actionKey(accountSid, fields.ActionTrackerId!, fields.OrderId!));
      const submissionErrors: Submission['errors'] = [];
      if (!action) submissionErrors.push({ code: 'ACTION_NOT_FOUND', message: `no action for OrderId ${fields.OrderId}` });
      else if (reversal) {
        action.state = 'REVERSED';
        action.dispositionCode = fields.DispositionCode!;
      } else {
        action.modifications.push(fields);
        for (let n = 1; fields[n === 1 ? 'Sku' : `Sku${n}`]; n++) {
          action.items[fields[n === 1 ? 'Sku' : `Sku${n}`]!] = Number(fields[n === 1 ? 'Quantity' : `Quantity${n}`] ?? 0);
        }
      }
      return answer(200, queued(accountSid, reversal ? 'Reversal' : 'Modification', submissionErrors, body));
    }
    // Reading a program, as the admin page's "test connection" does: every numeric program exists here.
    const campaign = /^GET \/Campaigns(?:\/(\d+))?$/.exec(route);
    if (campaign) return answer(200, campaign[1] ? { Id: campaign[1], Name: `Program ${campaign[1]}` } : { Campaigns: [] });
    const submission = /^GET \/APISubmissions\/(\d+)$/.exec(route);
    if (submission) {
      const found = submissions.get(Number(submission[1]));
      if (!found) return answer(404, { Status: 'ERROR', Message: 'Not found' });
      return answer(200, {
        Id: String(found.id),
        Status: 'COMPLETE',
        Type: found.type,
        ErrorType: found.errors.length > 0 ? 'Contract Error' : undefined,
        Errors: found.errors,
        Payload: found.payload,
      });
    }
    return answer(404, { Status: 'ERROR', Message: `no route ${route}` });
  });

  function queued(accountSid: string, type: Submission['type'], errors: Submission['errors'], payload: string) {
    const id = nextSubmission++;
    submissions.set(id, { id, type, errors, payload });
    return { Status: 'QUEUED', QueuedUri: `/Advertisers/${accountSid}/APISubmissions/${id}` };
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    actions,
    conversionsPosted: () => posted,
    inject(fault, times = 1, accountSid) {
      for (let n = 0; n < times; n++) faults.push({ fault, accountSid });
    },
    failSubmissions(orderIds, code = 'CONTRACT_NOT_FOUND') {
      for (const orderId of orderIds) failingOrders.set(orderId, code);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function actionKey(accountSid: string, actionTrackerId: string, orderId: string): string {
  return `${accountSid}|${actionTrackerId}|${orderId}`;
}

function itemsOf(fields: Record<string, string>): Record<string, number> {
  const items: Record<string, number> = {};
  for (let n = 1; fields[`ItemSku${n}`]; n++) items[fields[`ItemSku${n}`]!] = Number(fields[`ItemQuantity${n}`] ?? 0);
  return items;
}

/** The documented rules a Conversions POST is checked against. */
function validateConversion(fields: Record<string, string>): Array<{ field: string; level: string; message: string }> {
  const errors: Array<{ field: string; level: string; message: string }> = [];
  const error = (field: string, message: string) => errors.push({ field, level: 'ERROR', message });
  for (const field of ['CampaignId', 'EventDate', 'OrderId']) if (!fields[field]) error(field, `${field} is required`);
  if (!REQUIRED_IDENTIFIERS.some((f) => fields[f])) error('ActionTrackerId', 'one of ActionTrackerId, EventTypeId or EventTypeCode is required');
  if (!ATTRIBUTION_KEYS.some((f) => fields[f])) error('ClickId', 'an attribution key is required');
  if ((fields.OrderId ?? '').length > 64) error('OrderId', 'OrderId is longer than 64 characters');
  if ((fields.ClickId ?? '').length > 64) error('ClickId', 'ClickId is longer than 64 characters');
  if (fields.EventDate && fields.EventDate !== 'NOW' && Number.isNaN(Date.parse(fields.EventDate))) error('EventDate', 'EventDate is not an ISO-8601 date');
  if (fields.CustomerEmail?.includes('@')) error('CustomerEmail', 'CustomerEmail must be a SHA1 or SHA256 hash');
  for (const key of Object.keys(fields)) {
    const n = /^ItemSubTotal(\d+)$/.exec(key)?.[1];
    if (n && fields[`ItemPrice${n}`]) error(`ItemPrice${n}`, 'ItemPrice and ItemSubTotal are mutually exclusive');
  }
  if (Object.keys(fields).some((k) => k.startsWith('ItemSku')) && fields.OrderSubTotalPostDiscount) {
    error('OrderSubTotalPostDiscount', 'OrderSubTotalPostDiscount cannot be sent with items');
  }
  return errors;
}

function authenticate(req: IncomingMessage, accounts: Readonly<Record<string, string>>): string | null {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return null;
  const [sid, token] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
  return sid && accounts[sid] !== undefined && accounts[sid] === token ? sid : null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

