import { useId, useRef } from 'react';
import type { SaveBarProps } from '../shell.ts';

/** The neutral shell's save bar: a Save button under the page's form, Discard while there are edits, and where things stand. */
export function InlineSaveBar({ saveLabel, dirty, saving, canSave, status, onSave, onDiscard }: SaveBarProps) {
  const hintId = useId();
  const save = useRef<HTMLButtonElement>(null);
  // aria-disabled, not disabled: the button keeps focus while saving and after it, and stays findable with the hint saying why.
  return (
    <div className="save-bar">
      <button
        ref={save}
        type="button"
        className="primary"
        aria-disabled={canSave ? undefined : 'true'}
        aria-describedby={hintId}
        aria-busy={saving || undefined}
        onClick={onSave}
      >
        {saving ? 'Saving…' : saveLabel}
      </button>
      {dirty && !saving && (
        <button
          type="button"
          onClick={() => {
            onDiscard();
            // The button goes with the edits: focus stays in the bar rather than falling to the page's start.
            save.current?.focus();
          }}
        >
          Discard changes
        </button>
      )}
      <span id={hintId} className="save-hint">
        {status}
      </span>
    </div>
  );
}
