import { type FieldProblem, describeProblems } from './format-issues.ts';

/** Why a platform's payload could not be read: a topic that carries no order, or fields that do not hold. */
export type PayloadError =
  | { readonly code: 'unsupported_topic'; readonly topic: string; readonly supported: readonly string[] }
  | { readonly code: 'invalid_payload'; readonly problems: readonly FieldProblem[] };

/** `line_items[0].price: expected a decimal amount` or `topic refunds/create is not an order topic (…)`. */
export function describePayloadError(error: PayloadError): string {
  if (error.code === 'unsupported_topic') {
    return `topic ${error.topic} does not carry an order; expected one of ${error.supported.join(', ')}`;
  }
  return describeProblems(error.problems);
}
