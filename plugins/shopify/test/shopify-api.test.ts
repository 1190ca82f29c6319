import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createShopifyApi } from '../src/admin-api/shopify-api.ts';

describe('createShopifyApi', () => {
  it('sends the library’s own messages to the relay’s log: warnings (deprecations) as warnings, its chatter as debug', async () => {
    const lines: Array<{ level: number; component?: string; msg: string }> = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const shopify = createShopifyApi({ apiKey: 'key', apiSecretKey: 'secret', hostName: 'https://app.example.com', logger });
    await shopify.logger.deprecated('99.0.0', 'this call goes away');
    await new Promise((resolve) => setImmediate(resolve));

    const ours = lines.filter((line) => line.component === 'shopify-api');
    expect(ours).toContainEqual(expect.objectContaining({ level: pino.levels.values.warn, msg: expect.stringContaining('[Deprecated | 99.0.0] this call goes away') }));
    // The version line the library logs at start is detail, not news.
    expect(ours).toContainEqual(expect.objectContaining({ level: pino.levels.values.debug, msg: expect.stringContaining('version 15.') }));
  });
});
