/** Formatting of times, durations and state colours for the dashboard. */
import type { StateType } from "../../../src/core/states.js";

/** `12.3s`, `4m 05s`, `2h 10m` from milliseconds. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(Math.floor(seconds % 60)).padStart(2, "0")}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${String(minutes % 60).padStart(2, "0")}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** Local date-time, short, with the zone it is in (`3 Dec 2026, 08:00:00 GMT+7`). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return date.toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short" });
}

/** `3m ago`, `in 2h`. */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "—";
  const delta = new Date(iso).getTime() - now;
  const text = formatDuration(Math.abs(delta)).replace(/\.\ds$/, "s");
  return delta < 0 ? `${text} ago` : `in ${text}`;
}

/** A time in an IANA zone, with the zone's abbreviation. */
export function formatInZone(iso: string, timeZone: string): string {
  try {
    return new Date(iso).toLocaleString("en-GB", {
      timeZone,
      weekday: "short",
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZoneName: "short",
    });
  } catch {
    return iso;
  }
}

/** CSS colour variable of each state type. */
export const STATE_COLORS: Readonly<Record<StateType, string>> = Object.freeze({
  SCHEDULED: "var(--state-scheduled)",
  PENDING: "var(--state-pending)",
  RUNNING: "var(--state-running)",
  COMPLETED: "var(--state-completed)",
  FAILED: "var(--state-failed)",
  CANCELLING: "var(--state-cancelling)",
  CANCELLED: "var(--state-cancelled)",
  CRASHED: "var(--state-crashed)",
  PAUSED: "var(--state-paused)",
});

/** Wall-clock duration of a run: end − start, or now − start while it runs. */
export function runDurationMs(run: { startTime: string | null; endTime: string | null; totalRunTimeMs: number }, now = Date.now()): number | null {
  if (run.totalRunTimeMs > 0 && run.endTime) return run.totalRunTimeMs;
  if (!run.startTime) return null;
  return (run.endTime ? new Date(run.endTime).getTime() : now) - new Date(run.startTime).getTime();
}
