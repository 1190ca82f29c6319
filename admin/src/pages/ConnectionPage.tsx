import {
  AccountSidSchema,
  AuthTokenSchema,
  type ConnectionTestResult,
  type FieldProblem,
  parseTrackingConfig,
} from '@cartrelay/core/admin-contract';
import { useId, useState } from 'react';
import type { ApiFailure } from '../api.ts';
import { useAnnounce, useNotify } from '../components/Announcer.tsx';
import { TextField } from '../components/Field.tsx';
import { ErrorAlert } from '../components/LoadState.tsx';
import type { PageProps } from './page-props.ts';

interface ConnectionDraft {
  readonly accountSid: string;
  readonly authToken: string;
  readonly campaignId: string;
  readonly actionTrackerId: string;
}

/** The schema's first message for a value, or undefined when it is fine (or not typed yet). */
const schemaMessage = (schema: typeof AccountSidSchema | typeof AuthTokenSchema, value: string): string | undefined => {
  if (value.trim() === '') return undefined;
  const parsed = schema.safeParse(value);
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
};

/**
 * Where impact.com's refusal of the credentials belongs: the fields its problems name, else the
 * Auth Token, as impact.com refuses the pair with one answer (401).
 */
function refusalOf(failure: ApiFailure): { accountSid?: string; authToken?: string } {
  const at = (path: string) => failure.problems.find((problem) => problem.path === path)?.message;
  const accountSid = at('accountSid');
  const authToken = at('authToken');
  if (accountSid === undefined && authToken === undefined) return { authToken: failure.message };
  return { ...(accountSid !== undefined && { accountSid }), ...(authToken !== undefined && { authToken }) };
}

