/**
 * The lines a run writes about itself, as Prefect's do, so a failure explains itself in
 * `weir flow-run logs`, the terminal and the dashboard:
 * - `Encountered exception during execution: Error: boom\n    at …` (ERROR) when an attempt raises;
 * - `Retrying task 'x' (attempt 2 of 4) in 10 s` (INFO) when a retry is scheduled;
 * - `Finished in state Failed('boom')` (ERROR) or `Finished in state Completed()` (INFO) at the end.
 * They are stored through the write buffer with the run and printed like `getRunLogger()` lines.
 */
import type { LogLevel } from "../core/models.js";
import type { State } from "../core/states.js";
import { getEngineEffects } from "./engine-effects.js";
import { printRunLine } from "./run-logger.js";
import type { RunWriteBuffer } from "./run-write-buffer.js";

/** Where the lines of one run go. */
export interface RunLogTarget {
  readonly buffer: RunWriteBuffer;
  readonly flowRunId: string | null;
  /** The task run's id; null for a flow run's own lines. */
  readonly taskRunId: string | null;
  /** The run as printed: `Task run 'x-0'` or `Flow run 'rapid-beaver-16'`. */
  readonly who: string;
}

/** Log (ERROR) what an attempt of a run raised, with its stack and causes. */
export function logRunException(target: RunLogTarget, error: unknown): void {
  writeRunLine(target, "ERROR", `Encountered exception during execution: ${describeException(error)}`);
}

/** Log (INFO) that a retry is scheduled: `Retrying task 'x' (attempt 2 of 4) in 10 s`. */
export function logRetry(target: RunLogTarget, kind: "task" | "flow", name: string, nextAttempt: number, attempts: number, delaySeconds: number): void {
  const seconds = Number.isInteger(delaySeconds) ? String(delaySeconds) : delaySeconds.toFixed(2).replace(/0+$/, "");
  writeRunLine(target, "INFO", `Retrying ${kind} '${name}' (attempt ${nextAttempt} of ${attempts}) in ${seconds} s`);
}

/**
 * Log the final state: `Finished in state Completed()` (INFO) or `Finished in state Failed('boom')`
 * (ERROR). A Completed line is stored, not printed: the terminal says so already (`weir run`).
 */
export function logFinished(target: RunLogTarget, state: State): void {
  const level: LogLevel = state.type === "COMPLETED" || state.type === "CANCELLED" ? "INFO" : "ERROR";
  writeRunLine(target, level, `Finished in state ${describeFinalState(state)}`, state.type !== "COMPLETED");
}

/** A state as Prefect prints it: `Completed()`, `Failed('boom')`. */
export function describeFinalState(state: State): string {
  const reason = state.type === "COMPLETED" ? null : (state.error?.message ?? state.message);
  if (!reason) return `${state.name}()`;
  // Quoted as Python's repr quotes: double quotes when the text has single ones only.
  const quote = reason.includes("'") && !reason.includes('"') ? '"' : "'";
  const escaped = reason.replaceAll("\\", "\\\\").replaceAll(quote, `\\${quote}`).replaceAll("\n", "\\n");
  return `${state.name}(${quote}${escaped}${quote})`;
}

/** What was thrown, as text: the stack (which starts with `Name: message`), then its causes. */
export function describeException(error: unknown, depth = 0): string {
  if (!(error instanceof Error)) return safeString(error);
  const head = `${error.name}: ${error.message}`;
  const stack = error.stack ?? "";
  // A stack is `Name: message` then its frames; after a change of message, rebuild the head.
  const frames = stack.startsWith(head) ? stack.slice(head.length) : stack.split("\n").filter((line) => /^\s+at /.test(line)).map((line) => `\n${line}`).join("");
  const cause = error.cause !== undefined && depth < 3 ? `\nCaused by: ${describeException(error.cause, depth + 1)}` : "";
  return `${head}${frames}${cause}`;
}

function writeRunLine(target: RunLogTarget, level: LogLevel, message: string, isPrinted = true): void {
  void target.buffer.addLog({
    flowRunId: target.flowRunId,
    taskRunId: target.taskRunId,
    level,
    name: target.taskRunId === null ? "weir.flow_runs" : "weir.task_runs",
    message,
    timestamp: getEngineEffects().clock.now().toISOString(),
  });
  if (isPrinted) printRunLine(target.who, level, message, true);
}

function safeString(value: unknown): string {
  try {
    return typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}
