// OpenTelemetry traces of runs, with real processes and a local OTLP receiver: `weir run` of a
// flow of three tasks exports one trace of four spans (flow → three tasks); a failed task and
// its flow carry status ERROR; TRACEPARENT in the process's environment is the flow run's parent;
// OTEL_SDK_DISABLED turns traces off; a worker's claim span is the parent of the run's flow-run
// span in the run's own process. On the engine WEIR_TEST_DB names.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlowRun } from "../../src/core/models.js";
import { HttpClient } from "../../src/client/http-client.js";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../helpers/otlp-receiver.js";
import { useTestServer } from "../helpers/test-server.js";
import { serverEnv, startWeir, waitFor } from "../worker/worker-test-kit.js";
import { REPO_ROOT, runCli, useCliEnv } from "./run-cli.js";

const FIXTURE = "test/cli/fixtures/traced-flows.ts";
// The server in this process has no traces (no endpoint in this process's environment).
const { database, server } = useTestServer();
const env = useCliEnv(database);
let receiver: OtlpReceiver;
let client: HttpClient;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  client = new HttpClient({ apiUrl: server.url });
});

afterAll(async () => {
  await client?.close();
  await receiver?.close();
});

/** The CLI environment with traces sent to the receiver (and no OTEL_* or TRACEPARENT of the test's own). */
function tracedEnv(base: NodeJS.ProcessEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) if (!key.startsWith("OTEL_") && key !== "TRACEPARENT") out[key] = value;
  return { ...out, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...extra };
}

async function runTraced(name: string, extra: Record<string, string> = {}): Promise<FlowRun> {
  const result = await runCli(["run", `${FIXTURE}:${name}`, "--json"], tracedEnv(env, extra));
  expect(result.stderr).not.toContain("weir: traces are off");
  return JSON.parse(result.stdout) as FlowRun;
}

/** The spans of one flow run's trace (found by the run's id on its flow-run span). */
function traceOf(flowRunId: string): { flow: ReceivedSpan; spans: ReceivedSpan[] } {
  const flow = receiver.spans.find((span) => span.name.startsWith("flow ") && span.attributes["weir.flow_run.id"] === flowRunId);
  if (flow === undefined) throw new Error(`no flow-run span for ${flowRunId}; got ${receiver.spans.map((span) => span.name).join(", ")}`);
  return { flow, spans: receiver.spans.filter((span) => span.traceId === flow.traceId) };
}

