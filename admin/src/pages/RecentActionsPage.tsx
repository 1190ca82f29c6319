import type { AdminAction, AdminActionsPage, AdminDelivery } from '@cartrelay/core/admin-contract';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiFailure } from '../api.ts';
import { useAnnounce } from '../components/Announcer.tsx';
import { TextField } from '../components/Field.tsx';
import { EmptyState, ErrorAlert, Loading } from '../components/LoadState.tsx';
import { SOURCE_TEXT, formatTime } from '../format.ts';
import type { BadgeTone } from '../shell.ts';
import { useShell } from '../shell-context.ts';
import type { PageProps } from './page-props.ts';

const LIMIT = 50;

type Load = { state: 'loading' } | { state: 'failed'; failure: ApiFailure } | { state: 'loaded'; page: AdminActionsPage };

const KIND_TEXT: Record<AdminDelivery['kind'], string> = { conversion: 'Conversion', modification: 'Modification', reversal: 'Reversal' };

const DELIVERY_STATUS_TEXT: Record<AdminDelivery['status'], string> = {
  pending: 'Waiting',
  inflight: 'Sending',
  done: 'Sent',
  rejected: 'Rejected',
  dead: 'Failed, will not retry',
};

const SUBMISSION_TEXT: Record<string, string> = {
  queued: 'impact.com queued it',
  complete: 'impact.com processed it',
  unknown: 'impact.com has not said how it went',
};

type Tone = 'good' | 'bad' | 'neutral';

/** A delivery in the merchant's words: a sent conversion impact.com rejected is not "done". */
export function describeDelivery(delivery: AdminDelivery): { text: string; tone: Tone } {
  const kind = KIND_TEXT[delivery.kind];
  if (delivery.submissionStatus === 'error' || delivery.status === 'rejected') return { text: `${kind}: Rejected by impact.com`, tone: 'bad' };
  if (delivery.status === 'dead') return { text: `${kind}: Not delivered (${DELIVERY_STATUS_TEXT.dead.toLowerCase()})`, tone: 'bad' };
  if (delivery.status === 'pending' && delivery.dueAt) return { text: `${kind} scheduled for ${formatTime(delivery.dueAt)}`, tone: 'neutral' };
  return { text: `${kind}: ${DELIVERY_STATUS_TEXT[delivery.status]}`, tone: delivery.status === 'done' ? 'good' : 'neutral' };
}

/**
 * The colour of the row's status (its words are the server's statusText): how the delivery behind it
 * went, rejected or not made being bad.
 */
function statusTone(action: AdminAction): Tone {
  if (action.status === 'none' || action.waitingUntil !== null) return 'neutral';
  const kind = action.status === 'converted' ? 'conversion' : 'reversal';
  const latest = action.deliveries.filter((delivery) => delivery.kind === kind).at(-1);
  if (latest && describeDelivery(latest).tone === 'bad') return 'bad';
  if (latest && (latest.status === 'pending' || latest.status === 'inflight')) return 'neutral';
  return action.status === 'converted' ? 'good' : 'neutral';
}

