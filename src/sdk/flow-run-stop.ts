/**
 * Why a run's AbortSignal was aborted from outside, told apart from its own timeout and from a
 * caller's signal:
 * - the server cancelled the run (a heartbeat answered Cancelling or Cancelled):
 *   `FlowRunCancelledError`; the run ends Cancelled;
 * - its process was asked to stop (SIGTERM or SIGINT; a worker cancelling a run sends SIGTERM,
 *   then SIGKILL after a grace period for code that ignores the signal): `RunProcessStoppedError`;
 *   the run ends Cancelled when the server is cancelling it, else Crashed (its process is going
 *   away before the run finished; a deployment run with retries left is retried).
 * Tasks of a run stopped either way end Cancelled and are not retried. The kind travels on a
 * registered symbol, so a flow loaded from another copy of Weir still tells it.
 */
import { WeirError } from "../core/weir-error.js";

/** How a run was stopped from outside. */
export type FlowRunStopKind = "cancelled" | "signal";

const STOP_KIND = Symbol.for("weir.flowRunStopKind");

/** The reason a run's signal aborts when the server cancelled the run. */
export class FlowRunCancelledError extends WeirError {
  readonly [STOP_KIND]: FlowRunStopKind = "cancelled";

  constructor(flowRunId: string) {
    super("CONFLICT", `flow run ${flowRunId} was cancelled`);
  }
}

/** The reason a run's signal aborts when its process receives SIGTERM or SIGINT. */
export class RunProcessStoppedError extends WeirError {
  readonly [STOP_KIND]: FlowRunStopKind = "signal";

  constructor(signal: NodeJS.Signals) {
    super("CONFLICT", `the run's process received ${signal}`, { details: { signal } });
  }
}

/** How an abort `reason` stopped a run from outside, or null (a timeout, a caller's own signal, none). */
export function stopKindOf(reason: unknown): FlowRunStopKind | null {
  if (typeof reason !== "object" || reason === null) return null;
  const kind = (reason as { [STOP_KIND]?: unknown })[STOP_KIND];
  return kind === "cancelled" || kind === "signal" ? kind : null;
}