describe("traces of runs", { timeout: 120_000 }, () => {
  it("exports one trace with four spans, flow then three tasks, for a flow run of three tasks", async () => {
    const run = await runTraced("threeTasks");
    expect(run.stateType).toBe("COMPLETED");
    // The process flushed its spans before it exited: they are all here already.
    const { flow, spans } = traceOf(run.id);
    expect(spans).toHaveLength(4);
    expect(flow.parentSpanId).toBe("");
    expect(flow.name).toBe("flow three-tasks");
    expect(flow.attributes).toMatchObject({ "weir.flow_run.id": run.id, "weir.flow_run.name": run.name, "weir.flow.name": "three-tasks", "weir.state.name": "Completed", "weir.flow_run.run_count": 1 });
    expect(flow.resource["service.name"]).toBe("weir");
    const tasks = spans.filter((span) => span !== flow);
    expect(tasks.map((span) => span.name).sort()).toEqual(["task extract", "task load", "task transform"]);
    const taskRuns = (await client.listTaskRuns({ flowRunId: run.id })).items;
    for (const task of tasks) {
      expect(task.parentSpanId).toBe(flow.spanId);
      expect(task.status.code ?? 0).toBe(0);
      expect(task.attributes).toMatchObject({ "weir.flow_run.id": run.id, "weir.state.name": "Completed", "weir.task_run.attempts": 1 });
      expect(taskRuns.map((taskRun) => taskRun.id)).toContain(task.attributes["weir.task_run.id"]);
    }
  });

  it("marks a failed task run and its flow run with status ERROR, with the attempts made", async () => {
    const run = await runTraced("failing");
    expect(run.stateType).toBe("FAILED");
    const { flow, spans } = traceOf(run.id);
    expect(spans).toHaveLength(2);
    const task = spans.find((span) => span !== flow)!;
    expect(task.parentSpanId).toBe(flow.spanId);
    expect(task.attributes).toMatchObject({ "weir.task.name": "stuck", "weir.state.name": "Failed", "weir.task_run.attempts": 2 });
    expect(task.status).toMatchObject({ code: 2, message: "the valve is stuck" });
    expect(flow.status.code).toBe(2);
  });

  it("nests a subflow run's span under its parent flow run's, and the subflow's tasks under it", async () => {
    const run = await runTraced("outer");
    expect(run.stateType).toBe("COMPLETED");
    const { flow, spans } = traceOf(run.id);
    expect(spans.map((span) => span.name).sort()).toEqual(["flow inner", "flow outer", "task double", "task double"]);
    const inner = spans.find((span) => span.name === "flow inner")!;
    expect(inner.parentSpanId).toBe(flow.spanId);
    expect(inner.attributes["weir.flow_run.parent_id"]).toBe(run.id);
    const parents = spans.filter((span) => span.name === "task double").map((span) => span.parentSpanId).sort();
    expect(parents).toEqual([flow.spanId, inner.spanId].sort());
  });

  it("continues the trace of TRACEPARENT, under the service name of OTEL_SERVICE_NAME", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const run = await runTraced("threeTasks", { TRACEPARENT: `00-${traceId}-00f067aa0ba902b7-01`, OTEL_SERVICE_NAME: "etl-runner" });
    const { flow, spans } = traceOf(run.id);
    expect(flow.traceId).toBe(traceId);
    expect(flow.parentSpanId).toBe("00f067aa0ba902b7");
    expect(flow.resource["service.name"]).toBe("etl-runner");
    expect(spans).toHaveLength(4);
  });

  it("exports nothing with OTEL_SDK_DISABLED=true", async () => {
    const before = receiver.spans.length;
    const run = await runTraced("threeTasks", { OTEL_SDK_DISABLED: "true" });
    expect(run.stateType).toBe("COMPLETED");
    expect(receiver.spans.length).toBe(before);
    expect(receiver.refusals).toEqual([]);
  });
});

describe("traces of a worker's runs", { timeout: 120_000 }, () => {
  it("makes the claim span the parent of the flow-run span in the run's process", async () => {
    const deployment = await client.upsertDeployment({ name: "traced", flowName: "three-tasks", entrypoint: "traced-flows.ts:threeTasks", path: `${REPO_ROOT}test/cli/fixtures`, workQueueName: "traced" });
    const worker = startWeir(["worker", "start", "--pool", "default", "--queue", "traced", "--name", "traced-worker", "--poll-interval", "1"], tracedEnv(serverEnv(server.url, database.dir)));
    try {
      const run = await client.createDeploymentFlowRun(deployment.id);
      await waitFor(async () => (await client.readFlowRun(run.id)).stateType === "COMPLETED", 60_000, "the run to complete");
      // The run's process exported before it exited; the worker exports its claim span within its batch delay (5 s) or when it stops.
      await worker.stop("SIGTERM");
      const { flow, spans } = traceOf(run.id);
      expect(spans).toHaveLength(5);
      const claim = spans.find((span) => span.name === "claim default");
      expect(claim, worker.output()).toBeDefined();
      expect(claim!.parentSpanId).toBe("");
      expect(claim!.attributes).toMatchObject({ "weir.flow_run.id": run.id, "weir.worker.name": "traced-worker", "weir.work_pool.name": "default", "weir.deployment.id": deployment.id });
      expect(flow.parentSpanId).toBe(claim!.spanId);
      expect(flow.attributes["weir.deployment.id"]).toBe(deployment.id);
      for (const task of spans.filter((span) => span.name.startsWith("task "))) expect(task.parentSpanId).toBe(flow.spanId);
    } finally {
      await worker.stop("SIGTERM");
    }
  });
});
