// A horizontal bar chart in plain SVG, for counts (instances by platform, applications by how many
// instances have them). No chart library: the console needs bars with labels and numbers, which is
// forty lines of SVG, where Chart.js (about 200 KB) draws on a canvas that screen readers cannot
// read, and uPlot draws lines only. Accessibility: the SVG is one image with a summary for screen
// readers, and the same numbers are a real table (visually hidden) right after it; every bar has a
// <title> (the tooltip) and says its number in text, not only by its length.
import { useId } from 'preact/hooks';

export interface Bar {
  label: string;
  value: number;
  /** A second line under the label (e.g. the versions of an application). */
  detail?: string;
}

const ROW = 26;
const LABEL_WIDTH = 220;
const VALUE_WIDTH = 48;

export function BarChart({
  title,
  bars,
  unit,
  width = 640,
}: {
  title: string;
  bars: Bar[];
  /** What a value counts ("instances"), said in the summary and the table. */
  unit: string;
  width?: number;
}) {
  const id = useId();
  const max = Math.max(1, ...bars.map((b) => b.value));
  const plot = width - LABEL_WIDTH - VALUE_WIDTH;
  const height = bars.length * ROW + 4;
  const summary = `${title}: ${bars.map((b) => `${b.label} ${b.value}`).join(', ')} ${unit}`;
  return (
    <figure class="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>{title}</figcaption>
      <svg
        role="img"
        aria-label={summary}
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        class="bar-chart"
      >
        {bars.map((bar, i) => {
          const y = i * ROW + 2;
          const length = Math.max(2, Math.round((bar.value / max) * plot));
          return (
            <g key={bar.label} class="bar" data-label={bar.label} data-value={bar.value}>
              <title>
                {bar.label}: {bar.value} {unit}
                {bar.detail ? ` (${bar.detail})` : ''}
              </title>
              <text x={LABEL_WIDTH - 8} y={y + ROW / 2} class="bar-label" text-anchor="end">
                {bar.label.length > 30 ? `${bar.label.slice(0, 29)}…` : bar.label}
              </text>
              <rect x={LABEL_WIDTH} y={y + 3} width={length} height={ROW - 8} rx={3} class="bar-rect" />
              <text x={LABEL_WIDTH + length + 6} y={y + ROW / 2} class="bar-value">
                {bar.value}
              </text>
            </g>
          );
        })}
      </svg>
      <table class="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">{unit}</th>
          </tr>
        </thead>
        <tbody>
          {bars.map((bar) => (
            <tr key={bar.label}>
              <th scope="row">{bar.label}</th>
              <td>{bar.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
