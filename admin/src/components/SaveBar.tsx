import type { ConfigEditor } from '../config-editor.ts';
import { ErrorAlert } from './LoadState.tsx';

/** The save button of a configuration page, with why it is disabled and what the server objected to. */
export function SaveBar<D>({ editor, label }: { editor: ConfigEditor<D>; label: string }) {
  const problems = editor.parsed.ok ? 0 : editor.parsed.error.length;
  const hint =
    problems > 0
      ? `Fix ${problems === 1 ? 'the problem' : `the ${problems} problems`} marked above to save.`
      : editor.dirty
        ? 'Unsaved changes.'
        : 'All changes saved.';
  return (
    <div className="save-bar">
      {editor.saveFailure && <ErrorAlert title="Not saved." failure={editor.saveFailure} />}
      <button type="button" className="primary" disabled={!editor.canSave} aria-busy={editor.saving || undefined} onClick={() => void editor.save()}>
        {editor.saving ? 'Saving…' : label}
      </button>
      <span className="save-hint">{hint}</span>
    </div>
  );
}
