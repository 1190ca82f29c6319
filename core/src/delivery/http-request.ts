import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * A plain HTTP client over node:http(s) with kept-alive connections: the delivery path sends
 * thousands of small requests, where fetch's stream machinery costs more than the request itself.
 * `timeoutMs` is the whole exchange's deadline (connect, send, answer), not an idle timeout: a server
 * that trickles bytes cannot hold a lane. Answers over `maxResponseBytes` are cut off as errors.
 */
export function createHttpClient(options: { timeoutMs: number; maxSockets?: number; maxResponseBytes?: number }) {
  const maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024;
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 }),
    'https:': new HttpsAgent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 }),
  };
  return (url: URL, init: { method: string; headers: Record<string, string>; body?: string }): Promise<HttpAnswer> =>
    new Promise((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const body = init.body === undefined ? undefined : Buffer.from(init.body);
      const req = send(
        url,
        {
          method: init.method,
          headers: body ? { ...init.headers, 'content-length': String(body.length) } : init.headers,
          agent: agents[url.protocol as 'http:' | 'https:'],
        },
        (res) => {
          const chunks: Buffer[] = [];
          let received = 0;
          res.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (received > maxResponseBytes) req.destroy(new Error(`answer larger than ${maxResponseBytes} bytes`));
            else chunks.push(chunk);
          });
          res.on('end', () => {
            clearTimeout(deadline);
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
            resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', reject);
        },
      );
      const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
      req.on('error', (error) => {
        clearTimeout(deadline);
        reject(error);
      });
      req.end(body);
    });
}
