import { format } from "node:util";
import type { LogLevel } from "../core/models.js";
import { getEngineEffects } from "./engine-effects.js";
import { originalConsole } from "./original-console.js";
import { runScopeStorage, currentFlowScope } from "./run-scope.js";
import type { RunScope } from "./run-scope.js";
import { redactSecrets } from "./secret-redaction.js";

/** A logger whose lines are stored with the current flow/task run (and printed). */
export interface RunLogger {
  /** Record a DEBUG line (arguments joined like `console.log`'s). */
  debug(...args: unknown[]): void;
  /** Record an INFO line. */
  info(...args: unknown[]): void;
  /** Record a WARNING line. */
  warning(...args: unknown[]): void;
  /** Same as `warning`. */
  warn(...args: unknown[]): void;
  /** Record an ERROR line. */
  error(...args: unknown[]): void;
  /** Record a CRITICAL line. */
  critical(...args: unknown[]): void;
}

/** A logger for the current run; outside a run its lines are only printed. */
export function getRunLogger(): RunLogger {
  const scope = runScopeStorage.getStore();
  const log = (level: LogLevel) => (...args: unknown[]) => {
    const message = format(...args);
    if (scope !== undefined) recordLog(scope, level, message);
    printLog(scope, level, message);
  };
  const warning = log("WARNING");
  return { debug: log("DEBUG"), info: log("INFO"), warning, warn: warning, error: log("ERROR"), critical: log("CRITICAL") };
}

/** Store a log line with the run of a scope (through the write buffer). */
export function recordLog(scope: RunScope, level: LogLevel, message: string): void {
  const flow = currentFlowScope(scope);
  const isTask = scope.kind === "task";
  void scope.buffer.addLog({
    flowRunId: flow?.flowRunId ?? null,
    taskRunId: isTask ? scope.taskRunId : null,
    level,
    name: isTask ? "weir.task_runs" : "weir.flow_runs",
    message,
    timestamp: getEngineEffects().clock.now().toISOString(),
  });
}

function printLog(scope: RunScope | undefined, level: LogLevel, message: string): void {
  const who = scope === undefined ? "weir" : scope.kind === "task" ? `Task run '${scope.taskRunName}'` : `Flow run '${scope.flowRunName}'`;
  printRunLine(who, level, message, scope !== undefined);
}

/**
 * Print a log line as the run logger does (`08:00:00.123 | ERROR    | Task run 'x-0' - message`),
 * unless WEIR_LOGGING_QUIET=1; `isRecorded` says the line is also stored as a run log.
 */
export function printRunLine(who: string, level: LogLevel, message: string, isRecorded: boolean): void {
  if (process.env.WEIR_LOGGING_QUIET === "1") return;
  const time = new Date().toISOString().slice(11, 23);
  const line = `${time} | ${level.padEnd(8)} | ${who} - ${redactSecrets(message)}`;
  if (isRecorded && isRecordedOutputOnStdout()) originalConsole.log(line);
  else originalConsole.error(line);
}

/**
 * Whether lines already stored as run logs are printed on stdout (`WEIR_RECORDED_OUTPUT=stdout`).
 * A worker sets it for its run processes: it stores their stderr as ERROR logs (what the SDK
 * cannot record, such as a module that fails to load), so recorded lines must not be there twice.
 */
export function isRecordedOutputOnStdout(): boolean {
  return process.env.WEIR_RECORDED_OUTPUT === "stdout";
}
