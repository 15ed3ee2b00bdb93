/**
 * Gantt timeline of a flow run's task runs and subflows: one row per task run, rows virtualized
 * so 10,000 task runs scroll smoothly; bars are absolutely positioned on a shared time axis.
 * `onNearEnd` is called when the last rows come into view (the run page loads its next page then).
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState } from "react";
import { Link } from "react-router";
import type { TaskRun } from "../../../src/core/models.js";
import { STATE_COLORS, formatDuration } from "../lib/format.js";

const ROW_HEIGHT = 24;
/** Rows from the end at which `onNearEnd` asks for more. */
const NEAR_END_ROWS = 100;

/** Timeline of `taskRuns` between the run's start and end (now while it runs). */
export function TaskTimeline({ taskRuns, now = Date.now(), onNearEnd }: { taskRuns: TaskRun[]; now?: number; onNearEnd?: () => void }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [zoom, setZoom] = useState(1);
  const [pan, setPan] = useState(0);
  const sorted = useMemo(
    () => [...taskRuns].sort((a, b) => (a.startTime ?? a.createdAt).localeCompare(b.startTime ?? b.createdAt)),
    [taskRuns],
  );
  const { start: fullStart, end: fullEnd } = useMemo(() => {
    let min = Infinity;
    let max = -Infinity;
    for (const run of sorted) {
      const s = new Date(run.startTime ?? run.createdAt).getTime();
      const e = run.endTime ? new Date(run.endTime).getTime() : run.startTime ? now : s;
      if (s < min) min = s;
      if (e > max) max = e;
    }
    return { start: min, end: Math.max(max, min + 1) };
  }, [sorted, now]);
  const virtualizer = useVirtualizer({ count: sorted.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 20 });
  const virtualRows = virtualizer.getVirtualItems();
  const lastShown = virtualRows[virtualRows.length - 1]?.index ?? 0;
  // Rows near the end are on screen: the page that holds the next task runs may load.
  useEffect(() => {
    if (sorted.length > 0 && lastShown >= sorted.length - NEAR_END_ROWS) onNearEnd?.();
  }, [lastShown, sorted.length, onNearEnd]);
  if (sorted.length === 0) return <p className="muted">No task runs yet.</p>;
  // Zoom narrows the visible window to 1/zoom of the run; pan slides it along.
  const span = (fullEnd - fullStart) / zoom;
  const start = fullStart + (fullEnd - fullStart - span) * pan;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return (
    <div className="timeline" data-testid="task-timeline">
      <div className="row timeline-controls">
        <label>Zoom <input type="range" aria-label="Timeline zoom" min={0} max={8} step={0.5} value={Math.log2(zoom)} onChange={(e) => setZoom(2 ** Number(e.target.value))} /> {zoom.toFixed(0)}×</label>
        <label>Pan <input type="range" aria-label="Timeline pan" min={0} max={1} step={0.001} value={pan} disabled={zoom === 1} onChange={(e) => setPan(Number(e.target.value))} /></label>
        <span className="muted small">{sorted.length.toLocaleString()} task runs</span>
      </div>
      <div className="timeline-axis">
        <span className="timeline-label" />
        <div className="timeline-track">
          {ticks.map((t) => (
            <span key={t} className="timeline-tick" style={{ left: `${t * 100}%` }}>+{formatDuration(start - fullStart + span * t)}</span>
          ))}
        </div>
      </div>
      <div className="timeline-rows" ref={scrollRef}>
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {virtualRows.map((row) => {
            const run = sorted[row.index];
            if (!run) return null;
            const s = new Date(run.startTime ?? run.createdAt).getTime();
            const e = run.endTime ? new Date(run.endTime).getTime() : run.startTime ? now : s;
            const left = Math.max(0, ((s - start) / span) * 100);
            const right = Math.min(100, ((e - start) / span) * 100);
            const isVisible = right >= 0 && left <= 100;
            const width = Math.max(0.3, right - left);
            return (
              <div key={run.id} className="timeline-row" data-testid="timeline-row" style={{ transform: `translateY(${row.start}px)`, height: ROW_HEIGHT }}>
                <span className="timeline-label" title={run.name}>
                  {run.subflowRunId ? <Link to={`/runs/${run.subflowRunId}`}>↳ {run.name}</Link> : run.name}
                </span>
                <div className="timeline-track">
                  {isVisible ? <div
                    className="timeline-bar"
                    title={`${run.name}: ${run.stateName}, ${formatDuration(e - s)}`}
                    style={{ left: `${Math.min(left, 99.7)}%`, width: `${Math.min(width, 100 - Math.min(left, 99.7))}%`, background: STATE_COLORS[run.stateType] }}
                  /> : null}
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
