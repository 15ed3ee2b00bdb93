/**
 * The OpenAPI document cannot drift from what the API returns: every documented operation of a
 * real server (real HTTP, real database) is called with valid input, and each answer's status
 * must be the one the document gives for success, and its body must validate against the
 * document's JSON Schema for that status, and parse through the route's zod response schema
 * unchanged (so no field goes undocumented). Error answers are checked against the document too.
 */
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { OrchestrationResult } from "../../src/core/api-types.js";
import type { BackfillResult } from "../../src/core/backfills.js";
import type { Artifact, ConcurrencyLease, ConcurrencyLimit, Deployment, DeploymentSchedule, Flow, FlowRun, LogRecord, WeirEvent, Worker, WorkPool } from "../../src/core/models.js";
import type { State } from "../../src/core/states.js";
import type { OpenApiDocument } from "../../src/server/openapi-document.js";
import type { RouteDependencies } from "../../src/server/route-registry.js";
import { allRoutes } from "../../src/server/routes/all-routes.js";
import { useTestServer } from "../helpers/test-server.js";
import { documentValidator, documentedResponse, operationsOf, type DocumentedOperation } from "./openapi-validator.js";
import { rawRequest } from "./raw-http.js";

const { server } = useTestServer();
// The route declarations hold the zod response schemas; their handlers are never called here.
const responseSchemaOf = new Map(allRoutes({} as RouteDependencies).map((route) => [route.operationId, route.response]));
const called = new Set<string>();
let document: OpenApiDocument;
let operations: Map<string, DocumentedOperation>;

interface Call {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** The status expected instead of the documented success status. */
  status?: number;
  /** Headers besides the content type. */
  headers?: Record<string, string>;
}

type Body = Record<string, unknown>;
type ErrorBody = { error: { code: string; message: string; details?: { issues?: { path: string }[] } } };

/** Call an operation by its id and check the answer against the document; returns the parsed body. */
async function call<T = Body>(operationId: string, request: Call = {}): Promise<T> {
  const documented = operations.get(operationId);
  if (!documented) throw new Error(`no operation '${operationId}' in the document`);
  const path = documented.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = request.params?.[name];
    if (value === undefined) throw new Error(`${operationId}: no value for path parameter '${name}'`);
    return encodeURIComponent(value);
  });
  const query = request.query ? `?${new URLSearchParams(request.query).toString()}` : "";
  const response = await fetch(`${server.url}${path}${query}`, {
    method: documented.method,
    headers: { ...request.headers, ...(request.body === undefined ? {} : { "content-type": "application/json" }) },
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
  });
  const text = await response.text();
  const what = `${operationId} (${documented.method} ${path}${query}) → ${response.status} ${text.slice(0, 500)}`;
  const successStatuses = Object.keys(documented.operation.responses).filter((status) => status.startsWith("2"));
  expect(successStatuses, `${operationId} documents one success status`).toHaveLength(1);
  expect(response.status, what).toBe(request.status ?? Number(successStatuses[0]));
  const answer = documentedResponse(document, documented.operation, response.status);
  expect(answer, `${what}: status not documented`).toBeDefined();
  const schema = answer?.content?.["application/json"]?.schema as Record<string, unknown> | undefined;
  if (!schema) {
    expect(text, `${what}: documented without a body`).toBe("");
    if (response.ok) called.add(operationId);
    return undefined as T;
  }
  expect(response.headers.get("content-type"), what).toMatch(/^application\/json/);
  const body = JSON.parse(text) as T;
  const checked = documentValidator(document, schema).safeParse(body);
  expect(checked.error?.issues ?? [], `${what}: body does not match the document`).toEqual([]);
  if (response.ok) {
    const zodSchema = responseSchemaOf.get(operationId);
    expect(zodSchema, `${operationId}: route declares a response schema`).toBeTruthy();
    // Parsing strips undeclared fields: an equal result means every field is documented.
    expect(zodSchema?.parse(body), `${what}: body has undocumented fields`).toEqual(body);
    called.add(operationId);
  }
  return body;
}

