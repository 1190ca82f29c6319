import type { TrackingConfig } from '../config/tracking-config.ts';
import type { Mapping } from '../mapping/conversion.ts';
import { mapOrder } from '../mapping/map-order.ts';
import { type PlatformAdapter, describePayloadError } from '../platform/platform-adapter.ts';
import { aConfig } from './builders.ts';

export const TEST_NOW = new Date('2026-06-01T00:00:00Z');

/** Normalizes a platform payload with its adapter and maps it; a payload error fails the test. */
export function mapPayload(adapter: PlatformAdapter, topic: string, payload: unknown, config: TrackingConfig = aConfig()): Mapping {
  const order = adapter.normalizeOrder(topic, payload);
  if (!order.ok) throw new Error(describePayloadError(order.error));
  return mapOrder(order.value, config, { now: TEST_NOW });
}

/** The fields of a mapping that must be a submit; a skip fails the test with its reason. */
export function submittedFields(mapping: Mapping): Record<string, string> {
  if (mapping.decision !== 'submit') throw new Error(`expected submit, got skip: ${mapping.reason}`);
  return { ...mapping.request.fields };
}
