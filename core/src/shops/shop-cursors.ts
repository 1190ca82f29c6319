/**
 * Where each shop's periodic jobs (reconciliation) got to, one process at a time. One of the store's
 * ports (ADR 9); its battery: core/src/testing/captures-contract.ts.
 */
export interface ShopCursors {
  /** Where a shop's periodic job got to. */
  readCursor(shopId: number, name: string): Promise<string | null>;
  /** Saves the cursor, and ends a lease taken on it. */
  saveCursor(shopId: number, name: string, value: string, now: number): Promise<void>;
  /**
   * Takes the cursor for a run of its job, so that of several processes one runs it: its value, or
   * null when there is no cursor yet or another process holds a lease that has not run out.
   */
  leaseCursor(shopId: number, name: string, leaseMs: number, now: number): Promise<string | null>;
}
