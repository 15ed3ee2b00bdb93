const UNITS: ReadonlyArray<[limitSeconds: number, unitSeconds: number, suffix: string]> = [
  [60, 1, "s"],
  [3600, 60, "m"],
  [86_400, 3600, "h"],
  [Number.POSITIVE_INFINITY, 86_400, "d"],
];

/**
 * An ISO time relative to `now`: `just now`, `12s ago`, `5m ago`, `in 3h`, `2d ago`.
 * @example formatRelativeTime("2026-01-01T00:00:00Z", new Date("2026-01-01T00:05:00Z")) // "5m ago"
 */
export function formatRelativeTime(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return "-";
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  const deltaSeconds = (now.getTime() - time) / 1000;
  const magnitude = Math.abs(deltaSeconds);
  if (magnitude < 1) return "just now";
  for (const [limit, unit, suffix] of UNITS) {
    if (magnitude < limit) {
      const amount = `${Math.floor(magnitude / unit)}${suffix}`;
      return deltaSeconds >= 0 ? `${amount} ago` : `in ${amount}`;
    }
  }
  return iso;
}
