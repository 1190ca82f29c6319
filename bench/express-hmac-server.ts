/** A second ceiling: the same HMAC check behind Express 5 and its raw-body parser, to show what the framework costs. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';

const secret = process.argv[2] ?? '';
const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.post('/webhooks/shopify', express.raw({ type: () => true, limit: 1024 * 1024 }), (req, res) => {
  const expected = Buffer.from(createHmac('sha256', secret).update(req.body as Buffer).digest('base64'));
  const given = Buffer.from(String(req.headers['x-shopify-hmac-sha256'] ?? ''));
  const valid = expected.length === given.length && timingSafeEqual(expected, given);
  res.status(valid ? 200 : 401).json(valid ? { ok: true } : { error: 'invalid' });
});
const server = app.listen(0, '127.0.0.1', () => process.stdout.write(`ready http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
