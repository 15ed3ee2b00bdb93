/**
 * DEPLOY's CLI commands as real `weir` processes over the embedded database: `deploy` from a
 * weir.yaml, `deployment ls|inspect|run|pause|resume`, `deployment schedule ls|create|pause|resume|delete`, `work-pool create|ls|inspect|pause|resume`,
 * `work-queue create|ls`; tables by default, `--json` for scripts, clear errors, exit codes.
 */
import { describe, expect, it } from "vitest";
import { runCli, useCliEnv } from "../cli/run-cli.js";
import { useTestDatabase } from "../helpers/test-database.js";

const env = useCliEnv(useTestDatabase());

async function weir(...args: string[]) {
  return runCli(args, env, 60_000);
}

describe("deployment commands", () => {
  it("deploys from a weir.yaml and lists, inspects, pauses and runs deployments", { timeout: 300_000 }, async () => {
    const deployed = await weir("deploy", "--all", "--file", "test/worker/fixtures/weir.yaml");
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(deployed.stdout).toContain("Deployed sleeper/napping → default/naps, cron 30 2 * * * (America/New_York)");
    expect(deployed.stdout).toContain("Deployed quick/fast");

    const listed = await weir("deployment", "ls");
    expect(listed.stdout).toMatch(/NAME\s+POOL\/QUEUE/);
    expect(listed.stdout).toContain("sleeper/napping");

    const inspected = await weir("deployment", "inspect", "napping");
    expect(inspected.stdout).toMatch(/entrypoint\s+worker-flows\.ts:sleeper/);
    expect(inspected.stdout).toMatch(/next run\s+\d{4}-\d\d-\d\dT0[67]:30:00\.000Z/);

    expect((await weir("deployment", "pause", "sleeper/napping")).stdout).toContain("paused");
    expect((await weir("deployment", "resume", "sleeper/napping")).stdout).toContain("resumed");

    const run = await weir("deployment", "run", "sleeper/napping", "--param", "seconds=2", "--json");
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ parameters: { seconds: 2 }, stateName: "Scheduled", workQueueName: "naps" });
    // A value of the wrong type is a usage error naming the expected type, before anything is created.
    const bad = await weir("deployment", "run", "sleeper/napping", "--param", "seconds=soon");
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toMatch(/'seconds' expects a(n)? (number|integer)/);
    const misspelt = await weir("deployment", "run", "sleeper/napping", "--param", "secs=2");
    expect(misspelt.code).toBe(2);
    expect(misspelt.stderr).toContain("unknown parameter 'secs' for deployment 'sleeper/napping'; its parameters are: seconds");
    const unknown = await weir("deployment", "inspect", "sleeper/nothing");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("deployment 'sleeper/nothing' not found");
  });

  it("lists, creates, pauses, resumes and deletes a deployment's schedules", { timeout: 300_000 }, async () => {
    expect((await weir("deploy", "--all", "--file", "test/worker/fixtures/weir.yaml")).code).toBe(0);
    const listed = await weir("deployment", "schedule", "ls", "sleeper/napping");
    expect(listed.stdout).toMatch(/1\s+\S+\s+cron 30 2 \* \* \* \(America\/New_York\)\s+\{"seconds":1\}/);
    expect(listed.stdout).toMatch(/2\s+\S+\s+every 3600s \(UTC\) \[inactive\]/);

    const created = await weir("deployment", "schedule", "create", "sleeper/napping", "--interval", "3600", "--timezone", "Europe/London", "--param", "seconds=1", "--json");
    expect(created.code, created.stderr).toBe(0);
    const schedule = JSON.parse(created.stdout) as { id: string; schedule: unknown; parameters: unknown; isActive: boolean };
    expect(schedule).toMatchObject({ schedule: { interval: 3600, timezone: "Europe/London" }, parameters: { seconds: 1 }, isActive: true });
    const paused = await weir("deployment", "schedule", "pause", "sleeper/napping", "3");
    expect(paused.stdout).toContain("Schedule every 3600s (Europe/London) [inactive] of sleeper/napping paused");
    expect((await weir("deployment", "schedule", "resume", "sleeper/napping", schedule.id)).stdout).toContain("resumed");
    const all = JSON.parse((await weir("deployment", "schedule", "ls", "sleeper/napping", "--json")).stdout) as { id: string; isActive: boolean }[];
    expect(all.map((s) => s.isActive)).toEqual([true, false, true]);

    const badZone = await weir("deployment", "schedule", "create", "sleeper/napping", "--cron", "0 8 * * *", "--timezone", "Mars/Olympus");
    expect(badZone.code).toBe(1);
    expect(badZone.stderr).toContain('unknown time zone "Mars/Olympus"');
    const twoKinds = await weir("deployment", "schedule", "create", "sleeper/napping", "--cron", "0 8 * * *", "--interval", "60");
    expect(twoKinds.code).toBe(2);
    expect(twoKinds.stderr).toContain("give exactly one of --cron EXPR, --interval SECONDS or --rrule RULE");
    const missing = await weir("deployment", "schedule", "delete", "sleeper/napping", "7");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("deployment 'sleeper/napping' has no schedule '7': give a number from 1 to 3");

    expect((await weir("deployment", "schedule", "delete", "sleeper/napping", schedule.id)).stdout).toContain("Deleted schedule every 3600s (Europe/London)");
    const left = JSON.parse((await weir("deployment", "schedule", "ls", "sleeper/napping", "--json")).stdout) as { id: string }[];
    expect(left.map((s) => s.id)).toEqual(all.slice(0, 2).map((s) => s.id));
  });

  it("refuses a bad --warm-spares with a usage error naming the option", { timeout: 60_000 }, async () => {
    const bad = await weir("worker", "start", "--pool", "default", "--warm-spares", "two");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("invalid --warm-spares 'two'");
  });

  it("creates, lists, inspects, pauses and resumes work pools and queues", { timeout: 300_000 }, async () => {
    expect((await weir("work-pool", "create", "gpu", "--limit", "3")).stdout).toContain("Created work pool 'gpu'");
    expect((await weir("work-queue", "create", "urgent", "--pool", "gpu", "--priority", "1")).stdout).toContain("priority 1");
    const pools = await weir("work-pool", "ls");
    expect(pools.stdout).toMatch(/gpu\s+process\s+3/);
    const queues = JSON.parse((await weir("work-queue", "ls", "--pool", "gpu", "--json")).stdout) as { name: string }[];
    expect(queues.map((q) => q.name).sort()).toEqual(["default", "urgent"]);
    expect((await weir("work-pool", "pause", "gpu")).stdout).toContain("paused");
    const inspected = await weir("work-pool", "inspect", "gpu");
    expect((await weir("work-pool", "resume", "gpu")).stdout).toContain("resumed");
    expect(inspected.stdout).toMatch(/status\s+paused/);
    expect(inspected.stdout).toContain("urgent");
    const duplicate = await weir("work-pool", "create", "gpu");
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain("already exists");
  });
});
