/**
 * Deployment versions through the REST API (in process, no sockets), on SQLite and PostgreSQL:
 * an apply that changes the spec records a version (author from `X-Weir-Actor`, the entrypoint
 * hash the client sent, the changed fields), an unchanged apply and pausing record nothing, each
 * run of the deployment records the version it ran (manual, scheduled, backfill), runs not
 * started yet follow a new version, and a rollback applies an old spec as a new version keeping
 * a paused schedule paused. Only the clock is faked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import type { UpsertDeploymentInput } from "../../src/core/api-types.js";
import type { Clock } from "../../src/core/clock.js";
import { diffDeploymentVersions, type DeploymentVersion } from "../../src/core/deployment-versions.js";
import type { Deployment } from "../../src/core/models.js";
import { makeState } from "../../src/core/states.js";
import { scheduleDeploymentRuns } from "../../src/orchestration/maintenance/schedule-deployment-runs.js";
import { createServerTestApp, IN_PROCESS_URL, type ServerTestApp } from "./server-test-app.js";

let nowMs = Date.parse("2026-11-04T00:58:00.000Z");
const clock: Clock = { now: () => new Date(nowMs) };
let server: ServerTestApp;
let alice: HttpClient;
let bob: HttpClient;
let deployment: Deployment;

const HASH_A = "a".repeat(64);
const HASH_B = "b".repeat(64);
const BASE: UpsertDeploymentInput = {
  name: "nightly",
  flowName: "etl",
  entrypoint: "flows/etl.ts:etl",
  path: "/srv/etl",
  parameters: { day: "today" },
  schedules: [{ schedule: { cron: "0 8 * * *", timezone: "Asia/Phnom_Penh" } }],
  jobVariables: { REGION: "eu" },
  entrypointHash: HASH_A,
};

beforeAll(async () => {
  server = await createServerTestApp({ clock });
  alice = new HttpClient({ apiUrl: IN_PROCESS_URL, fetch: server.fetch, actor: "alice" });
  bob = new HttpClient({ apiUrl: IN_PROCESS_URL, fetch: server.fetch, actor: "Bøb Ünicode" });
});
afterAll(async () => {
  await alice?.close();
  await bob?.close();
  await server?.close();
});

async function versions(): Promise<DeploymentVersion[]> {
  return (await server.client.listDeploymentVersions(deployment.id, { limit: 100 })).items;
}

async function request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await server.fetch(`http://localhost/api${path}`, {
    method,
    headers: { "content-type": "application/json", "x-weir-actor": "dashboard" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: response.status === 204 ? null : await response.json() };
}

describe("deployment versions", () => {
  it("the first apply records version 1 with every field, its author and the entrypoint hash", async () => {
    deployment = await alice.upsertDeployment(BASE);
    expect(deployment.versionNumber).toBe(1);
    const [first] = await versions();
    expect(first).toMatchObject({ version: 1, author: "alice", entrypointHash: HASH_A, rolledBackFrom: null, createdAt: clock.now().toISOString() });
    expect(first?.changedFields).toEqual(expect.arrayContaining(["entrypoint", "parameters", "schedules", "jobVariables"]));
    expect(first?.spec).toMatchObject({ entrypoint: "flows/etl.ts:etl", parameters: { day: "today" }, jobVariables: { REGION: "eu" }, workPoolName: "default" });
    expect(first?.spec.schedules).toEqual([{ schedule: { cron: "0 8 * * *", timezone: "Asia/Phnom_Penh" }, parameters: {}, catchup: null, catchupWindow: null, overlap: null }]);
  });

  it("an unchanged apply, pausing the deployment and pausing a schedule record nothing", async () => {
    nowMs += 1000;
    expect((await bob.upsertDeployment(BASE)).versionNumber).toBe(1);
    await bob.updateDeployment(deployment.id, { isPaused: true });
    await bob.updateDeployment(deployment.id, { isPaused: false });
    const scheduleId = deployment.schedules[0]!.id;
    await bob.updateDeploymentSchedule(deployment.id, scheduleId, { isActive: false });
    // Applied again without `active`: the paused schedule stays paused, and still no version.
    const again = await bob.upsertDeployment(BASE);
    expect(again.schedules[0]).toMatchObject({ id: scheduleId, isActive: false });
    expect((await versions()).map((v) => v.version)).toEqual([1]);
  });

  it("a change of parameters, schedules, job variables or only of the file is a new version naming what changed", async () => {
    nowMs += 1000;
    await bob.upsertDeployment({ ...BASE, parameters: { day: "yesterday" } });
    nowMs += 1000;
    await alice.upsertDeployment({ ...BASE, parameters: { day: "yesterday" }, entrypointHash: HASH_B });
    nowMs += 1000;
    // No hash sent (an API client that does not compute it): not a change by itself.
    await alice.upsertDeployment({ ...BASE, parameters: { day: "yesterday" }, entrypointHash: null });
    nowMs += 1000;
    await request("PATCH", `/deployments/${deployment.id}`, { parameters: { day: "yesterday" }, concurrencyLimit: 2 });
    nowMs += 1000;
    await bob.createDeploymentSchedule(deployment.id, { schedule: { interval: 3600 }, parameters: { day: "hourly" } });
    const list = await versions();
    expect(list.map((v) => [v.version, v.author, v.changedFields])).toEqual([
      [5, "Bøb Ünicode", ["schedules"]],
      [4, "dashboard", ["concurrencyLimit"]],
      [3, "alice", ["entrypointHash"]],
      [2, "Bøb Ünicode", ["parameters"]],
      [1, "alice", expect.any(Array)],
    ]);
    expect(list[0]?.entrypointHash).toBe(HASH_B);
    expect(diffDeploymentVersions(list[4]!, list[3]!)).toEqual([{ path: "parameters.day", before: '"today"', after: '"yesterday"' }]);
    expect(diffDeploymentVersions(list[1]!, list[0]!)).toEqual([{ path: "schedules[every 3600 s]", before: undefined, after: '{"catchup":null,"catchupWindow":null,"overlap":null,"parameters":{"day":"hourly"}}' }]);
  });

  it("lists newest first a page at a time, reads one version, and refuses bad numbers naming them", async () => {
    const first = await server.client.listDeploymentVersions(deployment.id, { limit: 2 });
    expect(first.items.map((v) => v.version)).toEqual([5, 4]);
    const second = await server.client.listDeploymentVersions(deployment.id, { limit: 2, cursor: first.nextCursor });
    expect(second.items.map((v) => v.version)).toEqual([3, 2]);
    expect((await server.client.readDeploymentVersion(deployment.id, 2)).changedFields).toEqual(["parameters"]);
    const missing = await request("GET", `/deployments/${deployment.id}/versions/99`);
    expect(missing.status).toBe(404);
    expect(JSON.stringify(missing.body)).toMatch(/no version 99/);
    expect((await request("GET", `/deployments/${deployment.id}/versions/0`)).status).toBe(422);
    expect((await request("GET", `/deployments/no-such-deployment/versions`)).status).toBe(404);
    const badHash = await request("POST", "/deployments", { ...BASE, entrypointHash: "not-a-hash" });
    expect(badHash.status).toBe(422);
    expect(JSON.stringify(badHash.body)).toMatch(/entrypointHash/);
  });

  it("each run records the version it ran; runs not started yet follow a new version", async () => {
    const manual = await server.client.createDeploymentFlowRun(deployment.id);
    expect(manual.deploymentVersion).toBe(5);
    const pass = await scheduleDeploymentRuns(server.context);
    expect(pass.created.length).toBeGreaterThan(0);
    expect(pass.created.every((run) => run.deploymentVersion === 5)).toBe(true);
    const backfill = await server.client.backfillDeployment(deployment.id, { from: "2026-11-04T00:00:00Z", to: "2026-11-04T00:30:00Z" });
    expect(backfill.createdCount).toBeGreaterThan(0);
    const backfilled = await server.client.readFlowRun(backfill.slots[0]!.flowRunId!);
    expect(backfilled.deploymentVersion).toBe(5);
    // The manual run starts; then the deployment changes: only runs still waiting move to version 6.
    const worker = await server.client.workerHeartbeat({ workPoolName: "default", name: "versions-worker" });
    const claimed = await server.client.claimFlowRuns({ workPoolName: "default", workerId: worker.id, limit: 1 });
    expect(claimed).toHaveLength(1);
    const started = claimed[0]!;
    await server.client.setFlowRunState(started.id, { state: makeState("Running", { now: clock.now() }) });
    nowMs += 1000;
    await alice.updateDeployment(deployment.id, { parameters: { day: "tomorrow" } });
    expect((await server.client.readFlowRun(started.id)).deploymentVersion).toBe(5);
    const waiting = (await server.client.listFlowRuns({ deploymentIds: [deployment.id], stateTypes: ["SCHEDULED"] }, { limit: 100 })).items;
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.every((run) => run.deploymentVersion === 6)).toBe(true);
  });

  it("a rollback applies the old spec as a new version and keeps a paused schedule paused", async () => {
    nowMs += 1000;
    const rolled = await request("POST", `/deployments/${deployment.id}/versions/2/rollback`, {});
    expect(rolled.status).toBe(200);
    const after = rolled.body as Deployment;
    expect(after.versionNumber).toBe(7);
    expect(after.parameters).toEqual({ day: "yesterday" });
    expect(after.concurrencyLimit).toBeNull();
    expect(after.schedules.map((s) => [s.schedule, s.isActive])).toEqual([[{ cron: "0 8 * * *", timezone: "Asia/Phnom_Penh" }, false]]);
    const [latest] = await versions();
    expect(latest).toMatchObject({ version: 7, author: "dashboard", rolledBackFrom: 2, entrypointHash: HASH_B });
    expect(latest?.changedFields).toEqual(["parameters", "schedules", "concurrencyLimit"]);
    // Rolling back to what is already there changes nothing.
    expect((await alice.rollbackDeployment(deployment.id, 7)).versionNumber).toBe(7);
    expect((await versions()).length).toBe(7);
    expect((await request("POST", `/deployments/${deployment.id}/versions/42/rollback`, {})).status).toBe(404);
  });
});
