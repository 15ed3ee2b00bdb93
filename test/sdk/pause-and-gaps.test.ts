/**
 * Typed pause in process (the input checked by the server against the stored JSON Schema and
 * typed by the zod schema; a timeout that says so; options checked; suspend refused for a run no
 * worker could pick up) and the small gaps of issue 15: `runDeployment({ idempotencyKey })`, and a
 * schedule paused in the dashboard that stays paused when weir.yaml is applied again unchanged.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { flow, getRunContext, pauseFlowRun, runDeployment, suspendFlowRun } from "../../src/index.js";
import { applyDeploymentFile } from "../../src/sdk/deployment-file.js";
import { REPO_ROOT } from "../helpers/run-process.js";
import { openSdkHarness, type SdkHarness } from "./sdk-harness.js";

let harness: SdkHarness;
beforeAll(async () => {
  harness = await openSdkHarness();
});
afterAll(async () => harness.close());

/** Resolves with the run's id once it is in state `name`. */
async function whenIn(ids: { id: string }, name: string): Promise<string> {
  for (let tries = 0; tries < 4000; tries += 1) {
    if (ids.id !== "" && (await harness.client.readFlowRun(ids.id)).stateName === name) return ids.id;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`run never ${name}`);
}

describe("pauseFlowRun with a schema", () => {
  it("stores the schema, refuses input of the wrong type naming the field, and returns the typed input", async () => {
    const seen = { id: "" };
    const f = flow("typed-approval", async () => {
      seen.id = getRunContext().flowRunId!;
      const input = await pauseFlowRun({ input: z.object({ approved: z.boolean(), note: z.string().optional() }), timeoutSeconds: 600, pollIntervalSeconds: 5 });
      // Typed from the schema (this line would not compile if `approved` were unknown).
      const approved: boolean = input.approved;
      return { approved, note: input.note ?? null };
    });
    const running = f();
    const id = await whenIn(seen, "Paused");
    const paused = await harness.client.readFlowRun(id);
    expect(paused.state.details).toMatchObject({ pauseKey: "pause-1", inputSchema: { type: "object", required: ["approved"] } });
    await expect(harness.client.resumeFlowRun(id, { approved: "yes" })).rejects.toMatchObject({
      code: "VALIDATION",
      details: { issues: [{ path: "input.approved", message: "must be boolean, got string" }] },
    });
    await expect(harness.client.resumeFlowRun(id)).rejects.toMatchObject({ details: { issues: [{ path: "input.approved", message: "is required" }] } });
    expect((await harness.client.readFlowRun(id)).stateName).toBe("Paused");
    await harness.client.resumeFlowRun(id, { approved: true, note: "ok" });
    expect(await running).toEqual({ approved: true, note: "ok" });
  });

  it("fails the run with a clear message when nobody resumes it in time", async () => {
    const f = flow("never-resumed", async () => pauseFlowRun({ input: z.object({ approved: z.boolean() }), timeoutSeconds: 60, pollIntervalSeconds: 10 }));
    await expect(f()).rejects.toThrow(/^flow run '[a-z-]+-\d+' paused for input for 60 s without a resume$/);
    const { items } = await harness.client.listFlowRuns({ flowNames: ["never-resumed"] });
    expect(items[0]!.stateName).toBe("Failed");
    expect(items[0]!.state.message).toMatch(/paused for input for 60 s without a resume/);
  });

  it("checks its options, naming the right spelling", async () => {
    const f = flow("misspelt-pause", async () => pauseFlowRun({ timeout: 60 } as never));
    await expect(f()).rejects.toThrow("unknown pauseFlowRun option 'timeout' (did you mean 'timeoutSeconds'?)");
    const g = flow("bad-timeout", async () => pauseFlowRun({ timeoutSeconds: 0 }));
    await expect(g()).rejects.toThrow(/timeoutSeconds: must be a number > 0/);
  });

  it("refuses to suspend a run with no deployment, which nothing could pick up again", async () => {
    const f = flow("not-deployed", async () => suspendFlowRun({ input: z.object({ approved: z.boolean() }) }));
    await expect(f()).rejects.toThrow(/suspendFlowRun\(\): flow run '[a-z-]+-\d+' has no deployment, so no worker could start it again once its process exits; use pauseFlowRun\(\)/);
    const { items } = await harness.client.listFlowRuns({ flowNames: ["not-deployed"] });
    expect(items[0]!.stateName).toBe("Failed");
  });
});

describe("runDeployment({ idempotencyKey })", () => {
  it("creates one run per key", async () => {
    await harness.client.upsertFlow({ name: "keyed-target" });
    await harness.client.upsertDeployment({ name: "keyed", flowName: "keyed-target", entrypoint: "flows.ts:target" });
    const first = await runDeployment("keyed-target/keyed", { day: "mon" }, { wait: false, idempotencyKey: "report-2026-01-01" });
    const again = await runDeployment("keyed-target/keyed", { day: "mon" }, { wait: false, idempotencyKey: "report-2026-01-01" });
    const other = await runDeployment("keyed-target/keyed", { day: "mon" }, { wait: false, idempotencyKey: "report-2026-01-02" });
    expect(again.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
    expect(first.idempotencyKey).toBe("report-2026-01-01");
  });
});

describe("weir.yaml applied again", () => {
  it("keeps a schedule paused in the dashboard paused (same id), unless the file says active", async () => {
    const dir = mkdtempSync(join(harness.database.dir, "yaml-"));
    const file = join(dir, "weir.yaml");
    const yaml = (extra: string): string => `deployments:
  - name: nightly
    entrypoint: ${join(REPO_ROOT, "test/worker/fixtures/worker-flows.ts")}:quick
    parameters: { index: 1 }
    schedules:
      - cron: "0 8 * * *"
        timezone: Asia/Phnom_Penh${extra}
      - interval: 3600
`;
    writeFileSync(file, yaml(""));
    const [deployment] = await applyDeploymentFile({ file, client: harness.client });
    const [daily, hourly] = deployment!.schedules;
    await harness.client.updateDeploymentSchedule(deployment!.id, daily!.id, { isActive: false });

    const [again] = await applyDeploymentFile({ file, client: harness.client });
    expect(again!.schedules.map((schedule) => [schedule.id, schedule.isActive])).toEqual([[daily!.id, false], [hourly!.id, true]]);

    // Saying `active: true` in the file is a change: the file wins.
    writeFileSync(file, yaml("\n        active: true"));
    const [activated] = await applyDeploymentFile({ file, client: harness.client });
    const cron = activated!.schedules.find((schedule) => "cron" in schedule.schedule);
    expect(cron!.isActive).toBe(true);
    expect(activated!.schedules.find((schedule) => "interval" in schedule.schedule)!.id).toBe(hourly!.id);
  });
});
