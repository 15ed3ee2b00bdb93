/**
 * Backfills through the REST API (in process, no sockets), on SQLite and PostgreSQL: the
 * repository's greeting deployment (daily 08:00 Asia/Phnom_Penh, from weir.yaml) backfilled over
 * [2026-11-01, 2026-11-03) makes exactly the 01:00Z runs of both days, again makes none, does not
 * duplicate a slot the scheduler made, runs under the deployment's concurrency limit, shows its
 * progress by state, and refuses bad ranges naming the field. Only the clock is faked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Backfill, BackfillResult } from "../../src/core/backfills.js";
import type { Clock } from "../../src/core/clock.js";
import type { Deployment, FlowRun } from "../../src/core/models.js";
import { makeState } from "../../src/core/states.js";
import { scheduleDeploymentRuns } from "../../src/orchestration/maintenance/schedule-deployment-runs.js";
import { applyDeploymentFile } from "../../src/sdk/deployment-file.js";
import { REPO_ROOT } from "../helpers/run-process.js";
import { createServerTestApp, type ServerTestApp } from "./server-test-app.js";

let nowMs = Date.parse("2026-11-04T00:58:00.000Z");
const clock: Clock = { now: () => new Date(nowMs) };
let server: ServerTestApp;
let greeting: Deployment;

beforeAll(async () => {
  server = await createServerTestApp({ clock });
  await applyDeploymentFile({ file: `${REPO_ROOT}weir.yaml`, names: ["basic_greeting"], client: server.client });
  greeting = await server.client.readDeploymentByName("greeting/basic_greeting");
});
afterAll(async () => server?.close());

async function post(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await server.fetch(`http://localhost/api${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

async function backfill(body: Record<string, unknown>, deploymentId = greeting.id): Promise<BackfillResult> {
  const answer = await post(`/deployments/${deploymentId}/backfill`, body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as BackfillResult;
}

async function greetingRuns(): Promise<FlowRun[]> {
  const page = await server.client.listFlowRuns({ deploymentIds: [greeting.id] }, { limit: 100 });
  return page.items.sort((a, b) => a.expectedStartTime.localeCompare(b.expectedStartTime));
}

const RANGE = { from: "2026-11-01T00:00:00Z", to: "2026-11-03T00:00:00Z" };

describe("POST /api/deployments/{id}/backfill", () => {
  it("a dry run lists the two 01:00Z slots and creates nothing", async () => {
    const dry = await backfill({ ...RANGE, dryRun: true });
    expect(dry).toMatchObject({ isDryRun: true, backfill: null, createdCount: 2, existingCount: 0 });
    expect(dry.slots.map((slot) => [slot.scheduledTime, slot.isNew, slot.flowRunId])).toEqual([
      ["2026-11-01T01:00:00.000Z", true, null],
      ["2026-11-02T01:00:00.000Z", true, null],
    ]);
    expect(await greetingRuns()).toEqual([]);
    expect(await server.client.listBackfills(greeting.id)).toEqual([]);
  });

  it("creates exactly two runs at the slots, keyed like scheduled runs; the same request again creates none", async () => {
    const first = await backfill(RANGE);
    expect(first).toMatchObject({ isDryRun: false, createdCount: 2, existingCount: 0 });
    const runs = await greetingRuns();
    expect(runs.map((run) => run.expectedStartTime)).toEqual(["2026-11-01T01:00:00.000Z", "2026-11-02T01:00:00.000Z"]);
    const scheduleId = greeting.schedules[0]?.id;
    expect(runs.map((run) => run.idempotencyKey)).toEqual([`scheduled:${scheduleId}:2026-11-01T01:00:00.000Z`, `scheduled:${scheduleId}:2026-11-02T01:00:00.000Z`]);
    expect(runs.every((run) => run.scheduleId === scheduleId && run.tags.includes(`backfill:${first.backfill?.id}`))).toBe(true);
    expect(runs.map((run) => run.state.scheduledTime)).toEqual(["2026-11-01T01:00:00.000Z", "2026-11-02T01:00:00.000Z"]);
    expect(runs.map((run) => run.parameters)).toEqual([{ name: "Navin" }, { name: "Navin" }]);
    expect(first.slots.map((slot) => slot.flowRunId)).toEqual(runs.map((run) => run.id));

    const again = await backfill(RANGE);
    expect(again).toMatchObject({ createdCount: 0, existingCount: 2 });
    expect(again.backfill?.id).toBe(first.backfill?.id);
    expect(again.slots.map((slot) => slot.flowRunId)).toEqual(runs.map((run) => run.id));
    expect((await greetingRuns()).map((run) => run.id)).toEqual(runs.map((run) => run.id));
    expect((await server.client.listBackfills(greeting.id)).map((item) => item.id)).toEqual([first.backfill?.id]);
  });

  it("leaves alone the slots the scheduler already made", async () => {
    const pass = await scheduleDeploymentRuns(server.context);
    const scheduled = pass.created.map((run) => run.expectedStartTime).sort();
    expect(scheduled).toEqual(["2026-11-04T01:00:00.000Z", "2026-11-05T01:00:00.000Z", "2026-11-06T01:00:00.000Z"]);
    nowMs += 1000; // listed newest first
    const wider = await backfill({ from: "2026-11-01T00:00:00Z", to: "2026-11-06T00:00:00Z", parameters: { name: "Backfilled" } });
    expect(wider.slots.map((slot) => [slot.scheduledTime, slot.isNew])).toEqual([
      ["2026-11-01T01:00:00.000Z", false],
      ["2026-11-02T01:00:00.000Z", false],
      ["2026-11-03T01:00:00.000Z", true],
      ["2026-11-04T01:00:00.000Z", false],
      ["2026-11-05T01:00:00.000Z", false],
    ]);
    const runs = await greetingRuns();
    expect(runs.map((run) => run.expectedStartTime)).toEqual([
      "2026-11-01T01:00:00.000Z",
      "2026-11-02T01:00:00.000Z",
      "2026-11-03T01:00:00.000Z",
      "2026-11-04T01:00:00.000Z",
      "2026-11-05T01:00:00.000Z",
      "2026-11-06T01:00:00.000Z",
    ]);
    expect(runs[2]?.parameters).toEqual({ name: "Backfilled" });
    expect(runs[2]?.tags).toEqual([`backfill:${wider.backfill?.id}`]);
    // A second scheduler pass finds every slot taken.
    expect((await scheduleDeploymentRuns(server.context)).created).toEqual([]);
  });

  it("runs its slots oldest first under the deployment's concurrency limit, and shows progress by state", async () => {
    await server.client.updateDeployment(greeting.id, { concurrencyLimit: 1 });
    const worker = await server.client.workerHeartbeat({ workPoolName: "default", name: "backfill-worker" });
    const claim = () => server.client.claimFlowRuns({ workPoolName: "default", workQueueNames: ["GreetingWorkQueue"], workerId: worker.id, limit: 10 });
    const claimed = await claim();
    expect(claimed.map((run) => run.expectedStartTime)).toEqual(["2026-11-01T01:00:00.000Z"]);
    expect(await claim()).toEqual([]);
    const first = claimed[0]!;
    nowMs += 1000;
    await server.client.setFlowRunState(first.id, { state: makeState("Running", { now: clock.now() }) });
    await server.client.setFlowRunState(first.id, { state: makeState("Completed", { now: clock.now() }) });
    const second = await claim();
    expect(second.map((run) => run.expectedStartTime)).toEqual(["2026-11-02T01:00:00.000Z"]);
    await server.client.setFlowRunState(second[0]!.id, { state: makeState("Running", { now: clock.now() }) });

    const [wider, original] = await server.client.listBackfills(greeting.id);
    expect(original?.from).toBe("2026-11-01T00:00:00.000Z");
    expect(original?.progress.runCount).toBe(2);
    expect(original?.progress.byStateType).toMatchObject({ COMPLETED: 1, RUNNING: 1, SCHEDULED: 0 });
    const read = (await (await server.fetch(`http://localhost/api/backfills/${wider!.id}`)).json()) as Backfill;
    expect(read).toMatchObject({ id: wider!.id, slotCount: 5, tag: `backfill:${wider!.id}` });
    expect(read.progress).toMatchObject({ runCount: 5, byStateType: { COMPLETED: 1, RUNNING: 1, SCHEDULED: 3, FAILED: 0 } });
  });

  it("refuses bad times and unknown deployments, naming the field; a reversed range holds no slot", async () => {
    const badFrom = await post(`/deployments/${greeting.id}/backfill`, { from: "yesterday", to: RANGE.to });
    expect(badFrom.status).toBe(422);
    expect(JSON.stringify(badFrom.body)).toMatch(/from/);
    // A reversed range is an empty one: no slot, nothing created (the CLI refuses it as a usage error).
    const reversed = await post(`/deployments/${greeting.id}/backfill`, { from: RANGE.to, to: RANGE.from, dryRun: true });
    expect(reversed.status).toBe(200);
    expect(reversed.body).toMatchObject({ createdCount: 0, slots: [] });
    const missing = await post(`/deployments/no-such-deployment/backfill`, RANGE);
    expect(missing.status).toBe(404);
    const badParameters = await post(`/deployments/${greeting.id}/backfill`, { ...RANGE, parameters: { name: 42 } });
    expect(badParameters.status).toBe(422);
    expect(JSON.stringify(badParameters.body)).toMatch(/parameters\.name/);
  });

  it("refuses more than 10,000 slots with a clear message, and a deployment without an active schedule", async () => {
    const everySecond = await server.client.upsertDeployment({
      name: "every-second",
      flowName: "ticker",
      entrypoint: "flows/ticker.ts:ticker",
      schedules: [{ schedule: { interval: 1 } }],
    });
    const tooMany = await post(`/deployments/${everySecond.id}/backfill`, { from: "2026-11-01T00:00:00Z", to: "2026-11-01T03:00:00Z", dryRun: true });
    expect(tooMany.status).toBe(409);
    expect(JSON.stringify(tooMany.body)).toMatch(/more than 10000 schedule slots/);
    const fits = await backfill({ from: "2026-11-01T00:00:00Z", to: "2026-11-01T02:46:40Z", dryRun: true }, everySecond.id);
    expect(fits.slots).toHaveLength(10_000);

    const unscheduled = await server.client.upsertDeployment({ name: "manual", flowName: "ticker", entrypoint: "flows/ticker.ts:ticker" });
    const none = await post(`/deployments/${unscheduled.id}/backfill`, RANGE);
    expect(none.status).toBe(409);
    expect(JSON.stringify(none.body)).toMatch(/no active schedule/);
  });

  it("is described in the OpenAPI document as the validator accepts it", async () => {
    const document = (await (await server.fetch("http://localhost/api/openapi.json")).json()) as {
      paths: Record<string, Record<string, { operationId: string }>>;
      components: { schemas: Record<string, { required?: string[]; properties?: Record<string, unknown> }> };
    };
    expect(document.paths["/api/deployments/{id}/backfill"]?.post?.operationId).toBe("backfillDeployment");
    expect(document.paths["/api/deployments/{id}/backfills"]?.get?.operationId).toBe("listBackfills");
    expect(document.paths["/api/backfills/{id}"]?.get?.operationId).toBe("readBackfill");
    const input = document.components.schemas.BackfillInput;
    expect(input?.required?.sort()).toEqual(["from", "to"]);
    expect(Object.keys(input?.properties ?? {}).sort()).toEqual(["dryRun", "from", "parameters", "to"]);
  });
});