function state(type: string, name: string): Body {
  return { id: crypto.randomUUID(), type, name, timestamp: new Date().toISOString() };
}

describe("every documented operation answers as the OpenAPI document says", () => {
  it("serves the document", async () => {
    const response = await fetch(`${server.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as OpenApiDocument;
    operations = operationsOf(document);
    expect(operations.size).toBeGreaterThan(50);
    await call("readHealth");
    await call("readReadiness");
  });

  it("flows, flow runs and their actions", async () => {
    const flow = await call<Flow>("upsertFlow", { body: { name: "etl", description: "nightly load", parameterSchema: { type: "object" }, tags: ["data"] } });
    await call("listFlows", { query: { limit: "10" } });
    await call("readFlow", { params: { idOrName: flow.id } });

    const run = await call<FlowRun>("createFlowRun", { body: { flowName: "etl", parameters: { day: "2024-01-01" }, tags: ["a"], retryPolicy: { retries: 1 } } });
    await call("listFlowRuns", { query: { flowName: "etl", stateType: "PENDING,RUNNING", limit: "1" } });
    await call("countFlowRuns", { query: { flowName: "etl" } });
    await call("readFlowRun", { params: { id: run.id } });
    const running = await call<OrchestrationResult>("setFlowRunState", { params: { id: run.id }, body: { state: state("RUNNING", "Running") } });
    expect(running.status).toBe("ACCEPT");
    await call("heartbeatFlowRun", { params: { id: run.id }, body: { infrastructurePid: "4242@host", heartbeatIntervalSeconds: 5 } });
    const paused = await call<OrchestrationResult>("setFlowRunState", { params: { id: run.id }, body: { state: { ...state("PAUSED", "Paused"), details: { why: "review" } } } });
    expect(paused.status).toBe("ACCEPT");
    expect((await call<FlowRun>("resumeFlowRun", { params: { id: run.id }, body: { input: { approved: true } } })).stateType).toBe("RUNNING");
    const failed = {
      ...state("FAILED", "Failed"),
      message: "boom",
      error: { name: "Error", message: "boom", stack: "Error: boom", cause: { name: "TypeError", message: "inner" }, isRetryable: true },
    };
    // With a retry left, the failure becomes AwaitingRetry; the cancel ends it. A run with no
    // deployment cannot be retried (no worker could start it): 409 with the reason.
    await call("setFlowRunState", { params: { id: run.id }, body: { state: failed } });
    expect((await call<{ items: State[] }>("readFlowRunStates", { params: { id: run.id } })).items.length).toBeGreaterThanOrEqual(4);
    expect((await call<FlowRun>("cancelFlowRun", { params: { id: run.id }, body: {} })).stateType).toBe("CANCELLED");
    await call("retryFlowRun", { params: { id: run.id }, body: {}, status: 409 });

    const doomed = await call<FlowRun>("createFlowRun", { body: { flowName: "etl" } });
    await call("deleteFlowRun", { params: { id: doomed.id } });
  });

  it("task runs, logs and artifacts", async () => {
    const run = await call<FlowRun>("createFlowRun", { body: { flowName: "etl", name: "with-tasks" } });
    const taskRunId = crypto.randomUUID();
    // States made in order: a state stamped before the current one only joins the history.
    const pending = state("PENDING", "Pending");
    const running = state("RUNNING", "Running");
    const completed = { ...state("COMPLETED", "Completed"), result: { kind: "inline", value: { rows: 3 } } };
    await call("writeTaskRuns", {
      body: {
        writes: [
          {
            id: taskRunId,
            flowRunId: run.id,
            name: "extract-0",
            taskKey: "extract",
            dynamicKey: "0",
            tags: ["io"],
            inputs: { table: "users" },
            cacheKey: "extract:users",
            states: [pending, running, completed],
          },
        ],
      },
    });
    await call("listTaskRuns", { query: { flowRunId: run.id, stateType: "COMPLETED" } });
    await call("readTaskRun", { params: { id: taskRunId } });
    expect((await call<{ items: State[] }>("readTaskRunStates", { params: { id: taskRunId } })).items).toHaveLength(3);
    await call("findCachedTaskRun", { params: { cacheKey: "extract:users" } });

    const timestamp = new Date().toISOString();
    await call("appendLogs", {
      body: {
        logs: [
          { flowRunId: run.id, level: "INFO", name: "weir.flow_runs", message: "started", timestamp },
          { flowRunId: run.id, taskRunId, level: "ERROR", name: "weir.task_runs", message: "oops", timestamp },
        ],
      },
    });
    expect((await call<{ items: LogRecord[] }>("readLogs", { query: { flowRunId: run.id, minLevel: "INFO" } })).items).toHaveLength(2);

    const markdown = await call<Artifact>("createArtifact", { body: { key: "report", type: "markdown", description: "summary", data: "# Done", flowRunId: run.id } });
    await call("createArtifact", { body: { type: "table", data: [{ a: 1 }], taskRunId } });
    await call("listArtifacts", { query: { flowRunId: run.id } });
    await call("readArtifact", { params: { id: markdown.id } });
    await call("updateArtifact", { params: { id: markdown.id }, body: { data: "# Done again", description: null } });
  });

  it("variables and concurrency limits", async () => {
    await call("setVariable", { params: { name: "settings" }, body: { value: { retries: 3 }, tags: ["ops"] } });
    await call("setVariable", { params: { name: "empty" }, body: { value: null } });
    await call("listVariables");
    await call("getVariable", { params: { name: "settings" } });
    // The run processes' read (a plain variable's value comes to any run id; a secret's only to an executing run).
    expect(await call("readSecretVariable", { params: { name: "settings" }, headers: { "sec-weir-run-id": "any-run" } })).toEqual({ value: { retries: 3 } });
    await call("readSecretVariable", { params: { name: "settings" }, status: 403 });
    await call("deleteVariable", { params: { name: "empty" } });
    await call("putResult", { params: { key: "r1.bin" }, body: { data: Buffer.from([0, 1, 255]).toString("base64") } });
    expect(await call("readResult", { params: { key: "r1.bin" } })).toEqual({ data: "AAH/" });
    await call("listResults", { query: { limit: "10" } });
    expect(await call("referencedResultKeys", { body: { keys: ["r1.bin"] } })).toEqual({ keys: [] });
    await call("deleteResult", { params: { key: "r1.bin" } });

    await call("createConcurrencyLimit", { body: { tag: "db", limit: 2 } });
    await call("createConcurrencyLimit", { body: { tag: "closed", limit: 0 } });
    await call("listConcurrencyLimits");
    const lease = await call<ConcurrencyLease>("acquireConcurrencySlots", { body: { tags: ["db", "untagged"], holderId: "task-1", leaseSeconds: 30 } });
    expect(lease.tags).toEqual(["db"]);
    expect((await call<ConcurrencyLimit>("readConcurrencyLimit", { params: { tag: "db" } })).activeSlots).toBe(1);
    await call("renewConcurrencyLease", { params: { id: lease.id }, body: { leaseSeconds: 60 } });
    await call("releaseConcurrencyLease", { params: { id: lease.id } });
    // A full limit answers 200 with a JSON null, which the document allows.
    expect(await call("acquireConcurrencySlots", { body: { tags: ["closed"], holderId: "task-2" } })).toBeNull();
    await call("deleteConcurrencyLimit", { params: { tag: "closed" } });
  });

  it("task queues: enqueue, claim, renew, complete, read and delete finished, withdraw, count", async () => {
    const item = (n: number) => ({ id: `tq-item-${n}:1`, queue: "tq-doc", owner: "caller", taskRunId: `tq-item-${n}`, flowRunId: null, module: "/app/flows.ts", taskName: "square", args: `[${n}]`, attempt: 1, timeoutMs: 5000 });
    await call("enqueueTaskRuns", { body: { items: [item(1), item(2)] } });
    expect(await call("countTaskQueue", { params: { queue: "tq-doc" } })).toEqual({ queue: "tq-doc", counts: { queued: 2 } });
    const claimed = await call<{ items: { id: string; claims: number }[] }>("claimTaskRuns", { body: { queue: "tq-doc", workerName: "w", limit: 1, leaseSeconds: 30, waitSeconds: 0 } });
    expect(claimed.items.map((claim) => [claim.id, claim.claims])).toEqual([["tq-item-1:1", 1]]);
    expect(await call("renewTaskRunLeases", { body: { workerName: "w", ids: ["tq-item-1:1"], leaseSeconds: 30 } })).toEqual({ ids: ["tq-item-1:1"] });
    expect(await call("completeTaskRuns", { body: { outcomes: [{ id: "tq-item-1:1", workerName: "w", isFailed: false, outcome: "{\"value\":1}" }] } })).toEqual({ ids: ["tq-item-1:1"] });
    expect(await call("readFinishedTaskRuns", { query: { owner: "caller", limit: "10" } })).toEqual({ items: [{ id: "tq-item-1:1", isFailed: false, outcome: "{\"value\":1}" }] });
    expect(await call("deleteFinishedTaskRuns", { body: { owner: "caller", ids: ["tq-item-1:1"] } })).toEqual({ count: 1 });
    expect(await call("withdrawTaskRuns", { body: { ids: ["tq-item-2:1"] } })).toEqual({ count: 1 });
    const refused = await call<ErrorBody>("claimTaskRuns", { body: { queue: "tq doc", workerName: "w", limit: 1, leaseSeconds: 30 }, status: 422 });
    expect(refused.error.details?.issues?.map((issue) => issue.path)).toEqual(["queue"]);
  });

  it("work pools, queues, deployments, schedules, workers and claims", async () => {
    const pool = await call<WorkPool>("createWorkPool", { body: { name: "pool-a", description: "first", concurrencyLimit: 5 } });
    await call("listWorkPools");
    await call("readWorkPool", { params: { name: pool.name } });
    await call("updateWorkPool", { params: { name: pool.name }, body: { description: "renamed", isPaused: false } });
    await call("createWorkQueue", { params: { name: pool.name }, body: { name: "fast", priority: 1 } });
    await call("createWorkQueue", { params: { name: pool.name }, body: { name: "spare", priority: 5 } });
    await call("listWorkPoolQueues", { params: { name: pool.name } });
    await call("readWorkQueue", { params: { name: pool.name, queue: "fast" } });
    await call("updateWorkQueue", { params: { name: pool.name, queue: "fast" }, body: { concurrencyLimit: 3 } });
    await call("listWorkQueues");

    const deployment = await call<Deployment>("upsertDeployment", {
      body: {
        name: "nightly",
        flowName: "etl",
        entrypoint: "flows/etl.ts:etl",
        parameters: { day: "today" },
        tags: ["prod"],
        workPoolName: pool.name,
        workQueueName: "fast",
        schedules: [{ schedule: { cron: "0 8 * * *", timezone: "Asia/Phnom_Penh" }, parameters: { day: "cron" } }],
        jobVariables: { env: { MODE: "nightly" } },
        retryPolicy: { retries: 2, retryDelaySeconds: [1, 10] },
      },
    });
    await call("listDeployments", { query: { flowName: "etl", isServed: "false" } });
    await call("readDeploymentByName", { params: { flowName: "etl", deploymentName: "nightly" } });
    await call("readDeployment", { params: { id: deployment.id } });
    await call("updateDeployment", { params: { id: deployment.id }, body: { tags: ["prod", "eu"], concurrencyLimit: 4 } });
    const schedule = await call<DeploymentSchedule>("createDeploymentSchedule", { params: { id: deployment.id }, body: { schedule: { interval: 3600, anchorDate: "2024-01-01T00:00:00.000Z" } } });
    await call("updateDeploymentSchedule", { params: { id: deployment.id, scheduleId: schedule.id }, body: { isActive: false } });
    await call("previewSchedule", { body: { schedule: { rrule: "FREQ=DAILY;BYHOUR=6", timezone: "Europe/Paris" }, count: 3 } });
    const run = await call<FlowRun>("createDeploymentFlowRun", { params: { id: deployment.id }, body: { parameters: { day: "now" }, name: "manual" } });

    const worker = await call<Worker>("workerHeartbeat", { params: { name: pool.name }, body: { name: "worker-1", heartbeatIntervalSeconds: 10 } });
    await call("listWorkPoolWorkers", { params: { name: pool.name } });
    await call("listWorkers");
    const claimed = await call<{ items: FlowRun[] }>("claimFlowRuns", { params: { name: pool.name }, body: { workerId: worker.id, workerName: worker.name, limit: 10 } });
    expect(claimed.items.map((item) => item.id)).toEqual([run.id]);
    // A deployment's finished run can be retried (a worker can start it again).
    await call("setFlowRunState", { params: { id: run.id }, body: { state: state("RUNNING", "Running") } });
    const fatal = { ...state("FAILED", "Failed"), error: { name: "Error", message: "fatal", isRetryable: false } };
    await call("setFlowRunState", { params: { id: run.id }, body: { state: fatal } });
    expect((await call<FlowRun>("retryFlowRun", { params: { id: run.id }, body: {} })).stateType).toBe("SCHEDULED");

    const backfilled = await call<BackfillResult>("backfillDeployment", { params: { id: deployment.id }, body: { from: "2026-11-01T00:00:00Z", to: "2026-11-03T00:00:00Z" } });
    expect(backfilled.createdCount).toBe(2);
    await call("listBackfills", { params: { id: deployment.id } });
    await call("readBackfill", { params: { id: backfilled.backfill?.id ?? "" } });

    await call("deleteDeploymentSchedule", { params: { id: deployment.id, scheduleId: schedule.id } });
    const versions = await call<{ items: { version: number }[] }>("listDeploymentVersions", { params: { id: deployment.id }, query: { limit: "2" } });
    expect(versions.items.map((item) => item.version)).toEqual([4, 3]);
    await call("readDeploymentVersion", { params: { id: deployment.id, version: "1" } });
    expect((await call<Deployment>("rollbackDeployment", { params: { id: deployment.id, version: "1" }, body: {} })).versionNumber).toBe(5);
    await call("deleteDeployment", { params: { id: deployment.id } });
    await call("deleteWorkQueue", { params: { name: pool.name, queue: "spare" } });
    const empty = await call<WorkPool>("createWorkPool", { body: { name: "pool-empty" } });
    await call("deleteWorkPool", { params: { name: empty.name } });

    const events = await call<{ events: unknown[]; followCursor: string }>("listEvents", { query: { event: "flow-run.*,deployment.created", related: deployment.id, limit: "5" } });
    expect(events.events.length).toBeGreaterThan(0);
    await call("listEvents", { query: { after: events.followCursor, tag: "prod", since: "2020-01-01T00:00:00Z" } });
  });

  it("notifications: a test send (refused by a closed port, so recorded as failed), the list and one delivery", async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const delivery = await call<{ id: string; status: string }>("testNotification", { body: { action: { type: "webhook", url: `http://127.0.0.1:${closed}/hook` } } });
    expect(delivery.status).toBe("failed");
    await call("listNotificationDeliveries", { query: { status: "failed,sent", limit: "10" } });
    await call("getNotificationDelivery", { params: { id: delivery.id } });
    await call("getNotificationDelivery", { params: { id: "no-such-delivery" }, status: 404 });
  });

  it("automations: create, read, list, replace, disable, firings, a deployment's set, delete", async () => {
    const form = { name: "tell-me", trigger: { expect: ["flow-run.Failed", "flow-run.Crashed"], match: { flow: "greeting" } }, actions: [{ type: "cancel-flow-run" }] };
    const created = await call<{ id: string }>("createAutomation", { body: form });
    await call("createAutomation", { body: form, status: 409 });
    await call("readAutomation", { params: { id: created.id } });
    await call("listAutomations");
    await call("updateAutomation", { params: { id: created.id }, body: { ...form, trigger: { posture: "proactive", expect: "flow-run.Completed", within: "26h" } } });
    await call("setAutomationEnabled", { params: { id: created.id }, body: { isEnabled: false } });
    await call("listAutomationFirings", { params: { id: created.id } });
    const deployment = await call<Deployment>("upsertDeployment", { body: { name: "with-triggers", flowName: "greeting", entrypoint: "flows.ts:greeting" } });
    await call("setDeploymentAutomations", { params: { id: deployment.id }, body: { automations: [{ ...form, name: "greeting/with-triggers#1" }] } });
    await call("deleteAutomation", { params: { id: created.id } });
    await call("readAutomation", { params: { id: created.id }, status: 404 });
  });

  it("the event stream's messages match the document's item schema", async () => {
    const documented = operations.get("streamEvents");
    const media = documented?.operation.responses["200"] && "content" in documented.operation.responses["200"]
      ? documented.operation.responses["200"].content?.["text/event-stream"]
      : undefined;
    const eventSchema = media?.schema as { properties?: { data?: { contentMediaType?: string; contentSchema?: Record<string, unknown> } } } | undefined;
    expect(eventSchema?.properties?.data?.contentMediaType).toBe("application/json");
    const itemSchema = eventSchema?.properties?.data?.contentSchema;
    expect(itemSchema).toBeDefined();
    const stop = new AbortController();
    const response = await fetch(`${server.url}/api/events`, { signal: stop.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const events: WeirEvent[] = [];
    let buffer = "";
    let triggered = false;
    const deadline = Date.now() + 10_000;
    while (events.length < 2 && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      if (!triggered && buffer.includes(": connected")) {
        triggered = true;
        const run = await call<FlowRun>("createFlowRun", { body: { flowName: "etl", name: "streamed" } });
        await call("appendLogs", { body: { logs: [{ flowRunId: run.id, level: "INFO", name: "weir", message: "hello", timestamp: new Date().toISOString() }] } });
      }
      const messages = buffer.split("\n\n");
      buffer = messages.pop() ?? "";
      for (const message of messages) {
        const data = message.split("\n").filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n");
        if (data) events.push(JSON.parse(data) as WeirEvent);
      }
    }
    stop.abort();
    await reader.cancel().catch(() => undefined);
    expect(events.map((event) => event.kind)).toEqual(expect.arrayContaining(["flow-run", "logs"]));
    const zodSchema = responseSchemaOf.get("streamEvents") as z.ZodType;
    for (const event of events) {
      expect(documentValidator(document, itemSchema!).safeParse(event).error?.issues ?? [], event.kind).toEqual([]);
      expect(zodSchema.parse(event), event.kind).toEqual(event);
    }
    called.add("streamEvents");
  });

  it("error answers match the document's error responses", async () => {
    const error = await call<ErrorBody>("readFlowRun", { params: { id: crypto.randomUUID() }, status: 404 });
    expect(error.error.code).toBe("NOT_FOUND");
    const invalid = await call<ErrorBody>("createConcurrencyLimit", { body: { tag: "", limit: -1 }, status: 422 });
    expect(invalid.error.details?.issues?.map((issue) => issue.path).sort()).toEqual(["limit", "tag"]);
    expect((await call<ErrorBody>("listFlowRuns", { query: { limit: "0" }, status: 422 })).error.code).toBe("VALIDATION");
    expect((await call<ErrorBody>("getVariable", { params: { name: "never-set" }, status: 404 })).error.code).toBe("NOT_FOUND");
  });

  it("schema and validators agree on bounds and on required bodies (limit=0, PATCH without a body)", async () => {
    const limit = operations.get("listFlowRuns")?.operation.parameters.find((parameter) => parameter.name === "limit");
    expect(limit?.schema).toMatchObject({ type: "integer", minimum: 1, maximum: 1000 });
    expect(limit?.schema.pattern).toBeUndefined();
    await call("listFlowRuns", { query: { limit: "1000" } });
    expect((await call<ErrorBody>("listFlowRuns", { query: { limit: "1001" }, status: 422 })).error.code).toBe("VALIDATION");
    const logLimit = operations.get("readLogs")?.operation.parameters.find((parameter) => parameter.name === "limit");
    expect(logLimit?.schema).toMatchObject({ type: "integer", minimum: 1, maximum: 10_000 });
    // A body the document requires is required by the server too.
    const pool = await call<WorkPool>("createWorkPool", { body: { name: "pool-patch" } });
    expect(operations.get("updateWorkPool")?.operation.requestBody?.required).toBe(true);
    const missing = await call<ErrorBody>("updateWorkPool", { params: { name: pool.name }, status: 422 });
    expect(missing.error.details?.issues?.map((issue) => issue.path)).toEqual([""]);
    expect(operations.get("setVariable")?.operation.requestBody?.required).toBe(true);
    await call("setVariable", { params: { name: "no-body" }, status: 422 });
    // An action whose options all have defaults documents its body as optional, and takes none.
    expect(operations.get("cancelFlowRun")?.operation.requestBody?.required).toBe(false);
    const run = await call<FlowRun>("createFlowRun", { body: { flowName: "etl", name: "cancel-without-body" } });
    expect((await call<FlowRun>("cancelFlowRun", { params: { id: run.id } })).stateType).toBe("CANCELLED");
  });

  it("refusals before any route (403, 415, 421, 413) are documented on every operation and match it", async () => {
    for (const [operationId, { method, operation }] of operations) {
      const documented = Object.keys(operation.responses);
      expect(documented, operationId).toEqual(expect.arrayContaining(["403", "421", "431", "503"]));
      if (["POST", "PUT", "PATCH"].includes(method)) expect(documented, operationId).toEqual(expect.arrayContaining(["413", "415"]));
    }
    const unavailable = documentedResponse(document, operations.get("listFlows")!.operation, 503) as { headers?: Record<string, unknown> };
    expect(Object.keys(unavailable.headers ?? {})).toEqual(["Retry-After"]);
    const setVariable = operations.get("setVariable")!.operation;
    const refusals: [number, Parameters<typeof rawRequest>[1]][] = [
      [403, { method: "PUT", headers: { origin: "http://evil.example", "content-type": "application/json" }, body: "{\"value\":1}" }],
      [415, { method: "PUT", headers: { "content-type": "text/plain" }, body: "{\"value\":1}" }],
      [421, { method: "PUT", headers: { host: "attacker.example", "content-type": "application/json" }, body: "{\"value\":1}" }],
    ];
    for (const [status, init] of refusals) {
      const answer = await rawRequest(`${server.url}/api/variables/refused`, init);
      expect(answer.status).toBe(status);
      const schema = documentedResponse(document, setVariable, status)?.content?.["application/json"]?.schema as Record<string, unknown>;
      expect(documentValidator(document, schema).safeParse(JSON.parse(answer.text)).error?.issues ?? [], String(status)).toEqual([]);
    }
    // Node answers 431 itself, before the app, when the headers pass its limit (16 KB by default).
    const huge = await rawRequest(`${server.url}/api/flows`, { headers: { "x-padding": "x".repeat(20_000) } });
    expect(huge.status).toBe(431);
    expect(documentedResponse(document, operations.get("listFlows")!.operation, 431)?.content).toBeUndefined();
  });

  it("called every documented operation", () => {
    expect([...operations.keys()].filter((operationId) => !called.has(operationId))).toEqual([]);
  });
});
