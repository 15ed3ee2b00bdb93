/** A deployment: facts, Run / Custom run, pause, delete, schedules (add, edit, pause, preview), backfills, versions (diff, roll back), upcoming and recent runs. */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import type { Page } from "../../../src/core/api-types.js";
import type { Deployment, DeploymentSchedule, FlowRun, WorkQueue } from "../../../src/core/models.js";
import { api, ApiError } from "../api/api-client.js";
import { BackfillPanel } from "../components/backfill-panel.js";
import { ConfirmDeleteButton } from "../components/confirm-delete-button.js";
import { DeploymentVersionsPanel } from "../components/deployment-versions-panel.js";
import { ErrorNote } from "../components/error-note.js";
import { ParameterForm } from "../components/parameter-form.js";
import { ScheduleEditor } from "../components/schedule-editor.js";
import { SchedulePolicyFacts, SchedulePolicyPills } from "../components/schedule-policies.js";
import { StateBadge } from "../components/state-badge.js";
import { formatInZone, formatRelative, formatTime } from "../lib/format.js";
import { issuesByField } from "../lib/json-schema-fields.js";

function describeSchedule(schedule: DeploymentSchedule): string {
  const spec = schedule.schedule;
  const zone = spec.timezone ?? "UTC";
  if ("cron" in spec) return `cron ${spec.cron} (${zone})`;
  if ("interval" in spec) return `every ${spec.interval}s (${zone})`;
  return `${spec.rrule} (${zone})`;
}

/** A run's time in the browser's zone, and also in its schedule's zone when that differs. */
function RunTime({ run, schedules }: { run: FlowRun; schedules: readonly DeploymentSchedule[] }) {
  const zone = schedules.find((s) => s.id === run.scheduleId)?.schedule.timezone;
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <>
      {formatTime(run.expectedStartTime)} ({formatRelative(run.expectedStartTime)})
      {zone && zone !== browserZone && run.expectedStartTime ? <span className="muted" data-testid="schedule-zone-time"> · {formatInZone(run.expectedStartTime, zone)} in {zone}</span> : null}
    </>
  );
}

