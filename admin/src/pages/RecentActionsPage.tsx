import type { AdminAction, AdminDelivery } from '@cartrelay/core/admin-contract';
import { useCallback, useEffect, useState } from 'react';
import type { ApiFailure } from '../api.ts';
import { EmptyState, ErrorAlert, Loading } from '../components/LoadState.tsx';
import { TableScroll } from '../components/TableScroll.tsx';
import type { PageProps } from './page-props.ts';

const LIMIT = 50;

type Load = { state: 'loading' } | { state: 'failed'; failure: ApiFailure } | { state: 'loaded'; actions: readonly AdminAction[] };

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

/** The row's overall status, which says so when the delivery behind it was rejected or not made. */
export function describeActionStatus(action: AdminAction): { text: string; tone: Tone } {
  if (action.status === 'none') return { text: 'Not sent', tone: 'neutral' };
  const kind = action.status === 'converted' ? 'conversion' : 'reversal';
  const latest = action.deliveries.filter((delivery) => delivery.kind === kind).at(-1);
  const state = latest ? describeDelivery(latest) : null;
  if (latest && state?.tone === 'bad') {
    const verb = action.status === 'converted' ? 'converted' : 'reversed';
    return {
      text: latest.status === 'dead' ? `Not ${verb}: the ${kind} was not delivered` : `Not ${verb}: impact.com rejected the ${kind}`,
      tone: 'bad',
    };
  }
  if (latest && (latest.status === 'pending' || latest.status === 'inflight')) {
    return { text: action.status === 'converted' ? 'Conversion not sent yet' : 'Reversal not sent yet', tone: 'neutral' };
  }
  return { text: action.status === 'converted' ? 'Converted' : 'Reversed', tone: action.status === 'converted' ? 'good' : 'neutral' };
}

export function RecentActionsPage({ api }: PageProps) {
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [refreshing, setRefreshing] = useState(false);

  const fetchActions = useCallback(async () => {
    setRefreshing(true);
    const result = await api.listActions(LIMIT);
    setRefreshing(false);
    setLoad(result.ok ? { state: 'loaded', actions: result.value.actions } : { state: 'failed', failure: result.error });
  }, [api]);

  useEffect(() => {
    void fetchActions();
  }, [fetchActions]);

  return (
    <section aria-labelledby="actions-heading" aria-busy={refreshing}>
      <h2 id="actions-heading">Recent actions</h2>
      <p>The last {LIMIT} orders CartRelay handled, and what impact.com made of them.</p>
      <div className="toolbar">
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
      {load.state === 'loading' && <Loading label="Loading recent actions…" />}
      {load.state === 'failed' && <ErrorAlert title="Recent actions could not be loaded." failure={load.failure} onRetry={() => void fetchActions()} />}
      {load.state === 'loaded' &&
        (load.actions.length === 0 ? (
          <EmptyState>No orders yet: they appear here once your store sends its first order.</EmptyState>
        ) : (
          <TableScroll label="Recent actions table">
            <ActionsTable actions={load.actions} />
          </TableScroll>
        ))}
    </section>
  );
}

function ActionsTable({ actions }: { actions: readonly AdminAction[] }) {
  return (
    <table className="actions">
      <caption className="visually-hidden">Recent actions</caption>
      <thead>
        <tr>
          <th scope="col">Order</th>
          <th scope="col">impact.com OrderId</th>
          <th scope="col">Status</th>
          <th scope="col">Deliveries</th>
          <th scope="col">Late click id</th>
        </tr>
      </thead>
      <tbody>
        {actions.map((action) => (
          <tr key={`${action.source} ${action.platformOrderId}`}>
            <th scope="row">
              <OrderName action={action} />
              <span className="muted secondary">{formatTime(action.updatedAt)}</span>
            </th>
            <td className="wrap">{action.impactOrderId ?? <span className="muted">none</span>}</td>
            <td>
              <ActionStatus action={action} />
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
            </td>
            <td>
              {action.deliveries.length === 0 ? (
                <span className="muted">none</span>
              ) : (
                <ul className="deliveries">
                  {action.deliveries.map((delivery) => (
                    <DeliveryItem key={`${delivery.kind}:${delivery.createdAt}`} delivery={delivery} />
                  ))}
                </ul>
              )}
            </td>
            <td>
              {action.lateClickId ? (
                <>
                  <code className="wrap">{action.lateClickId.clickId}</code>
                  <span className="muted">
                    {' '}
                    ({action.lateClickId.source}, {formatTime(action.lateClickId.capturedAt)})
                  </span>
                </>
              ) : (
                <span className="muted">none</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "#1001" with the platform's id beneath it; a test action is named as one. */
function OrderName({ action }: { action: AdminAction }) {
  if (action.source === 'test_action') return <>Test action</>;
  if (action.orderNumber === null) return <>{action.platformOrderId}</>;
  return (
    <>
      #{action.orderNumber}
      <span className="muted secondary">id {action.platformOrderId}</span>
    </>
  );
}

function ActionStatus({ action }: { action: AdminAction }) {
  const status = describeActionStatus(action);
  return <span className={`status status-${status.tone}`}>{status.text}</span>;
}

function DeliveryItem({ delivery }: { delivery: AdminDelivery }) {
  const errors = (delivery.submissionErrors ?? []).map(describeError);
  const state = describeDelivery(delivery);
  const submission =
    delivery.submissionStatus && delivery.submissionStatus !== 'error'
      ? (SUBMISSION_TEXT[delivery.submissionStatus] ?? `impact.com: ${delivery.submissionStatus}`)
      : undefined;
  return (
    <li>
      <span className={`badge badge-${state.tone}`}>{state.text}</span> {delivery.attempts} attempt{delivery.attempts === 1 ? '' : 's'}
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

function formatTime(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : at.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}
