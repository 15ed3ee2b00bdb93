/**
 * The messages between a worker and its pooled run processes (`flow-run execute --pool`), over
 * Node's IPC channel, so that they never mix with the run's own output on stdout and stderr.
 * worker → process: `run` (one request at a time) and `retire` (exit once idle);
 * process → worker: `ready` (booted, idle), `logs` (the run's log records: the worker writes them
 * with the other processes' in one batch) and `done` (the run ended, with its exit code as a
 * process per run would have it, the line saying how it ended, and the process's resident memory
 * for recycling).
 */
import type { LogInput } from "../core/api-types.js";
import type { FlowRun } from "../core/models.js";

/** What a pooled process is asked to run (the same fields as a warm spare's request). */
export interface PooledRunRequest {
  flowRunId: string;
  /** Working directory of the run (the deployment's path). */
  cwd: string;
  /** The run's whole environment: keys missing here are removed from the process's while it runs. */
  env: Record<string, string>;
  entrypoint?: string;
  flowRun?: FlowRun;
}

/** From the worker to a pooled process. */
export type ToPooledProcess = { type: "run"; request: PooledRunRequest } | { type: "retire" };

/** From a pooled process to the worker. */
export type FromPooledProcess =
  | { type: "ready" }
  | { type: "logs"; logs: LogInput[] }
  | { type: "done"; flowRunId: string; code: number; rssBytes: number; line?: string };

/** Whether `value` is a message a pooled process sends. */
export function isFromPooledProcess(value: unknown): value is FromPooledProcess {
  if (typeof value !== "object" || value === null) return false;
  const message = value as { type?: unknown; flowRunId?: unknown; code?: unknown; rssBytes?: unknown; line?: unknown; logs?: unknown };
  if (message.type === "ready") return true;
  if (message.type === "logs") return Array.isArray(message.logs) && message.logs.every((log) => typeof log === "object" && log !== null && typeof (log as { message?: unknown }).message === "string");
  return (
    message.type === "done" &&
    typeof message.flowRunId === "string" &&
    typeof message.code === "number" &&
    typeof message.rssBytes === "number" &&
    (message.line === undefined || typeof message.line === "string")
  );
}
