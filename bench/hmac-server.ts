/** The ceiling: a bare node:http server that only verifies the Shopify HMAC of the body and answers 200. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const secret = process.argv[2] ?? '';
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const expected = Buffer.from(createHmac('sha256', secret).update(Buffer.concat(chunks)).digest('base64'));
    const given = Buffer.from(String(req.headers['x-shopify-hmac-sha256'] ?? ''));
    const valid = expected.length === given.length && timingSafeEqual(expected, given);
    res.writeHead(valid ? 200 : 401, { 'content-type': 'application/json' });
    res.end(valid ? '{"ok":true}' : '{"error":"invalid"}');
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`ready http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
