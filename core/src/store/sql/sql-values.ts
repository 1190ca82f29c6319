import type { SecretBox } from '../../crypto/secret-box.ts';
import type { LedgerEntry } from '../../ledger/order-lifecycle.ts';

/** Transactions the relay can redo if a power cut undoes them: their commits need not wait for the disk (ADR 5). */
export const REDOABLE = { durable: false } as const;

/** `?, ?, ?` for a list of values. */
export const marks = (values: readonly unknown[]) => values.map(() => '?').join(', ');

export const json = <T>(value: unknown, fallback: T): T => (typeof value === 'string' ? (JSON.parse(value) as T) : fallback);

/**
 * What the store keeps of customers, sealed with its box (a copied database file or backup shows none
 * of it) and opened as it is read: raw webhook bodies, delivery fields, data-request exports, a click
 * capture's IP and user agent.
 */
export const sealedJson = (box: SecretBox, value: unknown): string => box.seal(JSON.stringify(value));
export const openedJson = <T>(box: SecretBox, value: unknown, fallback: T): T => (typeof value === 'string' ? (JSON.parse(box.open(value)) as T) : fallback);
export const sealedOrNull = (box: SecretBox, value: string | null): string | null => (value === null ? null : box.seal(value));
export const openedOrNull = (box: SecretBox, value: unknown): string | null => (value === null || value === undefined ? null : box.open(String(value)));
export const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));
export const stringOrNull = (value: unknown) => (value === null || value === undefined ? null : String(value));

/** SQLite and Postgres both report a unique-constraint failure: Postgres by code, SQLite in the message. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === '23505' || /UNIQUE constraint failed/.test(String((error as Error).message));
}

/** What the store reads of a ledger row's order: how the merchant knows it, and its checkout. */
export function orderOfEntry(entryJson: unknown): { orderNumber: string | null; checkoutToken: string | null } {
  const order = json<LedgerEntry | null>(entryJson, null)?.order ?? null;
  return { orderNumber: order?.number ?? null, checkoutToken: order?.checkoutToken ?? null };
}

/** Claims skip rows another Postgres process holds; SQLite's write transaction already excludes other writers. */
export const skipLocked = (dialect: 'sqlite' | 'postgres') => (dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '');
