/**
 * The span of one claimed run in a worker, when traces are on (core/tracing/weir-tracing.ts):
 * `claim <work pool>`, from the claim request until the run's process started (or failed to),
 * with the run's and the worker's ids and names. The run's process gets its `traceparent` in
 * TRACEPARENT (the OpenTelemetry environment carrier), so its flow-run span is a child of this
 * one: one trace per run, showing how long the run waited for its process. Claims that find no
 * run make no span.
 */
import type { FlowRun } from "../core/models.js";
import type { WeirTracing } from "../core/tracing/weir-tracing.js";

/** A started claim span. */
export interface ClaimSpan {
  /** The `traceparent` to hand to the run's process. */
  readonly traceparent: string;
  /** End it (once; later calls do nothing), with status ERROR when the run could not be started. */
  end(error: unknown): void;
}

/** What a claim span describes. */
export interface ClaimSpanInput {
  run: FlowRun;
  workerName: string;
  workPoolName: string;
  /** When the claim request left, in epoch milliseconds. */
  startTimeMs: number;
}

/** Start the span of a claimed run (see file header). */
export function startClaimSpan(tracing: WeirTracing, input: ClaimSpanInput): ClaimSpan {
  const { run } = input;
  const span = tracing.startSpan(`claim ${input.workPoolName}`, {
    startTimeMs: input.startTimeMs,
    attributes: {
      "weir.flow_run.id": run.id,
      "weir.flow_run.name": run.name,
      "weir.worker.name": input.workerName,
      "weir.work_pool.name": input.workPoolName,
      ...(run.workQueueName === null ? {} : { "weir.work_queue.name": run.workQueueName }),
      ...(run.deploymentId === null ? {} : { "weir.deployment.id": run.deploymentId }),
    },
  });
  let isEnded = false;
  return {
    traceparent: tracing.traceparentOf(span),
    end(error) {
      if (isEnded) return;
      isEnded = true;
      tracing.endSpan(span, error === null || error === undefined ? null : error instanceof Error ? error.message : String(error));
    },
  };
}
