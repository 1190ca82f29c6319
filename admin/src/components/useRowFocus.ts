import { useEffect, useRef } from 'react';

/**
 * Moves focus after rows are added or deleted, once React has rendered them: to the new row's
 * first field, or after a delete to the row that took its place, the one above, or the add button.
 */
export function useRowFocus() {
  const targets = useRef(new Map<string, HTMLElement>());
  const pending = useRef<string | null>(null);

  useEffect(() => {
    if (pending.current === null) return;
    targets.current.get(pending.current)?.focus();
    pending.current = null;
  });

  return {
    /** A ref callback registering `key`'s element as a focus target. */
    target: (key: string) => (element: HTMLElement | null) => {
      if (element) targets.current.set(key, element);
      else targets.current.delete(key);
    },
    focusAfterRender: (key: string) => {
      pending.current = key;
    },
    /** After deleting `index` from `keys` (the list before the delete): the key to focus, else `fallback`. */
    afterDelete: (keys: readonly string[], index: number, fallback: string) => {
      pending.current = keys[index + 1] ?? keys[index - 1] ?? fallback;
    },
  };
}
