import type { ConfigEditor } from '../config-editor.ts';
import { ErrorAlert } from './LoadState.tsx';

/** The save button of a configuration page, with why it is disabled and what the server objected to. */
export function SaveBar<D>({ editor, label }: { editor: ConfigEditor<D>; label: string }) {
  const invalid = !editor.parsed.ok;
  return (
    <div className="save-bar">
      {editor.saveFailure && <ErrorAlert title="Not saved." failure={editor.saveFailure} />}
      <button type="button" className="primary" disabled={!editor.canSave} aria-busy={editor.saving || undefined} onClick={() => void editor.save()}>
        {editor.saving ? 'Saving…' : label}
      </button>
      <span className="save-hint">
        {invalid
          ? `Fix ${editor.parsed.ok ? 0 : editor.parsed.error.length === 1 ? 'the problem' : `the ${editor.parsed.error.length} problems`} marked above to save.`
          : editor.dirty
            ? 'Unsaved changes.'
            : 'All changes saved.'}
      </span>
    </div>
  );
}
