import type { AdminAlert, AdminHome, AdminPeriodStats } from '@cartrelay/core/admin-contract';
import { useCallback, useContext, useEffect, useState } from 'react';
import type { ApiFailure } from '../api.ts';
import { AttributionChart } from '../components/AttributionChart.tsx';
import { ErrorAlert, Loading } from '../components/LoadState.tsx';
import { PageAnchor } from '../components/PageAnchor.tsx';
import { SOURCE_TEXT, formatRelative, formatShare, formatTime } from '../format.ts';
import { PageShownContext, useShell } from '../shell-context.ts';
import type { PageProps } from './page-props.ts';

type Load = { state: 'loading' } | { state: 'failed'; failure: ApiFailure } | { state: 'loaded'; home: AdminHome; at: number };

/**
 * Home: is CartRelay doing its job? The set-up steps until they are all done, then the shop's
 * health: the last webhook, the click capture, what was sent and accepted, and how orders were
 * attributed, with a banner when impact.com refuses the shop or the click-id share falls.
 * Loaded again each time the page is shown, so a step done elsewhere is ticked on return.
 */
export function HomePage({ api }: PageProps) {
  const shown = useContext(PageShownContext);
  const [load, setLoad] = useState<Load>({ state: 'loading' });

  const fetchHome = useCallback(async () => {
    const result = await api.home();
    setLoad(result.ok ? { state: 'loaded', home: result.value, at: Date.now() } : { state: 'failed', failure: result.error });
  }, [api]);

  useEffect(() => {
    if (shown) void fetchHome();
  }, [shown, fetchHome]);

  return (
    <section aria-labelledby="home-heading">
      <h2 id="home-heading">Home</h2>
      {load.state === 'loading' && <Loading label="Loading how tracking is going…" />}
      {load.state === 'failed' && <ErrorAlert title="Home could not be loaded." failure={load.failure} onRetry={() => void fetchHome()} />}
      {load.state === 'loaded' && <HomeContent home={load.home} now={load.at} />}
    </section>
  );
}

function HomeContent({ home, now }: { home: AdminHome; now: number }) {
  const { Card } = useShell();
  const setUpDone = Object.values(home.checklist).every(Boolean);
  return (
    <>
      {home.alerts.map((alert) => (
        <AlertBanner key={alert.kind} alert={alert} now={now} />
      ))}
      {!setUpDone && <Checklist checklist={home.checklist} />}
      <Card title="Health">
        <dl className="facts">
          <dt>Last webhook</dt>
          <dd>
            {home.lastWebhook ? (
              <>
                <code>{home.lastWebhook.topic}</code>, {formatTime(home.lastWebhook.receivedAt)} ({formatRelative(home.lastWebhook.receivedAt, now)})
              </>
            ) : (
              'None received yet: your store sends one with its next order.'
            )}
          </dd>
          <dt>Click capture</dt>
          <dd>{home.clickCapture ? <ClickCapture capture={home.clickCapture} /> : 'None on this platform: click ids come from the landing page address.'}</dd>
        </dl>
      </Card>
      <PeriodFigures periods={home.periods} captureLabel={home.clickCapture?.label ?? null} />
      <Card title="Attribution per day">
        <AttributionChart days={home.daily} />
      </Card>
    </>
  );
}

function ClickCapture({ capture }: { capture: NonNullable<AdminHome['clickCapture']> }) {
  const { Badge } = useShell();
  return (
    <>
      {capture.label} <Badge tone={capture.active ? 'success' : 'critical'}>{capture.active ? 'Active' : 'Inactive'}</Badge>
      <span className="secondary muted">{capture.detail}</span>
    </>
  );
}

