import type { z } from 'zod';

/** A problem with one field of some input: where it is, and what is wrong, in plain words. */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/** `["promoCodes", 1, "code"]` → `promoCodes[1].code`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text === '' ? '(root)' : text;
}

export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/**
 * One line: `promoCodes[1].code: invalid regular expression; trigger: …`. At most three problems
 * are spelled out, so one systematic mistake does not bury the line.
 */
export function describeProblems(problems: ReadonlyArray<FieldProblem>, shown = 3): string {
  const text = problems.slice(0, shown).map((p) => `${p.path}: ${p.message}`).join('; ');
  return problems.length > shown ? `${text}; and ${problems.length - shown} more` : text;
}
