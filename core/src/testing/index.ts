/** What every package's tests reuse. Not part of the runtime surface. */
export { aConfig, aLine, anOrder } from './builders.ts';
