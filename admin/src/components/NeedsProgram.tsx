import { EmptyState } from './LoadState.tsx';

/** Rules need a saved configuration, and a configuration needs the program id first. */
export function NeedsProgram({ what }: { what: string }) {
  return <EmptyState>Save your program id on the Connection page first; then you can set up {what} here.</EmptyState>;
}
