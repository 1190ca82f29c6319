export { isWellFormedJson } from './is-well-formed-json.ts';
export { parseJson } from './parse-json.ts';
