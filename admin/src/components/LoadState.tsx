import type { ReactNode } from 'react';
import type { ApiFailure } from '../api.ts';
import { describeProblem } from '../problem-labels.ts';

export function Loading({ label }: { label: string }) {
  return (
    <div className="loading" role="status" aria-busy="true">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

/** A failure the merchant can act on, announced at once, with a way to try again. */
export function ErrorAlert({ title, failure, onRetry }: { title: string; failure: ApiFailure; onRetry?: () => void }) {
  return (
    <div className="alert alert-error" role="alert">
      <p>
        <strong>{title}</strong> {failure.message}
      </p>
      {failure.problems.length > 0 && (
        <ul>
          {failure.problems.map((problem) => (
            <li key={`${problem.path}:${problem.message}`}>{describeProblem(problem)}</li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}
