import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/cartrelay.js', import.meta.url));

/** A `cartrelay serve` child process, killable like a real deployment. */
export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** The end of what the process wrote, log and stderr (why it died, when it did). */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startServe(env: Record<string, string>, port: number): Promise<ServeProcess> {
  const child = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  // The log (stdout) goes to the same tail: a process that dies says why in one or the other.
  child.stdout!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 15_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-20_000);
      if (stderr.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${stderr}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => stderr,
    kill: (signal = 'SIGKILL') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export { createScratchDatabase as createTestDatabase } from '@cartrelay/core/scratch-database';

/** Posts until the relay answers (a platform retries too); the answer's status, or 0 if it never came. */
export async function postWithRetry(urls: () => string, path: string, request: { headers: Record<string, string>; body: string }, tries = 200): Promise<number> {
  for (let attempt = 0; attempt < tries; attempt++) {
    try {
      const response = await fetch(`${urls()}${path}`, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      if (response.status < 500) return response.status;
    } catch {
      // connection refused or reset: the relay is down; try again shortly.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return 0;
}
