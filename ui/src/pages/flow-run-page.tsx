/** One flow run: summary, actions, task timeline, live logs, artifacts, parameters and state history. */
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import type { Page } from "../../../src/core/api-types.js";
import type { Artifact, FlowRun, TaskRun } from "../../../src/core/models.js";
import type { State } from "../../../src/core/states.js";
import { api, ApiError } from "../api/api-client.js";
import { useWorkers, useWorkPools, useWorkQueues } from "../api/queries.js";
import { ArtifactView } from "../components/artifact-view.js";
import { DataTable } from "../components/data-table.js";
import { ErrorNote } from "../components/error-note.js";
import { LogViewer } from "../components/log-viewer.js";
import { ParameterForm } from "../components/parameter-form.js";
import { StateBadge } from "../components/state-badge.js";
import { TaskTimeline } from "../components/task-timeline.js";
import { formatDuration, formatTime, runDurationMs } from "../lib/format.js";
import { issuesByField } from "../lib/json-schema-fields.js";
import { lateReason } from "../lib/late-reason.js";

/** Task runs load this many at a time, the next page when the timeline is scrolled near its end. */
const TASK_RUN_PAGE_SIZE = 1000;

/** The JSON Schema a paused run waits for (stored by pauseFlowRun/suspendFlowRun), if any. */
function pauseInputSchemaOf(run: FlowRun): Record<string, unknown> | null {
  const schema = run.stateType === "PAUSED" ? run.state.details?.inputSchema : undefined;
  return typeof schema === "object" && schema !== null && !Array.isArray(schema) ? (schema as Record<string, unknown>) : null;
}

/** The retry body for the page's retry choice (see RetryFlowRunOptions). */
function retryBodyOf(choice: string): { mode?: "reuse" | "fresh"; fromTask?: string } {
  if (choice === "fresh") return { mode: "fresh" };
  if (choice.startsWith("from:")) return { fromTask: choice.slice("from:".length) };
  return {};
}

/** Task names (keys) in the order their first run was called (task-run ids are time-ordered). */
function taskNamesInCallOrder(taskRuns: readonly TaskRun[]): string[] {
  const sorted = [...taskRuns].filter((run) => run.subflowRunId === null).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return [...new Set(sorted.map((run) => run.taskKey))];
}