export function RecentActionsPage({ api }: PageProps) {
  const announce = useAnnounce();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [refreshing, setRefreshing] = useState(false);
  // What is shown: the search applied, and the cursors of the pages before this one (the newest page has none).
  const [shown, setShown] = useState<{ q: string; cursors: readonly string[] }>({ q: '', cursors: [] });
  const [searchText, setSearchText] = useState('');
  const tableArea = useRef<HTMLDivElement>(null);
  const focusTable = useRef(false);

  const fetchActions = useCallback(async () => {
    setRefreshing(true);
    const result = await api.listActions({ limit: LIMIT, before: shown.cursors.at(-1), q: shown.q || undefined });
    setRefreshing(false);
    setLoad(result.ok ? { state: 'loaded', page: result.value } : { state: 'failed', failure: result.error });
  }, [api, shown]);

  useEffect(() => {
    void fetchActions();
  }, [fetchActions]);

  // After paging, the buttons may be gone (the last page has no Older): reading goes on from the table.
  useEffect(() => {
    if (load.state !== 'loaded' || !focusTable.current) return;
    focusTable.current = false;
    tableArea.current?.querySelector<HTMLElement>('.table-scroll, .empty')?.focus();
    const first = shown.cursors.length * LIMIT + 1;
    announce(
      load.page.actions.length === 0 ? 'No orders on this page.' : `Showing orders ${first} to ${first + load.page.actions.length - 1}.`,
    );
  }, [load, shown.cursors.length, announce]);

  const page = (cursors: readonly string[]) => {
    if (refreshing) return;
    focusTable.current = true;
    setShown((current) => ({ ...current, cursors }));
  };
  const search = (q: string) => {
    if (refreshing) return;
    setShown({ q: q.trim(), cursors: [] });
  };

  const first = shown.cursors.length * LIMIT + 1;
  return (
    <section aria-labelledby="actions-heading" aria-busy={refreshing}>
      <h2 id="actions-heading">Recent actions</h2>
      <p>Orders CartRelay handled, newest first, and what impact.com made of them.</p>
      {/* biome-ignore lint/a11y/useSemanticElements: a form with the search role reaches every browser and screen reader; <search> is too new for some. */}
      <form
        className="search"
        role="search"
        aria-label="Orders"
        onSubmit={(event) => {
          event.preventDefault();
          search(searchText);
        }}
      >
        <TextField label="Search orders" hint="An order number, a promo code or a click id." value={searchText} onChange={setSearchText} />
        <div className="toolbar">
          <button type="submit">Search</button>
          {shown.q !== '' && (
            <button
              type="button"
              onClick={() => {
                setSearchText('');
                search('');
              }}
            >
              Clear search
            </button>
          )}
          <button
            type="button"
            aria-disabled={refreshing ? 'true' : undefined}
            onClick={() => {
              if (!refreshing) void fetchActions();
            }}
          >
            {refreshing ? 'Refreshing…' : 'Refresh'}
          </button>
        </div>
      </form>
      <div ref={tableArea}>
        {load.state === 'loading' && <Loading label="Loading recent actions…" />}
        {load.state === 'failed' && <ErrorAlert title="Recent actions could not be loaded." failure={load.failure} onRetry={() => void fetchActions()} />}
        {load.state === 'loaded' &&
          (load.page.actions.length === 0 ? (
            <EmptyState>
              {shown.q !== ''
                ? `No orders match “${shown.q}”.`
                : shown.cursors.length > 0
                  ? 'No older orders.'
                  : 'No orders yet: they appear here once your store sends its first order.'}
            </EmptyState>
          ) : (
            <>
              {shown.q !== '' && <p className="muted">Orders matching “{shown.q}”</p>}
              <ActionsTable actions={load.page.actions} />
            </>
          ))}
      </div>
      {load.state === 'loaded' && (shown.cursors.length > 0 || load.page.nextCursor !== null) && (
        <nav className="pager" aria-label="Pages of orders">
          {shown.cursors.length > 0 && (
            <button type="button" onClick={() => page(shown.cursors.slice(0, -1))}>
              Newer
            </button>
          )}
          {load.page.actions.length > 0 && (
            <span className="muted">
              Orders {first}–{first + load.page.actions.length - 1}
            </span>
          )}
          {load.page.nextCursor !== null && (
            <button type="button" onClick={() => page([...shown.cursors, load.page.nextCursor as string])}>
              Older
            </button>
          )}
        </nav>
      )}
    </section>
  );
}

const COLUMNS = [
  { header: 'Order' },
  { header: 'Date', className: 'nowrap' },
  { header: 'Amount', className: 'numeric' },
  { header: 'Partner' },
  { header: 'Attribution' },
  { header: 'Status' },
  { header: 'Deliveries' },
] as const;


function ActionsTable({ actions }: { actions: readonly AdminAction[] }) {
  const { DataTable } = useShell();
  return (
    <DataTable
      caption="Recent actions"
      scrollLabel="Recent actions table"
      className="actions"
      columns={COLUMNS}
      rows={actions.map((action) => ({
        key: `${action.source} ${action.platformOrderId}`,
        cells: [
          <OrderName key="order" action={action} />,
          formatTime(action.placedAt),
          action.amount ? `${action.amount.value} ${action.amount.currency}` : <span key="amount" className="muted">none</span>,
          <Partner key="partner" action={action} />,
          <Attribution key="attribution" action={action} />,
          <ActionStatus key="status" action={action} />,
          action.deliveries.length === 0 ? (
            <span key="deliveries" className="muted">none</span>
          ) : (
            <ul key="deliveries" className="deliveries">
              {action.deliveries.map((delivery) => (
                <DeliveryItem key={`${delivery.kind}:${delivery.createdAt}`} delivery={delivery} />
              ))}
            </ul>
          ),
        ],
      }))}
    />
  );
}

