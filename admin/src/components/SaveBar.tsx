import { useContext } from 'react';
import type { ConfigEditor } from '../config-editor.ts';
import { PageShownContext, useShell, useUnsavedEdits } from '../shell-context.ts';
import { ErrorAlert } from './LoadState.tsx';

/**
 * A configuration page's save: the server's objection in the page, and the shell's save bar (inline,
 * or the platform's own) while the page is shown. `id` names the bar, unique on the page.
 */
export function SaveBar<D>({ id, editor, label }: { id: string; editor: ConfigEditor<D>; label: string }) {
  const shell = useShell();
  const shown = useContext(PageShownContext);
  useUnsavedEdits(id, editor.dirty, editor.discard);
  const problems = editor.parsed.ok ? 0 : editor.parsed.error.length;
  const status =
    problems > 0
      ? editor.attempted
        ? `Fix ${problems === 1 ? 'the problem' : `the ${problems} problems`} marked above to save.`
        : `${problems === 1 ? 'A field needs' : `${problems} fields need`} a value or a fix before saving.`
      : editor.dirty
        ? 'Unsaved changes.'
        : 'All changes saved.';
  return (
    <>
      {editor.saveFailure && <ErrorAlert title="Not saved." failure={editor.saveFailure} />}
      {/* A platform's bar sits outside the page, so it is there only while its page is. */}
      {shown && (
        <shell.SaveBar
          id={id}
          saveLabel={label}
          dirty={editor.dirty}
          saving={editor.saving}
          canSave={editor.canSave}
          status={status}
          onSave={() => {
            // Unavailable while invalid, but pressing it marks the problems (and sends nothing).
            if (editor.canSave || !editor.parsed.ok) void editor.save();
          }}
          onDiscard={editor.discard}
        />
      )}
    </>
  );
}
