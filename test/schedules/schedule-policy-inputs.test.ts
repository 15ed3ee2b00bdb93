/**
 * The scheduling policies (catchup, catchupWindow, overlap) as every door takes them: weir.yaml,
 * the REST API (the HTTP client over the in-process server) and the SDK's option checks. Runs on
 * SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatDurationSeconds, parseDurationSeconds } from "../../src/core/schedules/schedule-policies.js";
import { parseDeploymentFile } from "../../src/sdk/deployment-file.js";
import { deployFlow } from "../../src/sdk/deploy.js";
import { flow } from "../../src/sdk/flow.js";
import { createServerTestApp, type ServerTestApp } from "../server/server-test-app.js";

describe("schedule policy inputs", () => {
  let server: ServerTestApp;
  beforeAll(async () => {
    server = await createServerTestApp();
  });
  afterAll(async () => server?.close());

  it("durations: 90m, 6h, 2d, 45s or whole seconds; anything else is refused", () => {
    expect(["90m", "6h", "2d", "45s", 3600].map(parseDurationSeconds)).toEqual([5400, 21_600, 172_800, 45, 3600]);
    expect(["6 h", "0h", "1.5h", "6H", "", "h", "1234567h", 0, -5, 1.5, "3600"].map(parseDurationSeconds)).toEqual(Array(11).fill(null));
    expect([21_600, 5400, 172_800, 45, 5401].map(formatDurationSeconds)).toEqual(["6h", "90m", "2d", "45s", "5401s"]);
  });

  it("weir.yaml: on a deployment and on a schedule entry; bad values are named with their line", () => {
    const [entry] = parseDeploymentFile(
      [
        "deployments:",
        "  - name: nightly",
        "    entrypoint: flows.ts:nightly",
        "    catchup: all",
        "    catchupWindow: 6h",
        "    overlap: buffer-one",
        "    schedules:",
        '      - { cron: "0 * * * *", catchup: latest, catchupWindow: 5400, overlap: cancel-other }',
      ].join("\n"),
      "/tmp",
    );
    expect(entry!.policies).toEqual({ catchup: "all", catchupWindow: 21_600, overlap: "buffer-one" });
    expect(entry!.schedules[0]).toMatchObject({ schedule: { cron: "0 * * * *" }, catchup: "latest", catchupWindow: 5400, overlap: "cancel-other" });
    let message = "";
    try {
      parseDeploymentFile(["deployments:", "  - name: bad", "    entrypoint: flows.ts:bad", "    catchup: everything", "    catchupWindow: 6 hours", "    overlapPolicy: skip"].join("\n"), "/tmp");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/deployments\.0\.catchup \(line 4\): must be one of skip, latest, all/);
    expect(message).toMatch(/deployments\.0\.catchupWindow \(line 5\): must be a duration/);
    expect(message).toMatch(/deployments\.0\.overlapPolicy \(line 6\): unknown deployment option 'overlapPolicy'/);
  });

  it("the REST API stores them, patches them and names a bad field", async () => {
    const created = await server.client.upsertDeployment({
      name: "policies",
      flowName: "policy-inputs",
      entrypoint: "flows.ts:flow",
      catchup: "all",
      catchupWindow: "90m",
      overlap: "skip",
      schedules: [{ schedule: { interval: 600 }, overlap: "buffer-one" }],
    });
    expect([created.catchup, created.catchupWindow, created.overlap]).toEqual(["all", 5400, "skip"]);
    expect(created.schedules[0]).toMatchObject({ catchup: null, catchupWindow: null, overlap: "buffer-one" });
    const patched = await server.client.updateDeployment(created.id, { catchup: "latest", catchupWindow: null, overlap: "cancel-other" });
    expect([patched.catchup, patched.catchupWindow, patched.overlap]).toEqual(["latest", null, "cancel-other"]);
    // A changed policy keeps the schedule (its id and its runs).
    const reapplied = await server.client.upsertDeployment({
      name: "policies",
      flowName: "policy-inputs",
      entrypoint: "flows.ts:flow",
      schedules: [{ schedule: { interval: 600 }, overlap: "skip", catchupWindow: 60 }],
    });
    expect(reapplied.schedules.map((schedule) => [schedule.id, schedule.overlap, schedule.catchupWindow])).toEqual([[created.schedules[0]!.id, "skip", 60]]);
    expect([reapplied.catchup, reapplied.overlap]).toEqual(["skip", "allow"]);
    const schedule = await server.client.updateDeploymentSchedule(created.id, created.schedules[0]!.id, { catchup: "all", overlap: null });
    expect([schedule.catchup, schedule.overlap, schedule.catchupWindow]).toEqual(["all", null, 60]);

    for (const [body, field] of [
      [{ overlap: "queue" }, "overlap"],
      [{ catchup: "none" }, "catchup"],
      [{ catchupWindow: "6 hours" }, "catchupWindow"],
      [{ catchupWindow: 0 }, "catchupWindow"],
    ] as const) {
      const response = await server.fetch(`http://localhost/api/deployments/${created.id}`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(JSON.stringify(await response.json())).toContain(field);
    }
  });

  it("deploy() takes them, and names Temporal's spellings", async () => {
    const nightly = flow("policy-inputs-sdk", async () => undefined);
    const deployment = await deployFlow(nightly, {
      name: "sdk",
      entrypoint: "flows.ts:nightly",
      catchup: "latest",
      overlap: "skip",
      schedule: { cron: "0 * * * *", catchup: "all", catchupWindow: "3h" },
      client: server.client,
    });
    expect([deployment.catchup, deployment.overlap, deployment.schedules[0]!.catchup, deployment.schedules[0]!.catchupWindow]).toEqual(["latest", "skip", "all", 10_800]);
    await expect(deployFlow(nightly, { name: "sdk", entrypoint: "flows.ts:nightly", overlapPolicy: "skip", client: server.client } as never)).rejects.toThrow(/unknown deploy option 'overlapPolicy' \(did you mean 'overlap'\?\)/);
    await expect(deployFlow(nightly, { name: "sdk", entrypoint: "flows.ts:nightly", policies: {}, client: server.client } as never)).rejects.toThrow(/overlap, catchup and catchupWindow as options of their own/);
  });
});
