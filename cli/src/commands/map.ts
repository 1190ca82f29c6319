import { parseArgs } from 'node:util';
import { describePayloadError, describeProblems, mapOrder, parseTrackingConfig } from '@cartrelay/core';
import { type Io, UsageError, displayName, readJsonInput } from '../io.ts';
import { PLATFORMS } from '../platforms.ts';

export const MAP_USAGE =
  'usage: cartrelay map --platform <shopify|woocommerce|bigcommerce> --topic <webhook topic> --config <tracking.json> <payload.json | ->';

/**
 * Shows what would be sent to impact.com for one order, and why: one JSON object on stdout,
 * `{"decision":"submit","request":…,"explain":[…]}` or `{"decision":"skip","reason":…,"explain":[…]}`.
 */
export async function mapCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandLine(args);
  const adapter = PLATFORMS.get(values.platform);
  if (!adapter) throw new UsageError(`unknown platform "${values.platform}"; expected one of ${[...PLATFORMS.keys()].join(', ')}`);

  const configJson = await readJsonInput(values.config, io);
  if (!configJson.ok) throw new UsageError(configJson.error);
  const config = parseTrackingConfig(configJson.value);
  if (!config.ok) throw new UsageError(`${values.config}: ${describeProblems(config.error)}`);

  const payloadPath = positionals[0]!;
  const payload = await readJsonInput(payloadPath, io);
  if (!payload.ok) throw new UsageError(payload.error);
  const order = adapter.normalizeOrder(values.topic, payload.value);
  if (!order.ok) throw new UsageError(`${displayName(payloadPath)}: ${describePayloadError(order.error)}`);

  const mapping = mapOrder(order.value, config.value, { now: io.now() });
  const output =
    mapping.decision === 'submit'
      ? { decision: mapping.decision, request: mapping.request, explain: mapping.explain }
      : { decision: mapping.decision, reason: mapping.reason, explain: mapping.explain };
  io.stdout(`${JSON.stringify(output, null, 2)}\n`);
  return 0;
}

const MAP_OPTIONS = {
  platform: { type: 'string' },
  topic: { type: 'string' },
  config: { type: 'string' },
} as const;

function parseCommandLine(args: string[]) {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: typeof MAP_OPTIONS }>>;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: MAP_OPTIONS });
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (${MAP_USAGE})`);
  }
  const { platform, topic, config } = parsed.values;
  const missing = [!platform && '--platform', !topic && '--topic', !config && '--config', parsed.positionals.length === 0 && '<payload.json | ->']
    .filter(Boolean)
    .join(', ');
  if (missing) throw new UsageError(`missing ${missing} (${MAP_USAGE})`);
  if (parsed.positionals.length > 1) throw new UsageError(`one payload at a time, got ${parsed.positionals.length} (${MAP_USAGE})`);
  return { values: { platform: platform!, topic: topic!, config: config! }, positionals: parsed.positionals };
}
