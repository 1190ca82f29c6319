import { type AdminShop, type FieldProblem, parseTrackingConfig, type TrackingConfig } from '@cartrelay/core/admin-contract';
import { useMemo, useState } from 'react';
import type { AdminApi, ApiFailure } from './api.ts';
import { useNotify } from './components/Announcer.tsx';

export interface ConfigEditorOptions<D> {
  api: AdminApi;
  /** The saved configuration the page edits one part of. */
  config: TrackingConfig;
  onShopChange: (shop: AdminShop) => void;
  /** The page's part of the configuration, as its form holds it. */
  fromConfig: (config: TrackingConfig) => D;
  /** The whole configuration with the page's part replaced by the draft (input form, not yet valid). */
  applyTo: (draft: D, config: TrackingConfig) => unknown;
  /** Announced once the server accepted the configuration, e.g. "Promo codes saved." */
  savedMessage: string;
}

export interface ConfigEditor<D> {
  readonly draft: D;
  readonly setDraft: (update: (draft: D) => D) => void;
  /** The draft differs from what was saved (it was edited since). */
  readonly dirty: boolean;
  /** The whole configuration as the server would parse it: the same schema, before anything is sent. */
  readonly parsed: { ok: true; value: TrackingConfig } | { ok: false; error: FieldProblem[] };
  /**
   * The message to show for a field path such as `promoCodes[1].code`: the server's (until the next
   * edit) always; the schema's once the field was touched (`touchId`, default the path) or a save was attempted.
   */
  readonly problemFor: (path: string, touchId?: string) => string | undefined;
  /** The field `touchId` lost focus: its problems are shown from now on. */
  readonly touch: (touchId: string) => void;
  /** The merchant tried to save (valid or not): every problem is shown. */
  readonly attempted: boolean;
  readonly canSave: boolean;
  readonly saving: boolean;
  /** The last save's failure, while the draft is the one that failed. */
  readonly saveFailure: ApiFailure | null;
  readonly save: () => Promise<void>;
  /** Drops the edits: the page shows what was saved again. */
  readonly discard: () => void;
}

/**
 * One page's part of the tracking configuration, edited against the saved rest of it. An untouched
 * page follows what was saved elsewhere; an edited one keeps its draft until it is saved.
 */
export function useConfigEditor<D>(options: ConfigEditorOptions<D>): ConfigEditor<D> {
  const { api, config, onShopChange, fromConfig, applyTo, savedMessage } = options;
  const notify = useNotify();
  const [edited, setEdited] = useState<D | null>(null);
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<{ draft: D; failure: ApiFailure } | null>(null);
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [attempted, setAttempted] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: fromConfig is a pure mapping defined per page.
  const fromSaved = useMemo(() => fromConfig(config), [config]);
  const draft = edited ?? fromSaved;
  // biome-ignore lint/correctness/useExhaustiveDependencies: applyTo is a pure mapping defined per page.
  const parsed = useMemo(() => parseTrackingConfig(applyTo(draft, config)), [draft, config]);
  const saveFailure = failure && failure.draft === draft ? failure.failure : null;

  const problems: readonly FieldProblem[] = parsed.ok ? (saveFailure?.problems ?? []) : parsed.error;
  const problemFor = (path: string, touchId: string = path) =>
    parsed.ok || attempted || touched.has(touchId) ? problems.find((problem) => problem.path === path)?.message : undefined;
  const touch = (touchId: string) => setTouched((current) => (current.has(touchId) ? current : new Set([...current, touchId])));

  const save = async () => {
    if (saving) return;
    if (!parsed.ok) {
      // Save is unavailable; pressing it marks every problem and says why.
      setAttempted(true);
      notify(`Not saved: fix ${parsed.error.length === 1 ? 'the problem' : `the ${parsed.error.length} problems`} marked above.`, { isError: true });
      return;
    }
    if (edited === null) return;
    setSaving(true);
    const result = await api.saveConfig(parsed.value);
    setSaving(false);
    if (result.ok) {
      discard();
      onShopChange(result.value);
      notify(savedMessage);
    } else {
      setFailure({ draft, failure: result.error });
      notify(`Not saved: ${result.error.message}`, { isError: true, alertShown: true });
    }
  };

  function discard() {
    setEdited(null);
    setFailure(null);
    setTouched(new Set());
    setAttempted(false);
  }

  return {
    draft,
    setDraft: (update) => setEdited((current) => update(current ?? fromSaved)),
    dirty: edited !== null,
    parsed,
    problemFor,
    touch,
    attempted,
    canSave: edited !== null && parsed.ok && !saving,
    saving,
    saveFailure,
    save,
    discard,
  };
}

let lastKey = 0;
/** A stable React key for a row the merchant adds, imports or loads. */
export const newRowKey = (): string => `row-${++lastKey}`;

/** '' → undefined, so an empty optional field is left out rather than sent as "". */
export const optional = (value: string): string | undefined => (value.trim() === '' ? undefined : value);
