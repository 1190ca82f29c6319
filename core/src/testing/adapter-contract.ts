import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapOrder } from '../mapping/map-order.ts';
import { OrderSchema } from '../order/order.ts';
import type { PlatformAdapter } from '../platform/platform-adapter.ts';
import { aConfig } from './builders.ts';

/**
 * The battery every platform adapter must pass: it refuses topics that carry no order, never
 * throws whatever JSON arrives, and what it returns is a valid core Order that maps without throwing.
 */
export function describeAdapterContract(adapter: PlatformAdapter, validPayload: () => unknown): void {
  const [topic] = adapter.orderTopics;
  if (!topic) throw new Error(`${adapter.platform} declares no order topics`);
  const config = aConfig({ trigger: 'created', testOrders: 'submit' });
  const now = new Date('2026-06-01T00:00:00Z');

  const check = (payload: unknown) => {
    const result = adapter.normalizeOrder(topic, payload);
    if (result.ok) {
      expect(OrderSchema.safeParse(result.value).success).toBe(true);
      expect(['submit', 'skip']).toContain(mapOrder(result.value, config, { now }).decision);
    } else {
      expect(result.error.code).toBe('invalid_payload');
    }
  };

  describe(`${adapter.platform} adapter contract`, () => {
    it('normalizes the valid sample into a valid Order', () => {
      const result = adapter.normalizeOrder(topic, validPayload());
      expect(result.ok && OrderSchema.safeParse(result.value).success).toBe(true);
    });

    it('refuses a topic that carries no order', () => {
      const result = adapter.normalizeOrder('not/a-topic', validPayload());
      expect(result).toEqual({ ok: false, error: { code: 'unsupported_topic', topic: 'not/a-topic', supported: adapter.orderTopics } });
    });

    it('returns a typed error, never throws, for arbitrary JSON', () => {
      fc.assert(fc.property(fc.jsonValue(), check), { numRuns: 300 });
    });

    it('returns a typed error or a valid Order, never throws, when any field of a valid payload is replaced', () => {
      const paths = leafAndBranchPaths(validPayload());
      const replacement = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined), fc.bigInt({ min: 0n, max: 2n ** 70n }));
      fc.assert(
        fc.property(fc.constantFrom(...paths), replacement, (path, value) => check(replaceAt(validPayload(), path, value))),
        { numRuns: 500 },
      );
    });
  });
}

type Path = ReadonlyArray<string | number>;

function leafAndBranchPaths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (prefix.length > 0) out.push(prefix);
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      leafAndBranchPaths(child, [...prefix, Array.isArray(value) ? Number(key) : key], out);
    }
  }
  return out;
}

function replaceAt(root: unknown, path: Path, value: unknown): unknown {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return root;
}
