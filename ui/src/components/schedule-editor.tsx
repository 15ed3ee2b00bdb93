/**
 * Add or edit a deployment schedule (cron, interval or RRULE, with an IANA time zone), with a
 * live preview of the next three runs in that zone from `POST /api/schedules/preview`.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { DeploymentSchedule, ScheduleSpec } from "../../../src/core/models.js";
import { api, ApiError } from "../api/api-client.js";
import { formatInZone } from "../lib/format.js";

type Kind = "cron" | "interval" | "rrule";

const ZONES: string[] = (() => {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return ["UTC"];
  }
})();

function isKnownZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return timeZone.trim() !== "";
  } catch {
    return false;
  }
}

function specOf(kind: Kind, value: string, timezone: string): ScheduleSpec {
  switch (kind) {
    case "cron":
      return { cron: value.trim(), timezone };
    case "interval":
      return { interval: Number(value), timezone };
    case "rrule":
      return { rrule: value.trim(), timezone };
  }
}

function initial(schedule: DeploymentSchedule | null): { kind: Kind; value: string; timezone: string } {
  const spec = schedule?.schedule;
  const timezone = spec?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC";
  if (!spec) return { kind: "cron", value: "0 8 * * *", timezone };
  if ("cron" in spec) return { kind: "cron", value: spec.cron, timezone };
  if ("interval" in spec) return { kind: "interval", value: String(spec.interval), timezone };
  return { kind: "rrule", value: spec.rrule, timezone };
}

/** Props of the schedule editor. */
export interface ScheduleEditorProps {
  deploymentId: string;
  /** The schedule to edit; null adds a new one. */
  schedule: DeploymentSchedule | null;
  onDone(): void;
}

/** The schedule form with its preview. */
export function ScheduleEditor({ deploymentId, schedule, onDone }: ScheduleEditorProps) {
  const start = initial(schedule);
  const [kind, setKind] = useState<Kind>(start.kind);
  const [value, setValue] = useState(start.value);
  const [timezone, setTimezone] = useState(start.timezone);
  const [isActive, setIsActive] = useState(schedule?.isActive ?? true);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [debounced, setDebounced] = useState({ kind, value, timezone });
  useEffect(() => {
    const timer = setTimeout(() => setDebounced({ kind, value, timezone }), 250);
    return () => clearTimeout(timer);
  }, [kind, value, timezone]);
  const preview = useQuery({
    queryKey: ["schedule-preview", debounced],
    queryFn: ({ signal }) =>
      api<{ times: string[] }>("/schedules/preview", { method: "POST", body: { schedule: specOf(debounced.kind, debounced.value, debounced.timezone), count: 3 }, signal }),
    retry: false,
    // An unknown zone is reported here rather than sent (the server would answer 422).
    enabled: debounced.value.trim() !== "" && isKnownZone(debounced.timezone),
  });
  const save = async (): Promise<void> => {
    setSaveError(null);
    const body = { schedule: specOf(kind, value, timezone), isActive };
    try {
      if (schedule) await api(`/deployments/${deploymentId}/schedules/${schedule.id}`, { method: "PATCH", body });
      else await api(`/deployments/${deploymentId}/schedules`, { method: "POST", body });
      onDone();
    } catch (error) {
      setSaveError(error instanceof ApiError ? error.message : String(error));
    }
  };
  const previewError = preview.error instanceof ApiError ? preview.error.message : preview.error ? String(preview.error) : null;
  return (
    <form className="card schedule-editor" data-testid="schedule-editor" onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <h4>{schedule ? "Edit schedule" : "Add schedule"}</h4>
      <div className="row">
        <label>Kind <select aria-label="Schedule kind" value={kind} onChange={(e) => {
          const next = e.target.value as Kind;
          setKind(next);
          setValue(next === "cron" ? "0 8 * * *" : next === "interval" ? "3600" : "FREQ=DAILY;BYHOUR=8;BYMINUTE=0");
        }}>
          <option value="cron">cron</option><option value="interval">interval (seconds)</option><option value="rrule">RRULE</option>
        </select></label>
        <label>{kind === "cron" ? "Cron" : kind === "interval" ? "Every (s)" : "RRULE"} <input aria-label="Schedule value" name="schedule-value" value={value} onChange={(e) => setValue(e.target.value)} /></label>
        <label>Time zone <input aria-label="Time zone" name="timezone" list="weir-time-zones" value={timezone} onChange={(e) => setTimezone(e.target.value)} /></label>
        <datalist id="weir-time-zones">{ZONES.map((z) => <option key={z} value={z} />)}</datalist>
        <label><input type="checkbox" checked={isActive} onChange={(e) => setIsActive(e.target.checked)} /> Active</label>
      </div>
      <div className="schedule-preview" data-testid="schedule-preview">
        <strong>Next runs ({timezone}):</strong>
        {!isKnownZone(debounced.timezone) ? <div className="field-error">Unknown time zone '{debounced.timezone}'</div> : previewError ? <div className="field-error">{previewError}</div> : (
          <ol>{(preview.data?.times ?? []).map((t) => <li key={t} data-testid="preview-time">{formatInZone(t, debounced.timezone)}</li>)}</ol>
        )}
      </div>
      {saveError ? <div className="field-error">{saveError}</div> : null}
      <div className="row">
        <button type="submit">Save schedule</button>
        <button type="button" className="ghost" onClick={onDone}>Close</button>
      </div>
    </form>
  );
}
