import type { OrderListing } from '@cartrelay/core';

/** What the table reads of a described delivery (the --json output's shape). */
interface DeliverySummary {
  readonly kind: string;
  readonly status: string;
  readonly fields: Readonly<Record<string, string>>;
}

const STATUS: Readonly<Record<OrderListing['status'], string>> = { converted: 'converted', reversed: 'reversed', none: 'not sent' };

/**
 * One line per order, for a person at a terminal: the order, when it came, where its conversion
 * stands, its deliveries and how it was attributed. Every attempt and answer are in --json.
 */
export function actionsTable(orders: readonly OrderListing[], deliveries: ReadonlyArray<readonly DeliverySummary[]>, others: readonly DeliverySummary[]): string {
  const rows = orders.map((order, index) => {
    const own = deliveries[index] ?? [];
    const conversion = own.find((delivery) => delivery.kind === 'conversion');
    return [
      order.orderNumber ? `#${order.orderNumber}` : order.platformOrderId,
      new Date(order.createdAt).toISOString().slice(0, 16).replace('T', ' '),
      STATUS[order.status],
      own.length > 0 ? own.map((delivery) => `${delivery.kind} ${delivery.status}`).join(', ') : '-',
      conversion ? attribution(conversion.fields) : '-',
    ];
  });
  if (rows.length === 0 && others.length === 0) return 'no orders yet\n';
  const lines = rows.length > 0 ? table(['ORDER', 'DATE (UTC)', 'STATUS', 'DELIVERIES', 'ATTRIBUTION'], rows) : 'no orders yet\n';
  const tests = others.map((delivery) => `  ${delivery.fields.OrderId ?? '?'}: ${delivery.kind} ${delivery.status}\n`);
  return tests.length > 0 ? `${lines}\nOther deliveries (test actions):\n${tests.join('')}` : lines;
}

/** How impact.com is told who sent the sale: the click id, the code and its partner, or nothing. */
export function attribution(fields: Readonly<Record<string, string>>): string {
  const code = fields.OrderPromoCode ? `code ${fields.OrderPromoCode}` : null;
  if (fields.ClickId) return `click id ${fields.ClickId}${code ? ` (${code})` : ''}`;
  if (fields.MediaPartnerId) return `${code ?? 'partner'} → partner ${fields.MediaPartnerId}`;
  return code ? `${code} (no partner)` : 'none';
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) => `${cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')}\n`;
  return line(header) + rows.map(line).join('');
}