function RunTable({ runs, testId, schedules = [] }: { runs: FlowRun[]; testId: string; schedules?: readonly DeploymentSchedule[] }) {
  if (runs.length === 0) return <p className="muted">None.</p>;
  return (
    <table className="data-table" data-testid={testId}>
      <tbody>
        {runs.map((r) => (
          <tr key={r.id}>
            <td><Link to={`/runs/${r.id}`}>{r.name}</Link></td>
            <td><StateBadge type={r.stateType} name={r.stateName} /></td>
            <td><RunTime run={r} schedules={schedules} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The deployment page. */
export function DeploymentPage() {
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [isFormOpen, setIsFormOpen] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [isSubmitting, setIsSubmitting] = useState(false);
  const [editing, setEditing] = useState<DeploymentSchedule | "new" | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const deployment = useQuery({ queryKey: ["deployment:" + id], queryFn: ({ signal }) => api<Deployment>(`/deployments/${id}`, { signal }) });
  const upcoming = useQuery({
    queryKey: ["deployment-runs", id, "upcoming"],
    queryFn: ({ signal }) => api<Page<FlowRun>>("/flow-runs", { query: { deploymentId: id, stateType: "SCHEDULED", sort: "EXPECTED_START_TIME_ASC", limit: 10 }, signal }).then((r) => r.items),
  });
  const pool = deployment.data?.workPoolName;
  const queueName = deployment.data?.workQueueName;
  // A deployment is polled through its queue: its workers' last poll is the queue's.
  const queue = useQuery({
    queryKey: ["work-queue", pool, queueName],
    enabled: Boolean(pool && queueName && !deployment.data?.isServed),
    queryFn: ({ signal }) => api<WorkQueue>(`/work-pools/${encodeURIComponent(pool ?? "")}/queues/${encodeURIComponent(queueName ?? "")}`, { signal }),
    refetchInterval: 15_000,
  });
  const recent = useQuery({
    queryKey: ["deployment-runs", id, "recent"],
    queryFn: ({ signal }) => api<Page<FlowRun>>("/flow-runs", { query: { deploymentId: id, stateType: "PENDING,RUNNING,COMPLETED,FAILED,CANCELLING,CANCELLED,CRASHED,PAUSED", limit: 10 }, signal }).then((r) => r.items),
  });
  const refresh = async (): Promise<void> => {
    await queryClient.invalidateQueries({ queryKey: ["deployment:" + id] });
    await queryClient.invalidateQueries({ queryKey: ["deployments"] });
  };
  const run = async (parameters?: Record<string, unknown>): Promise<void> => {
    setIsSubmitting(true);
    setServerErrors({});
    setActionError(null);
    try {
      const created = await api<FlowRun>(`/deployments/${id}/runs`, { method: "POST", body: parameters ? { parameters } : {} });
      void navigate(`/runs/${created.id}`);
    } catch (error) {
      if (error instanceof ApiError && error.issues.length > 0) setServerErrors(issuesByField(error.issues));
      else if (parameters) setServerErrors({ "": error instanceof Error ? error.message : String(error) });
      else setActionError(error);
    } finally {
      setIsSubmitting(false);
    }
  };
  const act = async (fn: () => Promise<unknown>): Promise<void> => {
    setActionError(null);
    try {
      await fn();
      await refresh();
    } catch (error) {
      setActionError(error);
    }
  };
  if (deployment.error) return <section className="page"><ErrorNote error={deployment.error} /></section>;
  const d = deployment.data;
  if (!d) return <section className="page"><p className="muted">Loading…</p></section>;
  return (
    <section className="page">
      <header className="page-header">
        <h2>{d.flowName} / {d.name}</h2>
        {d.isPaused ? <span className="pill warn">paused</span> : null}
        <div className="row actions">
          <button type="button" onClick={() => void run()} disabled={isSubmitting}>Run</button>
          <button type="button" onClick={() => { setServerErrors({}); setIsFormOpen(true); }}>Custom run</button>
          <button type="button" className="ghost" onClick={() => void act(() => api(`/deployments/${id}`, { method: "PATCH", body: { isPaused: !d.isPaused } }))}>
            {d.isPaused ? "Resume deployment" : "Pause deployment"}
          </button>
          <ConfirmDeleteButton
            subject={`deployment ${d.flowName}/${d.name}`}
            label="Delete deployment"
            consequence="Its schedules go, runs waiting to be claimed end Cancelled, past runs stay."
            onConfirm={async () => {
              setActionError(null);
              try {
                await api(`/deployments/${id}`, { method: "DELETE" });
                await queryClient.invalidateQueries({ queryKey: ["deployments"] });
                void navigate("/deployments");
              } catch (error) {
                setActionError(error);
              }
            }}
          />
        </div>
      </header>
      <ErrorNote error={actionError} />
      {isFormOpen ? (
        <ParameterForm schema={d.parameterSchema} defaults={d.parameters} serverErrors={serverErrors} isSubmitting={isSubmitting}
          onSubmit={(values) => void run(values)} onCancel={() => setIsFormOpen(false)} />
      ) : null}
      {d.description ? <p>{d.description}</p> : null}
      <dl className="facts">
        <dt>Entrypoint</dt><dd><code>{d.entrypoint}</code></dd>
        <dt>Work pool / queue</dt><dd>{d.isServed ? "served (flow.serve())" : `${d.workPoolName} / ${d.workQueueName}`}</dd>
        <dt>Default parameters</dt><dd><code>{JSON.stringify(d.parameters)}</code></dd>
        <dt>Concurrency limit</dt><dd>{d.concurrencyLimit ?? "none"}</dd>
        <SchedulePolicyFacts deployment={d} />
        <dt>Tags</dt><dd>{d.tags.join(", ") || "—"}</dd>
        <dt>Version</dt><dd data-testid="deployment-version-number">{d.versionNumber === null ? "none recorded yet" : `v${d.versionNumber}`}</dd>
        <dt>Last polled</dt>
        <dd data-testid="last-polled">
          {d.isServed ? "served: no queue" : queue.data?.lastPolledAt ? `${formatRelative(queue.data.lastPolledAt)} (queue ${d.workQueueName})` : `never: no worker has polled queue ${d.workQueueName}`}
        </dd>
      </dl>
      <h3>Schedules</h3>
      {d.schedules.length === 0 && editing === null ? <p className="muted">No schedule: runs start only when asked. Add one to run it on a cron, an interval or an RRULE.</p> : null}
      <ul className="schedules">
        {d.schedules.map((s) => (
          <li key={s.id} data-testid="schedule">
            <span>{describeSchedule(s)}</span>
            <SchedulePolicyPills schedule={s} />
            <span className={s.isActive ? "pill ok" : "pill warn"}>{s.isActive ? "active" : "paused"}</span>
            <button type="button" className="ghost" onClick={() => setEditing(s)}>Edit</button>
            <button type="button" className="ghost" onClick={() => void act(() => api(`/deployments/${id}/schedules/${s.id}`, { method: "PATCH", body: { isActive: !s.isActive } }))}>
              {s.isActive ? "Pause" : "Resume"}
            </button>
            <button type="button" className="ghost danger" onClick={() => void act(() => api(`/deployments/${id}/schedules/${s.id}`, { method: "DELETE" }))}>Delete</button>
          </li>
        ))}
      </ul>
      {editing ? (
        <ScheduleEditor key={editing === "new" ? "new" : editing.id} deploymentId={id} schedule={editing === "new" ? null : editing}
          onDone={() => { setEditing(null); void refresh(); }} />
      ) : (
        <button type="button" onClick={() => setEditing("new")}>Add schedule</button>
      )}
      <h3>Backfills</h3>
      <BackfillPanel deploymentId={id} hasActiveSchedule={d.schedules.some((s) => s.isActive)} />
      <h3>Versions</h3>
      <DeploymentVersionsPanel deploymentId={id} currentVersion={d.versionNumber} onRolledBack={refresh} />
      <h3>Upcoming runs</h3>
      <RunTable runs={upcoming.data ?? []} testId="upcoming-runs" schedules={d.schedules} />
      <h3>Recent runs</h3>
      <RunTable runs={recent.data ?? []} testId="recent-runs" />
      <p><Link to={`/runs?deployment=${id}`}>All runs of this deployment</Link></p>
    </section>
  );
}