function AlertBanner({ alert, now }: { alert: AdminAlert; now: number }) {
  const { Banner } = useShell();
  if (alert.kind === 'impact_rejected') {
    return (
      <Banner tone="critical" title="impact.com is refusing this store’s conversions">
        <p>
          {alert.message} Since {formatTime(alert.since)} ({formatRelative(alert.since, now)}).
        </p>
        <p>
          <PageAnchor to="connection">Check your impact.com credentials on the Connection page</PageAnchor>
        </p>
      </Banner>
    );
  }
  return (
    <Banner tone="warning" title="Fewer orders carry a click id than usual">
      {/* The server's words: the shares, and the store's own click-id parameter. */}
      <p>{alert.message}</p>
      <p>
        <PageAnchor to="recent-actions">See how recent orders were attributed</PageAnchor>
      </p>
    </Banner>
  );
}

const STEPS = [
  { key: 'connected', text: 'Connect to impact.com', to: 'connection', link: 'Connection' },
  { key: 'programSet', text: 'Set the program and action tracker', to: 'connection', link: 'Connection' },
  { key: 'attributionReady', text: 'Map a partner’s promo code, or receive an order with a click id', to: 'promo-codes', link: 'Promo codes' },
  { key: 'testActionSeen', text: 'Send a test action and see impact.com accept it', to: 'test-action', link: 'Test action' },
] as const;

function Checklist({ checklist }: { checklist: AdminHome['checklist'] }) {
  const { Card, Badge } = useShell();
  const done = STEPS.filter((step) => checklist[step.key]).length;
  return (
    <Card title="Set up CartRelay" aside={<span className="muted">{`${done} of ${STEPS.length} done`}</span>}>
      <ol className="checklist">
        {STEPS.map((step) => (
          <li key={step.key} className={checklist[step.key] ? 'step-done' : 'step-todo'}>
            <span className="step-text">{step.text}</span>{' '}
            {checklist[step.key] ? (
              <Badge tone="success">Done</Badge>
            ) : (
              <>
                <Badge tone="attention">To do</Badge> <PageAnchor to={step.to}>{`Open ${step.link}`}</PageAnchor>
              </>
            )}
          </li>
        ))}
      </ol>
    </Card>
  );
}


/** The 7- and 30-day figures side by side: a table, the periods as its columns. */
function PeriodFigures({ periods, captureLabel }: { periods: readonly AdminPeriodStats[]; captureLabel: string | null }) {
  const { Card, DataTable } = useShell();
  const share = (pick: (period: AdminPeriodStats) => number) => (period: AdminPeriodStats) =>
    `${pick(period)} (${formatShare(pick(period), period.orders)})`;
  const count = (pick: (period: AdminPeriodStats) => number) => (period: AdminPeriodStats) => String(pick(period));
  const rows: ReadonlyArray<{ key: string; label: string; indent?: boolean; value: (period: AdminPeriodStats) => string }> = [
    { key: 'orders', label: 'Orders', value: count((p) => p.orders) },
    { key: 'sent', label: 'Conversions sent', value: count((p) => p.conversionsSent) },
    { key: 'accepted', label: 'Accepted by impact.com', value: count((p) => p.accepted) },
    { key: 'failing', label: 'Failing', value: count((p) => p.failing) },
    { key: 'click', label: 'Attributed by click id', value: share((p) => p.attributed.clickId) },
    ...(['landing_url', 'storefront', 'customer_journey'] as const).map((source) => ({
      key: source,
      label: source === 'storefront' && captureLabel ? `${SOURCE_TEXT[source]} (${captureLabel})` : SOURCE_TEXT[source],
      indent: true,
      value: share((p) => p.attributed.clickIdBySource[source]),
    })),
    { key: 'code', label: 'Attributed by promo code', value: share((p) => p.attributed.code) },
    { key: 'none', label: 'Not attributed', value: share((p) => p.attributed.none) },
  ];
  return (
    <Card title="Orders and conversions">
      <DataTable
        caption="Orders and conversions, last 7 and 30 days"
        className="figures"
        columns={[{ header: 'Figure' }, ...periods.map((period) => ({ header: `Last ${period.days} days`, className: 'numeric' }))]}
        rows={rows.map((row) => ({
          key: row.key,
          cells: [<span key="label" className={row.indent ? 'indent' : undefined}>{row.label}</span>, ...periods.map(row.value)],
        }))}
      />
    </Card>
  );
}
