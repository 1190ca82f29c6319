import type { TestActionResult } from '@cartrelay/core/admin-contract';
import { useId, useState } from 'react';
import type { ApiFailure } from '../api.ts';
import { useAnnounce } from '../components/Announcer.tsx';
import { ErrorAlert } from '../components/LoadState.tsx';
import type { PageProps } from './page-props.ts';

/** "Test conversion X sent; its reversal (TEST_ACTION) is scheduled for <local time>." */
export function describeTestAction(result: TestActionResult): string {
  const at = new Date(result.reversalAt);
  const when = Number.isNaN(at.getTime()) ? result.reversalAt : at.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return `Test conversion ${result.orderId} sent; its reversal (TEST_ACTION) is scheduled for ${when}.`;
}

export function TestActionPage({ api, shop }: PageProps) {
  const announce = useAnnounce();
  const [sending, setSending] = useState(false);
  const reasonId = useId();
  // Nothing can be sent before the credentials and the program are saved: say so rather than fail.
  const ready = shop.config !== null && shop.connection.accountSid !== null && shop.connection.authTokenSet;
  const [result, setResult] = useState<{ ok: true; value: TestActionResult } | { ok: false; error: ApiFailure } | null>(null);

  const send = async () => {
    if (sending || !ready) return;
    setSending(true);
    setResult(null);
    const answer = await api.sendTestAction();
    setSending(false);
    setResult(answer);
    if (answer.ok) announce(describeTestAction(answer.value));
  };

  return (
    <section aria-labelledby="test-action-heading">
      <h2 id="test-action-heading">Test action</h2>
      <p>
        Sends a test conversion of 1.00 to impact.com with the saved settings, so you can see it arrive. It is reversed
        automatically (reason TEST_ACTION) an hour later.
      </p>
      {!ready && (
        <p id={reasonId} className="notice">
          Save your connection and program id first (Connection page).
        </p>
      )}
      <button type="button" className="primary" aria-disabled={sending || !ready ? 'true' : undefined}
        aria-describedby={ready ? undefined : reasonId}
        aria-busy={sending || undefined} onClick={() => void send()}>
        {sending ? 'Sending…' : 'Send test conversion'}
      </button>
      {result?.ok === true && <p className="result result-ok">{describeTestAction(result.value)}</p>}
      {result?.ok === false && <ErrorAlert title="The test conversion was not sent." failure={result.error} onRetry={() => void send()} />}
    </section>
  );
}