/** "#1001" with the platform's id beneath it, and the OrderId impact.com has when it is another; a test action is named as one. */
function OrderName({ action }: { action: AdminAction }) {
  if (action.source === 'test_action') {
    return (
      <>
        Test action
        <span className="muted secondary wrap">{action.platformOrderId}</span>
      </>
    );
  }
  const sentAs = action.impactOrderId !== null && action.impactOrderId !== action.platformOrderId && action.impactOrderId !== action.orderNumber;
  return (
    <>
      {action.orderNumber === null ? action.platformOrderId : `#${action.orderNumber}`}
      {action.orderNumber !== null && <span className="muted secondary">id {action.platformOrderId}</span>}
      {sentAs && (
        <span className="muted secondary">
          sent as <span className="wrap">{action.impactOrderId}</span>
        </span>
      )}
    </>
  );
}

function Partner({ action }: { action: AdminAction }) {
  if (action.partner) {
    return (
      <>
        {action.partner.name ?? `Partner ${action.partner.id}`}
        {action.partner.name !== null && <span className="muted secondary">id {action.partner.id}</span>}
      </>
    );
  }
  // impact.com finds the partner from the click id itself; CartRelay never learns it.
  if (action.attribution.by === 'click_id') return <span className="muted">from the click id, at impact.com</span>;
  return <span className="muted">none</span>;
}

function Attribution({ action }: { action: AdminAction }) {
  const { Badge } = useShell();
  const { attribution, lateClickId } = action;
  return (
    <>
      {attribution.by === 'click_id' && (
        <>
          <Badge tone="info">Click id</Badge> <code className="wrap">{attribution.clickId}</code>
          <span className="muted secondary">{SOURCE_TEXT[attribution.source]}</span>
        </>
      )}
      {attribution.by === 'code' && (
        <>
          <Badge tone="info">Promo code</Badge> <code className="wrap">{attribution.code}</code>
        </>
      )}
      {attribution.by === 'none' && <Badge tone="neutral">None</Badge>}
      {lateClickId && (
        <span className="secondary">
          Click id <code className="wrap">{lateClickId.clickId}</code> arrived late ({lateClickId.source}, {formatTime(lateClickId.capturedAt)}): it
          cannot change a sent conversion.
        </span>
      )}
    </>
  );
}

/** The server's words for where the order stands, coloured by how its deliveries went, and why. */
function ActionStatus({ action }: { action: AdminAction }) {
  const tone = statusTone(action);
  return (
    <>
      <span className={`status status-${tone}`}>{action.statusText}</span>
      {action.waitingUntil !== null && (
        <span className="secondary">Goes {formatTime(action.waitingUntil)} if no click id arrives first.</span>
      )}
      {action.explain.length > 0 && (
        <details>
          <summary>Why</summary>
          <ul>
            {action.explain.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}

const BADGE_TONE: Record<Tone, BadgeTone> = { good: 'success', bad: 'critical', neutral: 'neutral' };

function DeliveryItem({ delivery }: { delivery: AdminDelivery }) {
  const { Badge } = useShell();
  const errors = (delivery.submissionErrors ?? []).map(describeError);
  const state = describeDelivery(delivery);
  const submission =
    delivery.submissionStatus && delivery.submissionStatus !== 'error'
      ? (SUBMISSION_TEXT[delivery.submissionStatus] ?? `impact.com: ${delivery.submissionStatus}`)
      : undefined;
  return (
    <li>
      <Badge tone={BADGE_TONE[state.tone]}>{state.text}</Badge> {delivery.attempts} attempt{delivery.attempts === 1 ? '' : 's'}
      {submission && <> · {submission}</>}
      {delivery.lastError && <div className="delivery-error">Last error: {delivery.lastError}</div>}
      {errors.map((error) => (
        <div key={error} className="delivery-error">
          impact.com: {error}
        </div>
      ))}
    </li>
  );
}

function describeError(error: unknown): string {
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const record = error as Record<string, unknown>;
    for (const key of ['Message', 'message', 'Error', 'error']) {
      if (typeof record[key] === 'string') return record[key] as string;
    }
  }
  return JSON.stringify(error);
}