/** The flow run page. */
export function FlowRunPage() {
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [actionError, setActionError] = useState<unknown>(null);
  // How Retry treats finished task runs: "reuse", "fresh", or "from:<task name>".
  const [retryChoice, setRetryChoice] = useState("reuse");
  const run = useQuery({ queryKey: ["flow-run:" + id], queryFn: ({ signal }) => api<FlowRun>(`/flow-runs/${id}`, { signal }) });
  const taskRunPages = useInfiniteQuery({
    queryKey: ["task-runs:" + id],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => api<Page<TaskRun>>("/task-runs", { query: { flowRunId: id, cursor: pageParam, limit: TASK_RUN_PAGE_SIZE }, signal }),
    getNextPageParam: (last) => last.nextCursor,
  });
  const loadedTaskRuns = useMemo(() => taskRunPages.data?.pages.flatMap((page) => page.items) ?? [], [taskRunPages.data]);
  const [resumeErrors, setResumeErrors] = useState<Record<string, string>>({});
  const [isResuming, setIsResuming] = useState(false);
  const [isResumeFormOpen, setIsResumeFormOpen] = useState(true);
  const states = useQuery({ queryKey: ["states:" + id], queryFn: ({ signal }) => api<{ items: State[] }>(`/flow-runs/${id}/states`, { signal }).then((r) => r.items) });
  const artifacts = useQuery({
    queryKey: ["artifacts", id],
    queryFn: ({ signal }) => api<Page<Artifact>>("/artifacts", { query: { flowRunId: id, limit: 200 }, signal }).then((r) => r.items),
  });
  const pools = useWorkPools();
  const queues = useWorkQueues();
  const workers = useWorkers();
  const refreshRun = async (): Promise<void> => {
    await queryClient.invalidateQueries({ queryKey: ["flow-run:" + id] });
    await queryClient.invalidateQueries({ queryKey: ["states:" + id] });
  };
  // Resume with the input the paused run asked for; a 422 puts each message under its field.
  const resume = async (input: Record<string, unknown>): Promise<void> => {
    setIsResuming(true);
    setResumeErrors({});
    try {
      await api(`/flow-runs/${id}/resume`, { method: "POST", body: { input } });
      await refreshRun();
    } catch (error) {
      setResumeErrors(error instanceof ApiError && error.issues.length > 0 ? issuesByField(error.issues) : { "": error instanceof Error ? error.message : String(error) });
    } finally {
      setIsResuming(false);
    }
  };
  const act = async (action: "cancel" | "retry" | "resume" | "delete"): Promise<void> => {
    setActionError(null);
    try {
      if (action === "delete") {
        if (!window.confirm("Delete this flow run and its task runs, logs and artifacts?")) return;
        await api(`/flow-runs/${id}`, { method: "DELETE" });
        await queryClient.invalidateQueries({ queryKey: ["flow-runs"] });
        void navigate("/runs");
        return;
      }
      await api(`/flow-runs/${id}/${action}`, { method: "POST", body: action === "retry" ? retryBodyOf(retryChoice) : {} });
      await refreshRun();
    } catch (error) {
      setActionError(error);
    }
  };
  if (run.error) return <section className="page"><ErrorNote error={run.error} /><Link to="/runs">Back to runs</Link></section>;
  const r = run.data;
  if (!r) return <section className="page"><p className="muted">Loading…</p></section>;
  const isTerminal = ["COMPLETED", "FAILED", "CANCELLED", "CRASHED"].includes(r.stateType);
  const isWaiting = r.stateType === "SCHEDULED" || r.stateType === "PENDING";
  const inputSchema = pauseInputSchemaOf(r);
  const isLate = r.stateName === "Late" || r.stateName === "AwaitingConcurrencySlot" || (r.stateType === "SCHEDULED" && new Date(r.expectedStartTime).getTime() < Date.now() - 10_000);
  return (
    <section className="page">
      <header className="page-header">
        <h2>{r.name}</h2>
        <span data-testid="run-state"><StateBadge type={r.stateType} name={r.stateName} /></span>
        <div className="row actions">
          <button type="button" disabled={isTerminal || r.stateType === "CANCELLING"} onClick={() => void act("cancel")}>Cancel</button>
          <button type="button" disabled={!isTerminal} onClick={() => void act("retry")}>Retry</button>
          <select aria-label="Retry mode" data-testid="retry-mode" disabled={!isTerminal} value={retryChoice} onChange={(event) => setRetryChoice(event.target.value)}>
            <option value="reuse">reuse finished tasks</option>
            <option value="fresh">run everything again</option>
            {taskNamesInCallOrder(loadedTaskRuns).map((name) => <option key={name} value={`from:${name}`}>from task {name}…</option>)}
          </select>
          <button type="button" disabled={r.stateType !== "PAUSED"} onClick={() => (inputSchema === null ? void act("resume") : setIsResumeFormOpen(true))}>Resume</button>
          <button type="button" className="danger" onClick={() => void act("delete")}>Delete</button>
        </div>
      </header>
      <ErrorNote error={actionError} />
      {inputSchema !== null && isResumeFormOpen ? (
        <ParameterForm key={r.state.id} schema={inputSchema} defaults={{}} serverErrors={resumeErrors} isSubmitting={isResuming}
          title={`Resume ${r.stateName === "Suspended" ? "suspended" : "paused"} run with input`} submitLabels={["Resume", "Resuming…"]} testId="resume-form"
          onSubmit={(values) => void resume(values)} onCancel={() => setIsResumeFormOpen(false)} />
      ) : null}
      {isLate && pools.data && queues.data && workers.data ? (
        <div className="late-note" data-testid="late-reason">Why it has not started: {lateReason(r, { pools: pools.data, queues: queues.data, workers: workers.data })}</div>
      ) : null}
      {r.state.message && !isWaiting ? <div className="state-message">{r.state.message}</div> : null}
      {r.state.error ? <pre className="error-stack">{errorText(r.state.error)}</pre> : null}
      <dl className="facts">
        <dt>Flow</dt><dd>{r.flowName}</dd>
        <dt>Deployment</dt><dd>{r.deploymentId ? <Link to={`/deployments/${r.deploymentId}`}>{r.deploymentName ?? r.deploymentId}</Link> : "—"}</dd>
        <dt>Duration</dt><dd data-testid="run-duration">{formatDuration(runDurationMs(r))}</dd>
        <dt>Expected start</dt><dd>{formatTime(r.expectedStartTime)}</dd>
        <dt>Started</dt><dd>{formatTime(r.startTime)}</dd>
        <dt>Ended</dt><dd>{formatTime(r.endTime)}</dd>
        <dt>Attempts</dt><dd>{r.runCount}</dd>
        <dt>Work pool / queue</dt><dd>{r.workPoolName ? `${r.workPoolName} / ${r.workQueueName ?? "—"}` : "—"}</dd>
        <dt>Worker</dt><dd>{r.workerName ?? r.workerId ?? "—"}</dd>
        {r.codeVersion ? <><dt>Code version</dt><dd data-testid="run-code-version">{r.codeVersion}</dd></> : null}
        <dt>Parent</dt><dd>{r.parentFlowRunId ? <Link to={`/runs/${r.parentFlowRunId}`}>parent run</Link> : "—"}</dd>
        <dt>Tags</dt><dd>{r.tags.join(", ") || "—"}</dd>
      </dl>
      <h3>Parameters</h3>
      <pre className="json" data-testid="run-parameters">{JSON.stringify(r.parameters, null, 2)}</pre>
      <h3>Task runs ({loadedTaskRuns.length}{taskRunPages.hasNextPage ? "+" : ""})</h3>
      <ErrorNote error={taskRunPages.error} />
      {taskRunPages.data ? (
        <TaskTimeline taskRuns={loadedTaskRuns} onNearEnd={() => {
          if (taskRunPages.hasNextPage && !taskRunPages.isFetchingNextPage) void taskRunPages.fetchNextPage();
        }} />
      ) : null}
      <h3>Logs</h3>
      <LogViewer flowRunId={id} />
      <h3>Artifacts</h3>
      {artifacts.data?.length ? (
        <div className="artifacts">
          {artifacts.data.map((a) => (
            <div className="card" key={a.id} data-testid="artifact">
              <div className="muted">{a.key ?? a.type}{a.description ? ` — ${a.description}` : ""}</div>
              <ArtifactView artifact={a} />
            </div>
          ))}
        </div>
      ) : <p className="muted">No artifacts. Create one from a flow with createMarkdownArtifact(), createTableArtifact() or createLinkArtifact().</p>}
      <h3>State history</h3>
      <DataTable testId="state-history" columns={["Time", "State", "Message"]}>
        {(states.data ?? []).map((s) => (
          <tr key={s.id}><td>{formatTime(s.timestamp)}</td><td><StateBadge type={s.type} name={s.name} /></td><td>{s.message ?? ""}</td></tr>
        ))}
      </DataTable>
    </section>
  );
}

// A stack starts with `Name: message` already: print that head once.
function errorText(error: { name: string; message: string; stack?: string }): string {
  const head = `${error.name}: ${error.message}`;
  const stack = error.stack ?? "";
  return stack.startsWith(head) ? stack : stack ? `${head}\n${stack}` : head;
}
