import { describe, expect, it } from 'vitest';
import { WorkerLoop } from './worker-loop.ts';

describe('WorkerLoop', () => {
  it('lets timers and I/O run between steps while it drains a backlog of work that never waits', async () => {
    let steps = 0;
    const BACKLOG = 20_000;
    // Work that resolves at once (SQLite behind promises): without a pause between steps, nothing else
    // would run until the whole backlog is drained.
    const loop = new WorkerLoop(async () => (++steps <= BACKLOG ? 1 : 0), { idleMs: 60_000, onError: () => undefined });
    loop.start();
    const stepsWhenTimerRan = await new Promise<number>((resolve) => setTimeout(() => resolve(steps), 5));
    await loop.stop();
    expect(stepsWhenTimerRan).toBeGreaterThan(0);
    expect(stepsWhenTimerRan).toBeLessThan(BACKLOG);
  });

  it('rests its idle time once a step finds nothing, and wakes up early when asked', async () => {
    let steps = 0;
    const loop = new WorkerLoop(async () => (++steps === 1 ? 1 : 0), { idleMs: 60_000, onError: () => undefined });
    loop.start();
    await expect.poll(() => steps, { timeout: 5_000 }).toBe(2);
    loop.wake();
    await expect.poll(() => steps, { timeout: 5_000 }).toBe(3);
    await loop.stop();
  });
});
