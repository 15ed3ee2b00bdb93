/**
 * A deployment's backfills: a form (from, to, optional parameters) whose Preview is a dry run
 * listing the slots and which of them already have runs, then "Create N runs"; and the list of
 * the deployment's backfills with their progress (runs scheduled, running, completed, failed),
 * refreshed while any of them has runs still to finish.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { parseBackfillTime } from "../../../src/core/backfill-time.js";
import type { Backfill, BackfillResult } from "../../../src/core/backfills.js";
import { api, ApiError } from "../api/api-client.js";
import { formatTime, STATE_COLORS } from "../lib/format.js";
import { issuesByField } from "../lib/json-schema-fields.js";
import { ErrorNote } from "./error-note.js";
import { FormField } from "./form-field.js";

interface BackfillRequest {
  from: string;
  to: string;
  parameters?: Record<string, unknown>;
}

/** The request the fields describe, or the message of each wrong field. */
function readFields(texts: { from: string; to: string; parameters: string }): { request: BackfillRequest | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const from = parseBackfillTime(texts.from);
  const to = parseBackfillTime(texts.to);
  if ("problem" in from) errors.from = `From ${from.problem}`;
  if ("problem" in to) errors.to = `To ${to.problem}`;
  if ("time" in from && "time" in to && to.time <= from.time) errors.to = "To must be after From (the range is [From, To))";
  let parameters: Record<string, unknown> | undefined;
  if (texts.parameters.trim() !== "") {
    try {
      const parsed: unknown = JSON.parse(texts.parameters);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) errors.parameters = "Parameters must be a JSON object";
      else parameters = parsed as Record<string, unknown>;
    } catch {
      errors.parameters = "Parameters must be valid JSON";
    }
  }
  if (Object.keys(errors).length > 0 || !("time" in from) || !("time" in to)) return { request: null, errors };
  return { request: { from: from.time.toISOString(), to: to.time.toISOString(), ...(parameters ? { parameters } : {}) }, errors };
}

const RUNNING_TYPES = ["PENDING", "RUNNING", "CANCELLING", "PAUSED"] as const;

/** The four counts people ask about, from a backfill's counts by state type. */
export function progressCounts(backfill: Backfill): { scheduled: number; running: number; completed: number; failed: number; cancelled: number } {
  const by = backfill.progress.byStateType;
  return {
    scheduled: by.SCHEDULED,
    running: RUNNING_TYPES.reduce((sum, type) => sum + by[type], 0),
    completed: by.COMPLETED,
    failed: by.FAILED + by.CRASHED,
    cancelled: by.CANCELLED,
  };
}

function BackfillProgressRow({ backfill }: { backfill: Backfill }) {
  const counts = progressCounts(backfill);
  const total = Math.max(backfill.slotCount, backfill.progress.runCount, 1);
  const segments = [
    ["completed", counts.completed, STATE_COLORS.COMPLETED],
    ["failed", counts.failed, STATE_COLORS.FAILED],
    ["running", counts.running, STATE_COLORS.RUNNING],
    ["scheduled", counts.scheduled, STATE_COLORS.SCHEDULED],
    ["cancelled", counts.cancelled, STATE_COLORS.CANCELLED],
  ] as const;
  return (
    <tr data-testid="backfill" data-backfill-id={backfill.id}>
      <td>
        {formatTime(backfill.from)} → {formatTime(backfill.to)}
        <div className="muted small"><code>{backfill.from}</code> to <code>{backfill.to}</code></div>
      </td>
      <td>
        <div className="backfill-bar" aria-hidden="true" style={{ display: "flex", height: 8, width: 160, background: "var(--border)" }}>
          {segments.map(([name, count, color]) => (count > 0 ? <span key={name} style={{ width: `${(100 * count) / total}%`, background: color }} /> : null))}
        </div>
        <span data-testid="backfill-progress">
          {backfill.progress.runCount}/{backfill.slotCount} runs: {segments.map(([name, count]) => `${count} ${name}`).join(", ")}
        </span>
      </td>
      <td><Link to={`/runs?tag=${encodeURIComponent(backfill.tag)}`}>Runs it created</Link></td>
    </tr>
  );
}

