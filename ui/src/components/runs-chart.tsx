/**
 * Stacked bar chart of run counts by state group per time bucket, drawn by uPlot: time axis in
 * the browser's zone, count axis, and a legend that shows each group's count under the cursor.
 * Stacking is done here (uPlot draws series, not stacks): each group's bar is drawn from the
 * sum of the groups below it, while the legend reads the group's own count.
 */
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

/** One bucket: its start time and a count per group. */
export interface ChartBucket {
  start: string;
  counts: Record<string, number>;
}

/** A state group: label and colour (a CSS colour or `var(--name)`). */
export interface ChartGroup {
  key: string;
  label: string;
  color: string;
}

/** Props of the chart. */
export interface RunsChartProps {
  buckets: ChartBucket[];
  groups: ChartGroup[];
  /** @default 180 */
  height?: number;
}

/** `var(--x)` → the colour the stylesheet gives it (a canvas can't read CSS variables). */
function resolveColor(color: string, element: Element): string {
  const variable = /^var\((--[\w-]+)\)$/.exec(color);
  if (!variable?.[1]) return color;
  return getComputedStyle(element).getPropertyValue(variable[1]).trim() || "#888";
}

/** Cumulative series, bottom group first: stacked[g][i] = sum of groups 0..g at bucket i. */
export function stackCounts(buckets: readonly ChartBucket[], groups: readonly ChartGroup[]): number[][] {
  const running = buckets.map(() => 0);
  return groups.map((group) =>
    buckets.map((bucket, i) => {
      running[i] = (running[i] ?? 0) + (bucket.counts[group.key] ?? 0);
      return running[i] ?? 0;
    }),
  );
}

function chartOptions(props: RunsChartProps, width: number, element: Element): uPlot.Options {
  const { buckets, groups, height = 180 } = props;
  const bars = uPlot.paths.bars?.({ size: [0.8, 64], align: 1 });
  const axisColor = resolveColor("var(--muted)", element);
  const gridColor = resolveColor("var(--border)", element);
  const bucketSeconds = buckets.length > 1 ? (Date.parse(buckets[1]?.start ?? "") - Date.parse(buckets[0]?.start ?? "")) / 1000 : 3600;
  return {
    width,
    height,
    cursor: { points: { show: false }, drag: { x: false, y: false } },
    scales: { x: { time: true, range: (_u, min, max) => [min, max + bucketSeconds] }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    axes: [
      { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor } },
      { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor }, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 10000], values: (_u, ticks) => ticks.map(String) },
    ],
    series: [
      { label: "Time", value: (_u, seconds) => (seconds === null ? "—" : new Date(seconds * 1000).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" })) },
      // Drawn top group first, so each lower (shorter) stack is painted over the taller ones.
      ...[...groups].reverse().map((group) => ({
        label: group.label,
        fill: resolveColor(group.color, element),
        stroke: resolveColor(group.color, element),
        width: 0,
        paths: bars,
        points: { show: false },
        value: (_u: uPlot, _value: number | null, _series: number, index: number | null) => (index === null ? "—" : String(buckets[index]?.counts[group.key] ?? 0)),
      })),
    ],
  };
}

/** The chart (see file header). */
export function RunsChart(props: RunsChartProps) {
  const container = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const stacked = stackCounts(props.buckets, props.groups);
    const times = props.buckets.map((bucket) => Date.parse(bucket.start) / 1000);
    const data: uPlot.AlignedData = [times, ...stacked.reverse()];
    const plot = new uPlot(chartOptions(props, Math.max(320, element.clientWidth), element), data, element);
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(320, element.clientWidth), height: props.height ?? 180 }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [props]);
  const total = props.buckets.reduce((sum, bucket) => sum + props.groups.reduce((n, group) => n + (bucket.counts[group.key] ?? 0), 0), 0);
  return <div className="chart" data-testid="runs-chart" role="img" aria-label={`Flow runs by state over time: ${total} in all`} ref={container} />;
}
