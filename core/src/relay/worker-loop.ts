/**
 * Runs `step` again and again: at once while it finds work, after `idleMs` when it found none, and
 * after a backoff when it failed. `wake()` cuts an idle wait short. `stop()` waits for the step under way.
 */
export class WorkerLoop {
  readonly #step: () => Promise<number>;
  readonly #idleMs: number;
  readonly #onError: (error: unknown) => void;
  #running = false;
  #current: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #wakeUp: (() => void) | null = null;

  constructor(step: () => Promise<number>, options: { idleMs: number; onError: (error: unknown) => void }) {
    this.#step = step;
    this.#idleMs = options.idleMs;
    this.#onError = options.onError;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#current = this.#run();
  }

  wake(): void {
    this.#wakeUp?.();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    await this.#current;
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (this.#running) {
      let found = 0;
      try {
        found = await this.#step();
        failures = 0;
      } catch (error) {
        failures++;
        this.#onError(error);
      }
      if (!this.#running) break;
      if (found > 0 && failures === 0) {
        // Yield to the event loop between steps: over SQLite a step can be all synchronous work behind
        // promises, and a backlog drained without a pause would starve the HTTP acks, timers and the
        // other loops (and their garbage would pile up in the young generation meanwhile).
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      // After failures, back off, but never longer than 5 s (or the loop's own idle time): a database
      // that comes back is used within seconds, not after the half minute the doubling would reach.
      const wait = failures > 0 ? Math.min(Math.max(this.#idleMs, 5_000), this.#idleMs * 2 ** failures) : this.#idleMs;
      await new Promise<void>((resolve) => {
        this.#wakeUp = resolve;
        this.#timer = setTimeout(resolve, wait);
      });
      if (this.#timer) clearTimeout(this.#timer);
      this.#wakeUp = null;
    }
  }
}
