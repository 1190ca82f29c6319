import { Worker } from 'node:worker_threads';
import type { InboxOutcome } from '../../webhooks/inbox.ts';
import type { SealedWebhook } from './inbox-sql.ts';

/**
 * Writes the SQLite inbox from a worker thread. node:sqlite is synchronous: committing on the main
 * thread would stop it answering requests for the length of every fsync.
 */
export interface SqliteInboxThread {
  /** Writes webhooks whose bodies are already sealed (inbox-sql.ts): the thread never holds the key. */
  insert(webhooks: readonly SealedWebhook[]): Promise<Array<InboxOutcome>>;
  /** Sets a pragma on the thread's own connection, e.g. `max_page_count = 100` (tests inject a full disk with it). */
  pragma(assignment: string): Promise<void>;
  close(): Promise<void>;
}

/** What the thread reports of a failed write: SQLite's message and result code (13: disk full). */
interface ThreadFailure {
  message: string;
  code?: string;
  errcode?: number;
  errstr?: string;
}

/** A failed inbox write, with SQLite's own words and code so the log says what happened. */
class InboxWriteError extends Error {
  readonly code: string | undefined;
  readonly errcode: number | undefined;
  readonly errstr: string | undefined;
  constructor(failure: ThreadFailure) {
    super(`inbox write failed: ${failure.message}`);
    this.name = 'InboxWriteError';
    this.code = failure.code;
    this.errcode = failure.errcode;
    this.errstr = failure.errstr;
  }
}

type Waiting = { resolve: (results: Array<InboxOutcome>) => void; reject: (error: Error) => void };

export function startSqliteInboxThread(path: string): SqliteInboxThread {
  const pending = new Map<number, Waiting>();
  let nextId = 1;
  let closing = false;
  let worker: Worker | null = null;

  // A thread that died (it threw, or ran out of memory) fails what it held and is started again on
  // the next write; otherwise every later write would wait for an answer that never comes.
  const thread = (): Worker => {
    if (worker) return worker;
    const started = new Worker(new URL('./sqlite-inbox-worker.js', import.meta.url), { workerData: { path } });
    started.unref();
    started.on('message', (message: { id: number; results?: Array<InboxOutcome>; error?: ThreadFailure }) => {
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if (message.results) waiting?.resolve(message.results);
      else waiting?.reject(new InboxWriteError(message.error ?? { message: 'no answer' }));
    });
    const died = (error: Error) => {
      if (worker !== started) return;
      worker = null;
      for (const waiting of pending.values()) waiting.reject(error);
      pending.clear();
    };
    started.on('error', died);
    started.on('exit', (code) => died(new Error(`inbox writer thread exited (${code})`)));
    worker = started;
    return started;
  };
  const send = (message: object) =>
    new Promise<Array<InboxOutcome>>((resolve, reject) => {
      if (closing) return reject(new Error('inbox writer closed'));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      thread().postMessage({ id, ...message });
    });
  thread();

  return {
    insert: (webhooks) => send({ webhooks }),
    pragma: async (assignment) => {
      await send({ pragma: assignment });
    },
    async close() {
      closing = true;
      const running = worker;
      worker = null;
      await running?.terminate();
      for (const waiting of pending.values()) waiting.reject(new Error('inbox writer closed'));
      pending.clear();
    },
  };
}
