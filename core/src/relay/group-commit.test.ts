import { describe, expect, it } from 'vitest';
import type { Store } from '../store/store.ts';
import { CommitRefusedError, GroupCommit } from './group-commit.ts';
import { InboxUnavailableError, InboxWriter } from './inbox-writer.ts';

/** A commit the test finishes by hand: the database answering, or not. */
function manualCommits<Item>() {
  const calls: Array<{ items: Item[]; finish: () => void; fail: (error: Error) => void }> = [];
  const commit = (items: Item[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({ items, finish: () => resolve(items.map(() => 'ok')), fail: reject });
    });
  return { calls, commit };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const refusal = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error);

describe('GroupCommit bounds', () => {
  it('refuses at once what would hold more items or bytes than allowed, until a commit settles', async () => {
    const { calls, commit } = manualCommits<string>();
    const group = new GroupCommit(commit, { maxItems: 3, maxBytes: 10, sizeOf: (item) => item.length });
    const a = group.submit('aaaa');
    const b = group.submit('bbbb');
    // 8 bytes held: 3 more would make 11.
    await expect(group.submit('ccc')).rejects.toMatchObject({ reason: 'full' });
    const c = group.submit('cc');
    expect(group.held).toEqual({ items: 3, bytes: 10 });
    expect(group.full).toBe(true);
    await expect(group.submit('d')).rejects.toBeInstanceOf(CommitRefusedError);

    await tick();
    expect(calls.map((call) => call.items)).toEqual([['aaaa', 'bbbb', 'cc']]);
    // In a commit that has not answered, they still count: a hung database cannot make room.
    await expect(group.submit('d')).rejects.toMatchObject({ reason: 'full' });
    calls[0]!.finish();
    expect(await Promise.all([a, b, c])).toEqual(['ok', 'ok', 'ok']);
    expect(group.held).toEqual({ items: 0, bytes: 0 });
    const d = group.submit('d');
    await tick();
    calls[1]!.finish();
    expect(await d).toBe('ok');
  });

  it('always takes one item alone, however large', async () => {
    const { calls, commit } = manualCommits<string>();
    const group = new GroupCommit(commit, { maxBytes: 10, sizeOf: (item) => item.length });
    const large = group.submit('x'.repeat(100));
    await tick();
    calls[0]!.finish();
    expect(await large).toBe('ok');
  });

  it('refuses an item past its deadline: one still waiting is dropped and never committed, one in a commit keeps counting until it settles', async () => {
    const { calls, commit } = manualCommits<string>();
    const group = new GroupCommit(commit, { timeoutMs: 50, sizeOf: (item) => item.length });
    const inCommit = refusal(group.submit('first'));
    await tick();
    // The first commit hangs; the second item waits behind it (one commit at a time).
    const waiting = refusal(group.submit('second'));
    expect(await inCommit).toMatchObject({ reason: 'timeout' });
    expect(await waiting).toMatchObject({ reason: 'timeout' });
    expect(group.held).toEqual({ items: 1, bytes: 5 });

    calls[0]!.fail(new Error('connection lost'));
    await tick();
    expect(group.held).toEqual({ items: 0, bytes: 0 });
    // The dropped one never reached a commit.
    expect(calls.map((call) => call.items)).toEqual([['first']]);
  });

  it('keeps committing after a commit fails', async () => {
    const { calls, commit } = manualCommits<string>();
    const group = new GroupCommit(commit);
    const a = refusal(group.submit('a'));
    await tick();
    calls[0]!.fail(new Error('database gone'));
    expect(await a).toMatchObject({ message: 'database gone' });
    const b = group.submit('b');
    await tick();
    calls[1]!.finish();
    expect(await b).toBe('ok');
  });
});

describe('InboxWriter', () => {
  const hungStore = { dialect: 'postgres', insertWebhooks: () => new Promise(() => undefined) } as unknown as Store;
  const webhook = (n: number) => ({ shopId: 1, topic: 't', deliveryId: `d${n}`, receivedAt: 0, headers: {}, body: '{}' });

  it('admits webhook requests at the door up to its bounds, before their bodies are read', () => {
    const inbox = new InboxWriter(hungStore, { maxWebhooks: 2, maxBytes: 1_000 });
    const first = inbox.admit(600);
    expect(() => inbox.admit(600)).toThrow(InboxUnavailableError);
    const second = inbox.admit(400);
    expect(inbox.full).toBe(true);
    expect(() => inbox.admit(1)).toThrow(expect.objectContaining({ status: 503, reason: 'full' }));
    first();
    first();
    expect(inbox.held).toMatchObject({ requests: 1, requestBytes: 400 });
    expect(inbox.full).toBe(false);
    second();
    expect(inbox.held).toMatchObject({ requests: 0, requestBytes: 0 });
  });

  it('answers a write the database does not commit in time with InboxUnavailableError', async () => {
    const inbox = new InboxWriter(hungStore, { writeTimeoutMs: 30 });
    await expect(inbox.write(webhook(1))).rejects.toMatchObject({ name: 'InboxUnavailableError', status: 503, reason: 'timeout' });
    expect(inbox.held).toMatchObject({ committing: 1 });
  });
});
