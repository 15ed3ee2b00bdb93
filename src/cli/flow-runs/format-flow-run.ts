/**
 * How flow runs, task runs, states and log lines read in the terminal: the `flow-run ls` table,
 * the `inspect` view and one line per log record.
 */
import type { Artifact, FlowRun, LogLevel, LogRecord, TaskRun } from "../../core/models.js";
import type { State } from "../../core/states.js";
import { formatDuration } from "../output/format-duration.js";
import { formatStoredError, formatTaskRunAttempts, stateMessage } from "./format-failure.js";
import { formatRelativeTime } from "../output/format-relative-time.js";
import { formatFields, formatTable } from "../output/format-table.js";
import { formatState } from "../output/state-colour.js";
import { isColourEnabled, paint, type Colour } from "../output/terminal-style.js";

/** The `flow-run ls` table. */
export function formatFlowRunTable(runs: readonly FlowRun[], now: Date = new Date()): string {
  return formatTable(
    [
      { header: "id", value: (run) => run.id },
      { header: "name", value: (run) => run.name, maxWidth: 32 },
      { header: "flow", value: (run) => run.flowName, maxWidth: 32 },
      { header: "deployment", value: (run) => run.deploymentName ?? "-", maxWidth: 32 },
      { header: "state", value: (run) => formatState(run.state) },
      { header: "started", value: (run) => formatRelativeTime(run.startTime ?? run.expectedStartTime, now) },
      { header: "duration", value: (run) => formatDuration(runDurationMs(run, now)), align: "right" },
    ],
    runs,
    "No flow runs found.",
  );
}

/** Everything `flow-run inspect` shows about one run. */
export interface FlowRunDetails {
  run: FlowRun;
  taskRuns: readonly TaskRun[];
  states: readonly State[];
  subflowRuns?: readonly FlowRun[];
  artifacts?: readonly Artifact[];
  /** State histories of the task runs whose attempts are shown (failed or retried ones), by id. */
  taskRunStates?: ReadonlyMap<string, readonly State[]>;
}

/**
 * The `flow-run inspect` view: fields, the error with its stack, parameters, task runs, the
 * attempts of failed or retried task runs, subflow runs, artifacts and state history.
 */
export function formatFlowRunDetails(details: FlowRunDetails, now: Date = new Date()): string {
  const { run, taskRuns, states, subflowRuns = [], artifacts = [], taskRunStates = new Map<string, readonly State[]>() } = details;
  const attempts = taskRuns.filter((taskRun) => taskRunStates.has(taskRun.id));
  const fields: Array<readonly [string, string]> = [
    ["id", run.id],
    ["name", run.name],
    ["flow", run.flowName],
    ["deployment", run.deploymentName ?? "-"],
    ["state", `${formatState(run.state)}${run.state.message ? ` (${run.state.message})` : ""}`],
    ["run count", String(run.runCount)],
    ["tags", run.tags.length > 0 ? run.tags.join(", ") : "-"],
    ["created", timeField(run.createdAt, now)],
    ["expected start", timeField(run.expectedStartTime, now)],
    ["start", timeField(run.startTime, now)],
    ["end", timeField(run.endTime, now)],
    ["duration", formatDuration(runDurationMs(run, now))],
  ];
  if (run.workPoolName) fields.push(["work pool / queue", `${run.workPoolName} / ${run.workQueueName ?? "-"}`]);
  if (run.workerName) fields.push(["worker", run.workerName]);
  if (run.codeVersion) fields.push(["code version", run.codeVersion]);
  if (run.parentFlowRunId) fields.push(["parent flow run", run.parentFlowRunId]);
  if (run.state.error) fields.push(["error", `${run.state.error.name}: ${run.state.error.message}`]);
  return [
    formatFields(fields),
    "",
    heading("Parameters"),
    JSON.stringify(run.parameters, null, 2),
    ...(run.state.error && run.state.type !== "COMPLETED" ? ["", heading("Error"), formatStoredError(run.state.error)] : []),
    "",
    heading(`Task runs (${taskRuns.length})`),
    formatTable(
      [
        { header: "id", value: (taskRun) => taskRun.id },
        { header: "name", value: (taskRun) => taskRun.name, maxWidth: 40 },
        { header: "state", value: (taskRun) => formatState(taskRun.state) },
        { header: "start", value: (taskRun) => taskRun.startTime ?? "-" },
        { header: "duration", value: (taskRun) => formatDuration(taskRunDurationMs(taskRun)), align: "right" },
        { header: "runs", value: (taskRun) => String(taskRun.runCount), align: "right" },
      ],
      taskRuns,
    ),
    ...(attempts.length === 0 ? [] : ["", heading("Task run attempts"), attempts.map((taskRun) => formatTaskRunAttempts(taskRun, taskRunStates.get(taskRun.id) ?? [], run.state.error)).join("\n\n")]),
    ...(subflowRuns.length === 0 ? [] : ["", heading(`Subflow runs (${subflowRuns.length})`), formatFlowRunTable(subflowRuns, now)]),
    ...(artifacts.length === 0
      ? []
      : [
          "",
          heading(`Artifacts (${artifacts.length})`),
          formatTable(
            [
              { header: "key", value: (artifact: Artifact) => artifact.key ?? "-" },
              { header: "type", value: (artifact: Artifact) => artifact.type },
              { header: "description", value: (artifact: Artifact) => artifact.description ?? "", maxWidth: 60 },
              { header: "created", value: (artifact: Artifact) => artifact.createdAt },
            ],
            artifacts,
          ),
        ]),
    "",
    heading("State history"),
    formatTable(
      [
        { header: "time", value: (state) => state.timestamp },
        { header: "state", value: (state) => formatState(state) },
        { header: "message", value: (state) => stateMessage(state), maxWidth: 100 },
      ],
      states,
    ),
  ].join("\n");
}

const LEVEL_COLOUR: Readonly<Record<LogLevel, Colour>> = Object.freeze({
  DEBUG: "grey",
  INFO: "cyan",
  WARNING: "yellow",
  ERROR: "red",
  CRITICAL: "red",
});

/** One log record as a line: `2026-01-01 08:00:00.123 | INFO     | weir.task_runs - message`. */
export function formatLogLine(log: LogRecord, colour: boolean = isColourEnabled()): string {
  const time = log.timestamp.replace("T", " ").replace(/Z$/, "");
  return `${time} | ${paint(log.level.padEnd(8), LEVEL_COLOUR[log.level], colour)} | ${log.name} - ${log.message}`;
}

/** Running time of a flow run: stored total, or live time for a run still going. */
export function runDurationMs(run: FlowRun, now: Date = new Date()): number | null {
  if (run.totalRunTimeMs > 0) return run.totalRunTimeMs;
  if (run.startTime && run.endTime) return Date.parse(run.endTime) - Date.parse(run.startTime);
  if (run.startTime && run.stateType === "RUNNING") return now.getTime() - Date.parse(run.startTime);
  return null;
}

function taskRunDurationMs(taskRun: TaskRun): number | null {
  if (taskRun.totalRunTimeMs > 0) return taskRun.totalRunTimeMs;
  if (taskRun.startTime && taskRun.endTime) return Date.parse(taskRun.endTime) - Date.parse(taskRun.startTime);
  return null;
}

function timeField(iso: string | null, now: Date): string {
  return iso ? `${iso} (${formatRelativeTime(iso, now)})` : "-";
}

function heading(text: string): string {
  return paint(text, "bold");
}
