import { describePayloadError, describeProblems, mapOrder, operatorLines, parseTrackingConfig } from '@cartrelay/core';
import { type Io, UsageError, displayName, readJsonInput } from '../io.ts';
import { parseOptions } from '../options.ts';
import { platformAdapter } from '../platforms.ts';
import { wrongPlatformMessage } from './payload-platform.ts';

export const MAP_USAGE =
  'usage: cartrelay map --platform <shopify|woocommerce|bigcommerce> --topic <webhook topic> --config <tracking.json> <payload.json | ->';

/**
 * Shows what would be sent to impact.com for one order, and why: one JSON object on stdout,
 * `{"decision":"submit","request":…,"explain":[…]}` or `{"decision":"skip","reason":…,"explain":[…]}`.
 */
export async function mapCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(
    args,
    { platform: { type: 'string', required: true }, topic: { type: 'string', required: true }, config: { type: 'string', required: true } },
    MAP_USAGE,
    { min: 1, max: 1, name: '<payload.json | ->' },
  );
  const adapter = platformAdapter(values.platform);

  const config = await readTrackingConfig(values.config, io);

  const payloadPath = positionals[0]!;
  const payload = await readJsonInput(payloadPath, io);
  if (!payload.ok) throw new UsageError(payload.error);
  const order = adapter.normalizeOrder(values.topic, payload.value);
  if (!order.ok) throw new UsageError(`${displayName(payloadPath)}: ${wrongPlatformMessage(payload.value, values.platform) ?? describePayloadError(order.error)}`);

  const mapping = mapOrder(order.value, config, { now: io.now() });
  const output =
    mapping.decision === 'submit'
      ? { decision: mapping.decision, request: mapping.request, explain: operatorLines(mapping.explain) }
      : { decision: mapping.decision, reason: mapping.reason, explain: operatorLines(mapping.explain) };
  io.stdout(`${JSON.stringify(output, null, 2)}\n`);
  return 0;
}

/** Reads and validates a tracking config file; every problem names the file and the field. */
export async function readTrackingConfig(path: string, io: Io) {
  const json = await readJsonInput(path, io);
  if (!json.ok) throw new UsageError(json.error);
  const config = parseTrackingConfig(json.value);
  if (!config.ok) throw new UsageError(`${displayName(path)}: ${describeProblems(config.error)}`);
  return config.value;
}
