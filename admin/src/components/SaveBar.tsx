import { useId } from 'react';
import type { ConfigEditor } from '../config-editor.ts';
import { ErrorAlert } from './LoadState.tsx';

/** The save button of a configuration page, with why it is disabled and what the server objected to. */
export function SaveBar<D>({ editor, label }: { editor: ConfigEditor<D>; label: string }) {
  const problems = editor.parsed.ok ? 0 : editor.parsed.error.length;
  const hint =
    problems > 0
      ? editor.attempted
        ? `Fix ${problems === 1 ? 'the problem' : `the ${problems} problems`} marked above to save.`
        : `${problems === 1 ? 'A field needs' : `${problems} fields need`} a value or a fix before saving.`
      : editor.dirty
        ? 'Unsaved changes.'
        : 'All changes saved.';
  const hintId = useId();
  // aria-disabled, not disabled: the button keeps focus while saving and after it, and stays findable with the hint saying why.
  return (
    <div className="save-bar">
      {editor.saveFailure && <ErrorAlert title="Not saved." failure={editor.saveFailure} />}
      <button
        type="button"
        className="primary"
        aria-disabled={editor.canSave ? undefined : 'true'}
        aria-describedby={hintId}
        aria-busy={editor.saving || undefined}
        onClick={() => {
          // Unavailable while invalid, but pressing it marks the problems (and sends nothing).
          if (editor.canSave || !editor.parsed.ok) void editor.save();
        }}
      >
        {editor.saving ? 'Saving…' : label}
      </button>
      <span id={hintId} className="save-hint">
        {hint}
      </span>
    </div>
  );
}
