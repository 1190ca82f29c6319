import { parseArgs } from 'node:util';
import { didYouMean } from './did-you-mean.ts';
import { UsageError } from './io.ts';

type OptionSpec = Record<string, { type: 'string' | 'boolean'; required?: boolean }>;
type Values<S extends OptionSpec> = { [K in keyof S]: S[K]['type'] extends 'boolean' ? boolean : S[K]['required'] extends true ? string : string | undefined };

/** util.parseArgs with required options, and every mistake as a one-line UsageError that shows the usage. */
export function parseOptions<S extends OptionSpec>(
  args: string[],
  spec: S,
  usage: string,
  positionals: { min: number; max: number; name?: string } = { min: 0, max: 0 },
) {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      allowPositionals: positionals.max > 0,
      strict: true,
      options: Object.fromEntries(Object.entries(spec).map(([name, { type }]) => [name, { type }])),
    });
  } catch (error) {
    // Node's own words are long ("To specify a positional argument starting with a '-'…"): say the option, and the nearest one.
    const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec((error as Error).message)?.[1];
    if (unknown) throw new UsageError(`unknown option ${unknown}${didYouMean(unknown.replace(/^-+/, ''), Object.keys(spec), (name) => `--${name}`)} (${usage})`);
    throw new UsageError(`${(error as Error).message} (${usage})`);
  }
  const missing = Object.entries(spec)
    .filter(([name, { required }]) => required && !parsed.values[name])
    .map(([name]) => `--${name}`);
  if (parsed.positionals.length < positionals.min) missing.push(positionals.name ?? 'an argument');
  if (missing.length > 0) throw new UsageError(`missing ${missing.join(', ')} (${usage})`);
  if (parsed.positionals.length > positionals.max) throw new UsageError(`unexpected ${parsed.positionals.slice(positionals.max).join(' ')} (${usage})`);
  // Platform names are case-insensitive everywhere: `--platform Shopify` is shopify.
  if (typeof parsed.values.platform === 'string') parsed.values.platform = parsed.values.platform.toLowerCase();
  return { values: parsed.values as Values<S>, positionals: parsed.positionals };
}
