import type { AdminClickSource } from '@cartrelay/core/admin-contract';

/** How the pages write times, shares and amounts: the merchant's locale and time zone. */

/** "11/23/26, 10:00 PM" in the merchant's time zone; an unreadable value as it came. */
export function formatTime(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : at.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}

const RELATIVE_UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "5 minutes ago", "in 2 hours", "just now": how far `iso` is from `now`. */
export function formatRelative(iso: string, now: number): string {
  const at = new Date(iso).getTime();
  if (Number.isNaN(at)) return iso;
  const difference = at - now;
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of RELATIVE_UNITS) {
    if (Math.abs(difference) >= size) return format.format(Math.trunc(difference / size), unit);
  }
  return 'just now';
}

/** "25%" of `total`; "–" when there is nothing to share. */
export function formatShare(count: number, total: number): string {
  return total === 0 ? '–' : `${Math.round((count / total) * 100)}%`;
}

/** A YYYY-MM-DD (UTC) day as "Nov 23". */
export function formatDay(date: string): string {
  const at = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(at.getTime()) ? date : at.toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

/** Where a click id was found, as Home and Recent actions say it. */
export const SOURCE_TEXT: Readonly<Record<AdminClickSource, string>> = {
  landing_url: 'from the landing page address',
  storefront: 'from the storefront capture',
  customer_journey: 'from the customer journey',
};
