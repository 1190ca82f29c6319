import type { AdminDailyAttribution } from '@cartrelay/core/admin-contract';
import { useId } from 'react';
import { formatDay, formatShare } from '../format.ts';

/** The three parts of a day's orders, bottom to top, as the legend and the table name them. */
const SERIES = [
  { key: 'clickId', label: 'By click id', className: 'chart-click' },
  { key: 'code', label: 'By promo code', className: 'chart-code' },
  { key: 'none', label: 'Not attributed', className: 'chart-none' },
] as const;

const BAR_SLOT = 10;
const BAR_WIDTH = 7;
const HEIGHT = 100;

/**
 * The share of each day's orders attributed by click id, by promo code and not at all, as 100%
 * stacked bars drawn in the page (the drop merchants never notice is a theme or consent change
 * that strips irclickid: the click-id part shrinks). The picture is hidden from screen readers,
 * which read the same figures from a table instead; each bar's title gives them on hover.
 */
export function AttributionChart({ days }: { days: readonly AdminDailyAttribution[] }) {
  const first = days[0];
  const last = days.at(-1);
  const captionId = useId();
  // Named by its caption explicitly: not every browser and test library derives a figure's name from it.
  return (
    <figure className="chart" aria-labelledby={captionId}>
      <figcaption id={captionId}>Share of orders per day by attribution, last {days.length} days</figcaption>
      <ul className="chart-legend" aria-hidden="true">
        {SERIES.map((series) => (
          <li key={series.key}>
            <span className={`chart-swatch ${series.className}`} /> {series.label}
          </li>
        ))}
        <li>
          <span className="chart-swatch chart-empty" /> No orders
        </li>
      </ul>
      <div className="chart-plot" aria-hidden="true">
        <span className="chart-axis chart-axis-top">100%</span>
        <span className="chart-axis chart-axis-bottom">0%</span>
        <svg viewBox={`0 0 ${Math.max(days.length, 1) * BAR_SLOT} ${HEIGHT}`} preserveAspectRatio="none" focusable="false" aria-hidden="true">
          <line className="chart-gridline" x1="0" x2={days.length * BAR_SLOT} y1={HEIGHT / 2} y2={HEIGHT / 2} />
          {days.map((day, index) => (
            <DayBar key={day.date} day={day} x={index * BAR_SLOT + (BAR_SLOT - BAR_WIDTH) / 2} />
          ))}
        </svg>
      </div>
      {first && last && (
        <div className="chart-dates" aria-hidden="true">
          <span>{formatDay(first.date)}</span>
          <span>{formatDay(last.date)}</span>
        </div>
      )}
      <div className="visually-hidden">
        <table>
          <caption>Orders per day by attribution</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Orders</th>
              {SERIES.map((series) => (
                <th key={series.key} scope="col">
                  {series.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {days.map((day) => {
              const total = day.clickId + day.code + day.none;
              return (
                <tr key={day.date}>
                  <th scope="row">{formatDay(day.date)}</th>
                  <td>{total}</td>
                  {SERIES.map((series) => (
                    <td key={series.key}>{total === 0 ? '0' : `${day[series.key]} (${formatShare(day[series.key], total)})`}</td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

function DayBar({ day, x }: { day: AdminDailyAttribution; x: number }) {
  const total = day.clickId + day.code + day.none;
  const title = `${formatDay(day.date)}: ${
    total === 0 ? 'no orders' : SERIES.map((series) => `${day[series.key]} ${series.label.toLowerCase()}`).join(', ')
  }`;
  if (total === 0) {
    return (
      <g data-date={day.date}>
        <title>{title}</title>
        <rect className="chart-empty" x={x} y={HEIGHT - 2} width={BAR_WIDTH} height={2} />
      </g>
    );
  }
  let top = HEIGHT;
  return (
    <g data-date={day.date}>
      <title>{title}</title>
      {SERIES.map((series) => {
        const height = (day[series.key] / total) * HEIGHT;
        top -= height;
        return height > 0 ? <rect key={series.key} className={series.className} x={x} y={top} width={BAR_WIDTH} height={height} /> : null;
      })}
    </g>
  );
}
