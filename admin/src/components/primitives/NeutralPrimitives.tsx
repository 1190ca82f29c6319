import { useId } from 'react';
import type { BadgeProps, BadgeTone, BannerProps, CardProps, DataTableProps } from '../../shell.ts';
import { TableScroll } from '../TableScroll.tsx';

/** The neutral shell's primitives: plain semantic markup, styled by admin.css. */

export function NeutralCard({ title, aside, children }: CardProps) {
  const headingId = useId();
  return (
    <section className="card" aria-labelledby={headingId}>
      <div className="card-header">
        <h3 id={headingId}>{title}</h3>
        {aside}
      </div>
      {children}
    </section>
  );
}

export function NeutralBanner({ tone, title, children }: BannerProps) {
  return (
    <div className={`banner banner-${tone}`} role={tone === 'critical' ? 'alert' : 'status'}>
      <p className="banner-title">
        <strong>{title}</strong>
      </p>
      {children}
    </div>
  );
}

/** The neutral badge classes the stylesheet knows: good and bad for success and critical. */
const BADGE_CLASS: Record<BadgeTone, string> = {
  success: 'badge badge-good',
  critical: 'badge badge-bad',
  attention: 'badge badge-attention',
  info: 'badge badge-info',
  neutral: 'badge',
};

export function NeutralBadge({ tone, children }: BadgeProps) {
  return <span className={BADGE_CLASS[tone]}>{children}</span>;
}

export function NeutralDataTable({ caption, captionShown, scrollLabel, columns, rows, className }: DataTableProps) {
  return (
    <TableScroll label={scrollLabel}>
      <table className={['data-table', className].filter(Boolean).join(' ')}>
        <caption className={captionShown ? 'table-caption' : 'visually-hidden'}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.header} scope="col" className={column.className}>
                {column.headerHidden ? <span className="visually-hidden">{column.header}</span> : column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              {row.cells.map((cell, index) =>
                index === 0 ? (
                  // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional, one per column.
                  <th key={index} scope="row" className={columns[index]?.className}>
                    {cell}
                  </th>
                ) : (
                  // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional, one per column.
                  <td key={index} className={columns[index]?.className}>
                    {cell}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
