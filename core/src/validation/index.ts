export { type FieldProblem, describeProblems, fieldProblems, formatPath } from './format-issues.ts';
