import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake BigCommerce V2 Orders API on loopback, for tests and the demo: GET
 * /stores/{hash}/v2/orders/{id}[/products|/coupons] with X-Auth-Token, answering 204 for no coupons
 * as BigCommerce does.
 */
export interface FakeBigCommerce {
  readonly url: string;
  /** Sets what the API answers for an order (the V2 order, its products and coupons). */
  setOrder(storeHash: string, bundle: { order: { id: number | string } & Record<string, unknown>; products: unknown[]; coupons: unknown[] }): void;
  close(): Promise<void>;
}

export async function startFakeBigCommerce(options: { tokens: Readonly<Record<string, string>> }): Promise<FakeBigCommerce> {
  const orders = new Map<string, { order: unknown; products: unknown[]; coupons: unknown[] }>();
  const server = createServer((req, res) => {
    const match = /^\/stores\/([^/]+)\/v2\/orders\/([^/]+)(\/products|\/coupons)?$/.exec(req.url ?? '');
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (!match) return send(404, { status: 404, title: 'not found' });
    const [, hash, id, part] = match;
    if (options.tokens[hash!] === undefined || req.headers['x-auth-token'] !== options.tokens[hash!]) return send(401, { status: 401, title: 'Unauthorized' });
    const bundle = orders.get(`${hash}/${id}`);
    if (!bundle) return send(404, { status: 404, title: 'The requested resource was not found' });
    if (part === '/products') return send(200, bundle.products);
    if (part === '/coupons') return bundle.coupons.length === 0 ? send(204) : send(200, bundle.coupons);
    return send(200, bundle.order);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setOrder(storeHash, bundle) {
      orders.set(`${storeHash}/${bundle.order.id}`, bundle);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
