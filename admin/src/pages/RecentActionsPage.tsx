import type { AdminAction, AdminDelivery } from '@cartrelay/core/admin-contract';
import { useCallback, useEffect, useState } from 'react';
import type { ApiFailure } from '../api.ts';
import { EmptyState, ErrorAlert, Loading } from '../components/LoadState.tsx';
import type { PageProps } from './page-props.ts';

const LIMIT = 50;

type Load = { state: 'loading' } | { state: 'failed'; failure: ApiFailure } | { state: 'loaded'; actions: readonly AdminAction[] };

const STATUS_TEXT: Record<AdminAction['status'], string> = { none: 'Not sent', converted: 'Converted', reversed: 'Reversed' };

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
          <ActionsTable actions={load.actions} />
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
              {action.source === 'test_action' ? 'Test action' : action.platformOrderId}
              <span className="muted"> {formatTime(action.updatedAt)}</span>
            </th>
            <td>{action.impactOrderId ?? <span className="muted">none</span>}</td>
            <td>
              {STATUS_TEXT[action.status]}
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
                  <code>{action.lateClickId.clickId}</code>
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

function DeliveryItem({ delivery }: { delivery: AdminDelivery }) {
  const errors = (delivery.submissionErrors ?? []).map(describeError);
  return (
    <li>
      <span className={`badge badge-${delivery.status}`}>
        {delivery.kind}: {delivery.status}
      </span>{' '}
      {delivery.attempts} attempt{delivery.attempts === 1 ? '' : 's'}
      {delivery.submissionStatus && <> · impact.com: {delivery.submissionStatus}</>}
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
