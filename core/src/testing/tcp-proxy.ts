import { type Server, type Socket, connect, createServer } from 'node:net';

/**
 * A loopback TCP proxy a test controls, to put a network fault between a client and its server
 * (the relay and PostgreSQL):
 *
 * - `pass()` (the start): bytes flow both ways;
 * - `swallow()`: a network that silently loses everything. Bytes in both directions vanish, nobody
 *   is told, and connections stay open, as across a broken link or a dead firewall state; new
 *   connections are accepted and hear nothing;
 * - `heal()`: bytes flow again on the connections that outlived the break. Those whose peer gave up
 *   meanwhile are reset on the other side too (its next packet would have met a reset), and those
 *   opened during the break are closed (their handshake was lost).
 */
export interface TcpProxy {
  /** The port to connect to, on 127.0.0.1. */
  readonly port: number;
  readonly mode: 'pass' | 'swallow';
  /** Connections open now, through the proxy. */
  readonly connections: number;
  swallow(): void;
  heal(): void;
  close(): Promise<void>;
}

interface Link {
  readonly client: Socket;
  server: Socket | null;
  /** Opened while swallowing: never connected upstream. */
  readonly bornInBreak: boolean;
  /** One side closed while swallowing: the other learns at heal. */
  brokenInBreak: boolean;
}

export async function startTcpProxy(target: { host?: string; port: number }): Promise<TcpProxy> {
  const host = target.host ?? '127.0.0.1';
  let mode: 'pass' | 'swallow' = 'pass';
  const links = new Set<Link>();

  const close = (link: Link) => {
    links.delete(link);
    link.client.destroy();
    link.server?.destroy();
  };
  const ended = (link: Link) => {
    // While swallowing, the other side is not told: the news would not cross a broken network.
    if (mode === 'swallow') link.brokenInBreak = true;
    else close(link);
  };
  const pipe = (from: Socket, to: () => Socket | null) => {
    from.on('data', (chunk) => {
      if (mode === 'pass') to()?.write(chunk);
    });
  };

  const server: Server = createServer((client) => {
    const link: Link = { client, server: null, bornInBreak: mode === 'swallow', brokenInBreak: false };
    links.add(link);
    client.on('error', () => ended(link));
    client.on('close', () => ended(link));
    pipe(client, () => link.server);
    if (link.bornInBreak) return;
    const upstream = connect({ host, port: target.port });
    link.server = upstream;
    upstream.on('error', () => ended(link));
    upstream.on('close', () => ended(link));
    pipe(upstream, () => client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    port,
    get mode() {
      return mode;
    },
    get connections() {
      return links.size;
    },
    swallow() {
      mode = 'swallow';
    },
    heal() {
      mode = 'pass';
      for (const link of [...links]) if (link.bornInBreak || link.brokenInBreak) close(link);
    },
    async close() {
      for (const link of [...links]) close(link);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
