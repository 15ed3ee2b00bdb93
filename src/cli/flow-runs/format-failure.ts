/**
 * How a failure reads in `weir flow-run inspect`: the stored error with its stack and causes,
 * and the attempts of a task run (its state history, each retry with what it failed with).
 */
import type { TaskRun } from "../../core/models.js";
import type { State, StoredError } from "../../core/states.js";
import { formatTable } from "../output/format-table.js";
import { formatState } from "../output/state-colour.js";

/** A stored error as text: `Name: message`, its stack frames, then `Caused by: …` for each cause. */
export function formatStoredError(error: StoredError, depth = 0): string {
  const head = `${error.name}: ${error.message}`;
  const stack = error.stack ?? "";
  // A stack starts with `Name: message`; keep only its frames after our own head.
  const frames = stack.startsWith(head) ? stack.slice(head.length) : stack.split("\n").filter((line) => /^\s+at /.test(line)).map((line) => `\n${line}`).join("");
  const cause = error.cause !== undefined && depth < 5 ? `\nCaused by: ${formatStoredError(error.cause, depth + 1)}` : "";
  return `${head}${frames}${cause}`;
}

/** What a state says: its message, with the error it carries when the message does not name it. */
export function stateMessage(state: State): string {
  const message = state.message ?? "";
  const error = state.error;
  if (!error) return message;
  const named = `${error.name}: ${error.message}`;
  if (message.includes(error.message)) return message === error.message ? named : message;
  return message ? `${message}: ${named}` : named;
}

/** Whether a task run's attempts are worth showing: it failed, or it needed more than one run. */
export function hasAttemptsToShow(taskRun: TaskRun): boolean {
  return taskRun.runCount > 1 || taskRun.stateType === "FAILED" || taskRun.stateType === "CRASHED";
}

/** The attempts of one task run: a heading, its state history, and its final error's stack (unless it is `shownError`, the flow run's). */
export function formatTaskRunAttempts(taskRun: TaskRun, states: readonly State[], shownError?: StoredError | null): string {
  const runs = `${taskRun.runCount} run${taskRun.runCount === 1 ? "" : "s"}`;
  const lines = [
    `Task run '${taskRun.name}' (${formatState(taskRun.state)}, ${runs})`,
    formatTable(
      [
        { header: "time", value: (state: State) => state.timestamp },
        { header: "state", value: (state: State) => formatState(state) },
        { header: "message", value: (state: State) => stateMessage(state), maxWidth: 100 },
      ],
      states,
    ),
  ];
  const error = taskRun.state.error;
  const isShown = shownError != null && shownError.message === error?.message && shownError.stack === error?.stack;
  if (error && taskRun.state.type !== "COMPLETED" && !isShown) lines.push(indent(formatStoredError(error)));
  return lines.join("\n");
}

function indent(text: string): string {
  return text.split("\n").map((line) => `  ${line}`).join("\n");
}