/** The Backfill form and the backfills of a deployment with their progress. */
export function BackfillPanel({ deploymentId, hasActiveSchedule }: { deploymentId: string; hasActiveSchedule: boolean }) {
  const queryClient = useQueryClient();
  const [isOpen, setIsOpen] = useState(false);
  const [texts, setTexts] = useState({ from: "", to: "", parameters: "" });
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<unknown>(null);
  const [preview, setPreview] = useState<BackfillResult | null>(null);
  const [created, setCreated] = useState<BackfillResult | null>(null);
  const [isSubmitting, setIsSubmitting] = useState(false);
  const backfills = useQuery({
    queryKey: ["backfills", deploymentId],
    queryFn: ({ signal }) => api<{ items: Backfill[] }>(`/deployments/${deploymentId}/backfills`, { signal }).then((r) => r.items),
    refetchInterval: (query) => ((query.state.data ?? []).some((b) => { const c = progressCounts(b); return c.scheduled + c.running > 0; }) ? 3000 : false),
  });

  const change = (field: keyof typeof texts) => (value: string): void => {
    setTexts((previous) => ({ ...previous, [field]: value }));
    setPreview(null);
  };
  const send = async (dryRun: boolean): Promise<void> => {
    const { request, errors } = readFields(texts);
    setFieldErrors(errors);
    setFormError(null);
    if (!request) return;
    setIsSubmitting(true);
    try {
      const result = await api<BackfillResult>(`/deployments/${deploymentId}/backfill`, { method: "POST", body: { ...request, dryRun } });
      if (dryRun) setPreview(result);
      else {
        setCreated(result);
        setPreview(null);
        setIsOpen(false);
        await queryClient.invalidateQueries({ queryKey: ["backfills", deploymentId] });
        await queryClient.invalidateQueries({ queryKey: ["deployment-runs", deploymentId] });
      }
    } catch (error) {
      if (error instanceof ApiError && error.issues.length > 0) setFieldErrors(issuesByField(error.issues));
      setFormError(error);
    } finally {
      setIsSubmitting(false);
    }
  };

  return (
    <div className="backfills">
      {isOpen ? (
        <form
          className="card"
          aria-label="Backfill"
          onSubmit={(event) => {
            event.preventDefault();
            void send(true);
          }}
        >
          <p className="muted small">One run per slot of the active schedules in [From, To). Slots that already have a run (from the scheduler or an earlier backfill) are left alone.</p>
          <div className="row">
            <FormField label="From" name="from" value={texts.from} onChange={change("from")} error={fieldErrors.from} placeholder="2026-11-01T00:00:00Z" hint="inclusive; ISO-8601 with Z or an offset" autoFocus />
            <FormField label="To" name="to" value={texts.to} onChange={change("to")} error={fieldErrors.to} placeholder="2026-11-03T00:00:00Z" hint="exclusive" />
            <FormField label="Parameters (JSON, optional)" name="parameters" value={texts.parameters} onChange={change("parameters")} error={fieldErrors.parameters} placeholder='{"name": "Navin"}' />
          </div>
          <ErrorNote error={formError} />
          <div className="row">
            <button type="submit" disabled={isSubmitting}>Preview</button>
            {preview ? (
              <button type="button" disabled={isSubmitting || preview.createdCount === 0} onClick={() => void send(false)}>
                {preview.createdCount === 0 ? "Nothing to create" : `Create ${preview.createdCount} run${preview.createdCount === 1 ? "" : "s"}`}
              </button>
            ) : null}
            <button type="button" className="ghost" onClick={() => { setIsOpen(false); setPreview(null); setFieldErrors({}); setFormError(null); }}>Cancel</button>
          </div>
          {preview ? (
            <div data-testid="backfill-preview">
              <p>
                {preview.slots.length} slot{preview.slots.length === 1 ? "" : "s"}: {preview.createdCount} new, {preview.existingCount} already {preview.existingCount === 1 ? "has a run" : "have runs"}. Nothing is created until you confirm.
              </p>
              <ul className="backfill-slots">
                {preview.slots.slice(0, 200).map((slot) => (
                  <li key={`${slot.scheduleId}:${slot.scheduledTime}`} data-testid="backfill-slot">
                    <code>{slot.scheduledTime}</code> {slot.isNew ? <span className="pill ok">new</span> : <Link to={`/runs/${slot.flowRunId ?? ""}`}>has a run</Link>}
                  </li>
                ))}
              </ul>
              {preview.slots.length > 200 ? <p className="muted">…and {preview.slots.length - 200} more.</p> : null}
            </div>
          ) : null}
        </form>
      ) : (
        <button type="button" onClick={() => { setCreated(null); setIsOpen(true); }} disabled={!hasActiveSchedule} title={hasActiveSchedule ? undefined : "No active schedule to backfill"}>
          Backfill
        </button>
      )}
      {created ? (
        <p role="status" data-testid="backfill-created">
          Backfill created {created.createdCount} run{created.createdCount === 1 ? "" : "s"} ({created.existingCount} slot{created.existingCount === 1 ? "" : "s"} already had one).
        </p>
      ) : null}
      <ErrorNote error={backfills.error} />
      {(backfills.data ?? []).length > 0 ? (
        <table className="data-table" data-testid="backfills">
          <tbody>
            {(backfills.data ?? []).map((backfill) => <BackfillProgressRow key={backfill.id} backfill={backfill} />)}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
