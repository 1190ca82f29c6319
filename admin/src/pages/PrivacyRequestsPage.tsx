import type { AdminDataRequest } from '@cartrelay/core/admin-contract';
import { useCallback, useEffect, useState } from 'react';
import type { ApiFailure } from '../api.ts';
import { useAnnounce } from '../components/Announcer.tsx';
import { downloadText } from '../components/download.ts';
import { EmptyState, ErrorAlert, Loading } from '../components/LoadState.tsx';
import { TableScroll } from '../components/TableScroll.tsx';
import type { PageProps } from './page-props.ts';

type Load = { state: 'loading' } | { state: 'failed'; failure: ApiFailure } | { state: 'loaded'; exports: readonly AdminDataRequest[] };

/** The customer data requests (Shopify's customers/data_request) and their exports, newest first, to hand over. */
export function PrivacyRequestsPage({ api }: PageProps) {
  const announce = useAnnounce();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [refreshing, setRefreshing] = useState(false);

  const fetchRequests = useCallback(async () => {
    setRefreshing(true);
    const result = await api.dataRequests();
    setRefreshing(false);
    setLoad(result.ok ? { state: 'loaded', exports: result.value.exports } : { state: 'failed', failure: result.error });
  }, [api]);

  useEffect(() => {
    void fetchRequests();
  }, [fetchRequests]);

  const download = (request: AdminDataRequest, name: string) => {
    const filename = `customer-data-request-${name.replace(/[^A-Za-z0-9_-]+/g, '-')}.json`;
    downloadText(filename, `${JSON.stringify(request, null, 2)}\n`, 'application/json;charset=utf-8');
    announce(`Downloaded export ${name} as ${filename}.`);
  };

  return (
    <section aria-labelledby="privacy-heading" aria-busy={refreshing}>
      <h2 id="privacy-heading">Privacy requests</h2>
      <p>
        Shopify sends a data request when a customer asks what a store holds on them; hand the export to the customer. Each
        export lists the customer’s orders CartRelay handled and what it sent to impact.com about them.
      </p>
      <div className="toolbar">
        <button
          type="button"
          aria-disabled={refreshing ? 'true' : undefined}
          onClick={() => {
            if (!refreshing) void fetchRequests();
          }}
        >
          {refreshing ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {load.state === 'loading' && <Loading label="Loading privacy requests…" />}
      {load.state === 'failed' && <ErrorAlert title="Privacy requests could not be loaded." failure={load.failure} onRetry={() => void fetchRequests()} />}
      {load.state === 'loaded' &&
        (load.exports.length === 0 ? <EmptyState>No data requests yet.</EmptyState> : (
            <TableScroll label="Privacy requests table">
              <RequestsTable exports={load.exports} onDownload={download} />
            </TableScroll>
          ))}
    </section>
  );
}

function RequestsTable({ exports, onDownload }: { exports: readonly AdminDataRequest[]; onDownload: (request: AdminDataRequest, name: string) => void }) {
  return (
    <table className="data-requests">
      <caption className="visually-hidden">Privacy requests</caption>
      <thead>
        <tr>
          <th scope="col">Received</th>
          <th scope="col">Request id</th>
          <th scope="col">Customer id</th>
          <th scope="col">Orders</th>
          <th scope="col">Export</th>
        </tr>
      </thead>
      <tbody>
        {exports.map((request, index) => {
          // The request id names the export; without one, its place in the list (1 = newest) does.
          const name = request.requestId ?? String(index + 1);
          return (
            <tr key={`${request.requestId ?? ''}:${request.customerId ?? ''}:${request.createdAt}`}>
              <th scope="row">
                <ReceivedAt epochMs={request.createdAt} />
              </th>
              <td>{request.requestId ?? <span className="muted">none</span>}</td>
              <td>{request.customerId ?? <span className="muted">none</span>}</td>
              <td>{request.orders.length}</td>
              <td>
                {/* The name begins with the visible words, so "click Download JSON" works by voice too. */}
                <button type="button" aria-label={`Download JSON export ${name}`} onClick={() => onDownload(request, name)}>
                  Download JSON
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function ReceivedAt({ epochMs }: { epochMs: number }) {
  const at = new Date(epochMs);
  if (Number.isNaN(at.getTime())) return <span className="muted">unknown</span>;
  return <time dateTime={at.toISOString()}>{at.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}</time>;
}
