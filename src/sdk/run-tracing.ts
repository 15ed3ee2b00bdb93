/**
 * The spans of runs (see core/tracing/weir-tracing.ts for when traces are on). A flow run's span
 * is the parent of its task runs' spans and of its subflow runs' spans; a top-level flow run's
 * span continues the trace of `TRACEPARENT` when its process has one (a worker passes its claim
 * span that way). Span names are `flow <flow name>` and `task <task name>`; attributes carry ids,
 * names, the final state and the attempt count; a run that ends Failed, TimedOut or Crashed gets
 * status ERROR. Off, the engine never comes here: its one check is `flowScope.trace !== null`.
 */
import type { Span } from "@opentelemetry/api";
import type { FlowRun } from "../core/models.js";
import type { State } from "../core/states.js";
import { parseTraceparent } from "../core/tracing/traceparent.js";
import type { WeirTracing } from "../core/tracing/weir-tracing.js";
import type { RunOutcome } from "./run-outcome.js";

/** The trace of one flow run: the tracer and the run's span. */
export interface FlowRunTrace {
  readonly tracing: WeirTracing;
  readonly span: Span;
}

/** Start the span of `flowRun`, under its parent flow run's span or else the process's TRACEPARENT. */
export function startFlowRunTrace(tracing: WeirTracing, flowRun: FlowRun, flowName: string, parent: FlowRunTrace | null): FlowRunTrace {
  const span = tracing.startSpan(`flow ${flowName}`, {
    parent: parent?.span ?? parseTraceparent(process.env.TRACEPARENT),
    attributes: {
      "weir.flow_run.id": flowRun.id,
      "weir.flow_run.name": flowRun.name,
      "weir.flow.name": flowName,
      ...(flowRun.deploymentId === null ? {} : { "weir.deployment.id": flowRun.deploymentId }),
      ...(flowRun.parentFlowRunId === null ? {} : { "weir.flow_run.parent_id": flowRun.parentFlowRunId }),
    },
  });
  return { tracing, span };
}

/** End a flow run's span with its final state (null: it never got one) and its attempt count. */
export function endFlowRunTrace(trace: FlowRunTrace, state: State | null, attempt: number): void {
  trace.span.setAttributes({ "weir.flow_run.run_count": attempt, ...stateAttributes(state) });
  trace.tracing.endSpan(trace.span, errorMessageOf(state));
}

/** What a task run's span needs to know of it. */
export interface TracedTaskRun {
  readonly taskRunId: string;
  readonly taskRunName: string;
  readonly taskName: string;
  readonly flowRunId: string;
  /** Its final state, once it has one. */
  state(): State | null;
  /** Attempts made so far. */
  attempts(): number;
}

/** Run `start` (a task run to its final state) inside a span, a child of the flow run's. */
export function traceTaskRun(trace: FlowRunTrace, run: TracedTaskRun, start: () => Promise<RunOutcome>): Promise<RunOutcome> {
  const span = trace.tracing.startSpan(`task ${run.taskName}`, {
    parent: trace.span,
    attributes: { "weir.task_run.id": run.taskRunId, "weir.task_run.name": run.taskRunName, "weir.task.name": run.taskName, "weir.flow_run.id": run.flowRunId },
  });
  const end = (): void => {
    const state = run.state();
    span.setAttributes({ "weir.task_run.attempts": run.attempts(), ...stateAttributes(state) });
    trace.tracing.endSpan(span, errorMessageOf(state));
  };
  let outcome: Promise<RunOutcome>;
  try {
    outcome = start();
  } catch (error) {
    end();
    throw error;
  }
  return outcome.then(
    (settled) => {
      end();
      return settled;
    },
    (error: unknown) => {
      end();
      throw error;
    },
  );
}

function stateAttributes(state: State | null): Record<string, string> {
  return state === null ? { "weir.state.name": "Crashed", "weir.state.type": "CRASHED" } : { "weir.state.name": state.name, "weir.state.type": state.type };
}

function errorMessageOf(state: State | null): string | null {
  if (state === null) return "the run ended without a final state";
  if (state.type !== "FAILED" && state.type !== "CRASHED") return null;
  return state.message || state.name;
}