export function ConnectionPage({ api, shop, onShopChange }: PageProps) {
  const announce = useAnnounce();
  const notify = useNotify();
  const saveHintId = useId();
  const [draft, setDraft] = useState<ConnectionDraft>(() => ({
    accountSid: shop.connection.accountSid ?? '',
    authToken: '',
    campaignId: shop.config?.program.campaignId ?? '',
    actionTrackerId: shop.config?.program.actionTrackerId ?? '',
  }));
  const [busy, setBusy] = useState<'saving' | 'testing' | null>(null);
  const [failure, setFailure] = useState<{ title: string; failure: ApiFailure } | null>(null);
  const [testResult, setTestResult] = useState<ConnectionTestResult | null>(null);
  // What impact.com answered the last save: a refusal shown at the field it concerns, or a reservation.
  const [refusal, setRefusal] = useState<{ accountSid?: string; authToken?: string } | null>(null);
  const [warning, setWarning] = useState<string | null>(null);
  // A field's error shows once it lost focus, or once a save was attempted: not while it is first typed.
  const [touched, setTouched] = useState<ReadonlySet<keyof ConnectionDraft>>(() => new Set());
  const [attempted, setAttempted] = useState(false);
  const shown = (field: keyof ConnectionDraft, error: string | undefined) => (attempted || touched.has(field) ? error : undefined);
  const touch = (field: keyof ConnectionDraft) => () => setTouched((current) => (current.has(field) ? current : new Set([...current, field])));

  const set = (change: Partial<ConnectionDraft>) => {
    setDraft((current) => ({ ...current, ...change }));
    // A refused credential is retyped: impact.com's old answer no longer applies to it.
    if (('accountSid' in change || 'authToken' in change) && refusal) setRefusal(null);
  };

  // The whole configuration with the typed program, through the server's own schema.
  const configInput = shop.config
    ? { ...shop.config, program: { campaignId: draft.campaignId, actionTrackerId: draft.actionTrackerId } }
    : { version: 1, program: { campaignId: draft.campaignId, actionTrackerId: draft.actionTrackerId } };
  const configCheck = parseTrackingConfig(configInput);
  const configProblem = (path: string) =>
    configCheck.ok ? failure?.failure.problems.find((p: FieldProblem) => p.path === path)?.message : configCheck.error.find((p) => p.path === path)?.message;

  const sidError = draft.accountSid.trim() === '' ? 'Enter the Account SID from impact.com (Settings › API).' : schemaMessage(AccountSidSchema, draft.accountSid);
  const tokenMissing = draft.authToken.trim() === '' && !shop.connection.authTokenSet;
  const tokenError = schemaMessage(AuthTokenSchema, draft.authToken);
  const campaignError = draft.campaignId === '' ? undefined : configProblem('program.campaignId');
  const trackerError = draft.actionTrackerId === '' ? undefined : configProblem('program.actionTrackerId');
  const canSave = !busy && !sidError && !tokenMissing && !tokenError && configCheck.ok;
  const missing = [
    draft.accountSid.trim() === '' && 'Account SID',
    tokenMissing && 'Auth Token',
    draft.campaignId.trim() === '' && 'program id',
    draft.actionTrackerId.trim() === '' && 'action tracker id',
  ].filter((name): name is string => typeof name === 'string');

  const save = async () => {
    if (busy) return;
    setAttempted(true);
    if (!canSave) return;
    setBusy('saving');
    setFailure(null);
    setRefusal(null);
    setWarning(null);
    const token = draft.authToken.trim();
    const connection = await api.saveConnection({ accountSid: draft.accountSid.trim(), ...(token !== '' && { authToken: token }) });
    if (!connection.ok) {
      setBusy(null);
      setFailure({ title: 'The impact.com credentials were not saved.', failure: connection.error });
      if (connection.error.status === 400) setRefusal(refusalOf(connection.error));
      notify(`Not saved: ${connection.error.message}`, { isError: true, alertShown: true });
      return;
    }
    onShopChange(connection.value);
    const config = await api.saveConfig(configCheck.ok ? configCheck.value : configInput);
    setBusy(null);
    if (!config.ok) {
      setFailure({ title: 'The credentials were saved, but the program was not.', failure: config.error });
      notify(`The program was not saved: ${config.error.message}`, { isError: true, alertShown: true });
      return;
    }
    onShopChange(config.value);
    set({ authToken: '' });
    const reservation = connection.value.warning?.trim() || null;
    setWarning(reservation);
    notify(reservation ? `Connection saved. impact.com said: ${reservation}` : 'Connection saved.');
  };

  const test = async () => {
    if (busy) return;
    setBusy('testing');
    setFailure(null);
    setTestResult(null);
    const token = draft.authToken.trim();
    const result = await api.testConnection({
      ...(draft.accountSid.trim() !== '' && { accountSid: draft.accountSid.trim() }),
      ...(token !== '' && { authToken: token }),
      ...(/^\d{1,10}$/.test(draft.campaignId.trim()) && { campaignId: draft.campaignId.trim() }),
    });
    setBusy(null);
    if (!result.ok) {
      setFailure({ title: 'The connection could not be tested.', failure: result.error });
      return;
    }
    setTestResult(result.value);
    announce(result.value.ok ? `Connection works: ${result.value.message}` : `Connection failed: ${result.value.message}`);
  };

  return (
    <section aria-labelledby="connection-heading">
      <h2 id="connection-heading">Connection</h2>
      <p>Your impact.com API credentials (Settings › API in impact.com) and the program conversions are reported to.</p>
      {!shop.config && <p className="notice">Save these first: nothing is sent to impact.com until the program id is saved.</p>}
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <TextField
          label="Account SID"
          value={draft.accountSid}
          error={shown('accountSid', sidError) ?? refusal?.accountSid}
          onBlur={touch('accountSid')}
          onChange={(accountSid) => set({ accountSid })}
        />
        <TextField
          label="Auth Token"
          type="password"
          autoComplete="new-password"
          value={draft.authToken}
          error={shown('authToken', tokenError) ?? refusal?.authToken}
          onBlur={touch('authToken')}
          hint={shop.connection.authTokenSet ? 'A token is saved; leave this blank to keep it.' : 'Shown next to the Account SID in impact.com.'}
          onChange={(authToken) => set({ authToken })}
        />
        <TextField
          label="Program id"
          inputMode="numeric"
          value={draft.campaignId}
          error={shown('campaignId', campaignError)}
          onBlur={touch('campaignId')}
          hint="The program's (campaign's) id in impact.com."
          onChange={(campaignId) => set({ campaignId })}
        />
        <TextField
          label="Action tracker id"
          inputMode="numeric"
          value={draft.actionTrackerId}
          error={shown('actionTrackerId', trackerError)}
          onBlur={touch('actionTrackerId')}
          hint="The event type sales are reported as."
          onChange={(actionTrackerId) => set({ actionTrackerId })}
        />
        {failure && <ErrorAlert title={failure.title} failure={failure.failure} />}
        {warning && (
          <p className="notice" role="status">
            <strong>Saved, but impact.com said:</strong> {warning}
          </p>
        )}
        {testResult && (
          <p className={testResult.ok ? 'result result-ok' : 'result result-bad'}>
            <strong>{testResult.ok ? 'Connection works.' : 'Connection failed.'}</strong> {testResult.message}
          </p>
        )}
        <div className="toolbar">
          {/* aria-disabled, not disabled: a busy or unavailable button keeps focus; the handlers ignore it meanwhile. */}
          <button
            type="submit"
            className="primary"
            aria-disabled={canSave ? undefined : 'true'}
            aria-describedby={!canSave && !busy ? saveHintId : undefined}
            aria-busy={busy === 'saving' || undefined}
          >
            {busy === 'saving' ? 'Saving…' : 'Save connection'}
          </button>
          <button type="button" aria-disabled={busy !== null ? 'true' : undefined} aria-busy={busy === 'testing' || undefined} onClick={() => void test()}>
            {busy === 'testing' ? 'Testing…' : 'Test connection'}
          </button>
          {!canSave && !busy && (
            <span id={saveHintId} className="save-hint">
              {missing.length > 0 ? `Enter the ${missing.join(', ')} to save.` : 'Fix the fields marked above to save.'}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}
