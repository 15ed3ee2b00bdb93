/** Stacked bar chart (SVG) of run counts by state group per time bucket. */
import { useState } from "react";

/** One bucket: its start time and a count per group. */
export interface ChartBucket {
  start: string;
  counts: Record<string, number>;
}

/** A state group: label and colour. */
export interface ChartGroup {
  key: string;
  label: string;
  color: string;
}

/** Props of the chart. */
export interface RunsChartProps {
  buckets: ChartBucket[];
  groups: ChartGroup[];
  /** @default 160 */
  height?: number;
}

/** The chart, with a legend and a hover read-out. */
export function RunsChart({ buckets, groups, height = 160 }: RunsChartProps) {
  const [hover, setHover] = useState<number | null>(null);
  const width = 720;
  const max = Math.max(1, ...buckets.map((b) => groups.reduce((sum, g) => sum + (b.counts[g.key] ?? 0), 0)));
  const barWidth = width / Math.max(1, buckets.length);
  const hovered = hover === null ? null : buckets[hover];
  return (
    <div className="chart" data-testid="runs-chart">
      <svg viewBox={`0 0 ${width} ${height + 20}`} role="img" aria-label="Flow runs by state over time" preserveAspectRatio="none">
        {buckets.map((bucket, i) => {
          let y = height;
          return (
            <g key={bucket.start} onMouseEnter={() => setHover(i)} onMouseLeave={() => setHover(null)}>
              <rect x={i * barWidth} y={0} width={barWidth} height={height} fill="transparent" />
              {groups.map((g) => {
                const h = ((bucket.counts[g.key] ?? 0) / max) * (height - 4);
                y -= h;
                return h > 0 ? <rect key={g.key} x={i * barWidth + 2} y={y} width={barWidth - 4} height={h} fill={g.color} /> : null;
              })}
              {i % 2 === 0 ? (
                <text x={i * barWidth + barWidth / 2} y={height + 14} textAnchor="middle" className="chart-label">
                  {new Date(bucket.start).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <div className="legend">
        {groups.map((g) => (
          <span key={g.key}><i style={{ background: g.color }} />{g.label}{hovered ? `: ${hovered.counts[g.key] ?? 0}` : ""}</span>
        ))}
        {hovered ? <span className="muted">from {new Date(hovered.start).toLocaleString()}</span> : <span className="muted">max {max} per bar</span>}
      </div>
    </div>
  );
}
