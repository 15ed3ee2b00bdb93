import { describe, expect, it } from "vitest";
import type { OrchestrationApi } from "../../src/client/orchestration-api.js";
import { checkKnownOptions, editDistance, nearestOption } from "../../src/core/option-checks.js";
import { parseDeploymentFile } from "../../src/sdk/deployment-file.js";
import { flow } from "../../src/sdk/flow.js";
import { task } from "../../src/sdk/task.js";
import { compileWorkerOptions } from "../../src/worker/worker-options.js";

// Options come from untyped code (plain JS, YAML, a Python user's habits): the checks run on values the types would refuse.
type Loose = Record<string, unknown>;
const body = async (): Promise<number> => 1;

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toMatchObject({ name: "WeirError", code: "VALIDATION" });
    return (error as Error).message;
  }
  throw new Error("expected a VALIDATION error");
}

async function asyncMessageOf(run: () => Promise<unknown>): Promise<string> {
  const error: unknown = await run().then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toMatchObject({ name: "WeirError", code: "VALIDATION" });
  return (error as Error).message;
}

describe("nearest option", () => {
  it("counts a swap of neighbours as one edit", () => {
    expect(editDistance("retires", "retries")).toBe(1);
    expect(editDistance("retrys", "retries")).toBe(2);
    expect(editDistance("", "abc")).toBe(3);
    expect(nearestOption("Retries", ["name", "retries"])).toBe("retries");
    expect(nearestOption("colour", ["name", "retries"])).toBeNull();
  });

  it("ignores values that are not plain objects", () => {
    expect(() => checkKnownOptions(undefined, { kind: "task", known: [] })).not.toThrow();
    expect(() => checkKnownOptions(["x"], { kind: "task", known: [] })).not.toThrow();
  });
});

describe("task and flow options", () => {
  it("names an unknown task option and the nearest valid one, at definition", () => {
    expect(messageOf(() => task({ name: "x", retrys: 3 } as Loose, body))).toBe("unknown task option 'retrys' (did you mean 'retries'?) in task 'x'");
    expect(messageOf(() => task({ name: "x", retryDelay: 3 } as Loose, body))).toContain("did you mean 'retryDelaySeconds'?");
    expect(messageOf(() => task({ name: "x", retry_delay_seconds: 3 } as Loose, body))).toContain("did you mean 'retryDelaySeconds'?");
    expect(messageOf(() => task({ name: "x", timeout_seconds: 3 } as Loose, body))).toContain("did you mean 'timeoutSeconds'?");
    expect(messageOf(() => task({ name: "x", timeout: 3 } as Loose, body))).toContain("did you mean 'timeoutSeconds'?");
    expect(messageOf(() => task({ name: "x", persist_result: true } as Loose, body))).toContain("did you mean 'persistResult'?");
    expect(messageOf(() => task({ name: "x", task_run_name: "a" } as Loose, body))).toContain("did you mean 'runName'?");
    expect(messageOf(() => task({ name: "x", log_prints: true } as Loose, body))).toContain("logPrints is an option of the flow");
    expect(messageOf(() => task({ name: "x", colour: "red" } as Loose, body))).toMatch(/unknown task option 'colour' \(valid options: name, description, .*retries/);
  });

  it("answers Prefect's cache spellings with Weir's cache option", () => {
    expect(messageOf(() => task({ name: "x", cacheKeyFn: () => "k" } as Loose, body))).toBe(
      "unknown task option 'cacheKeyFn' (Weir writes a cache key function as cache: { policy: (context, args) => key }) in task 'x'",
    );
    expect(messageOf(() => task({ name: "x", cacheExpiration: 60 } as Loose, body))).toContain("did you mean 'cache.expirationSeconds'?");
    expect(messageOf(() => task({ name: "x", cache: { ttl: 60 } } as Loose, body))).toContain("unknown task option 'cache.ttl' (did you mean 'cache.expirationSeconds'?)");
    expect(messageOf(() => task({ name: "x", cache: { key: () => "k" } } as Loose, body))).toContain("cache: { policy: (context, args) => key }");
    expect(messageOf(() => task({ name: "x", cache: { refersh: true } } as Loose, body))).toContain("did you mean 'cache.refresh'?");
  });

  it("checks with() too, and accepts every documented option", () => {
    const ok = task({ name: "x", retries: 1, retryDelaySeconds: [1], retryJitterFactor: 0, timeoutSeconds: 1, cache: { policy: "inputs", expirationSeconds: 1, refresh: false }, persistResult: false, tags: [], description: "d" }, body);
    expect(ok.taskName).toBe("x");
    expect(messageOf(() => ok.with({ retires: 2 } as Loose))).toContain("did you mean 'retries'?");
  });

  it("names an unknown flow option", () => {
    expect(messageOf(() => flow({ name: "f", flow_run_name: "a" } as Loose, body))).toBe("unknown flow option 'flow_run_name' (did you mean 'runName'?) in flow 'f'");
    expect(messageOf(() => flow({ name: "f", log_prints: false } as Loose, body))).toContain("did you mean 'logPrints'?");
    expect(messageOf(() => flow({ name: "f", timeout_seconds: 1 } as Loose, body))).toContain("did you mean 'timeoutSeconds'?");
    expect(messageOf(() => flow({ name: "f", task_runner: 1 } as Loose, body))).toContain("taskConcurrency");
    expect(messageOf(() => flow({ name: "f", retrys: 1 } as Loose, body))).toContain("did you mean 'retries'?");
  });
});

describe("deploy, serve, schedule and worker options", () => {
  const greeting = flow("greeting", body);
  // Never called: the option check comes before any use of the client.
  const client = {} as OrchestrationApi;

  it("refuses unknown deploy options and schedule keys", async () => {
    expect(await asyncMessageOf(() => greeting.deploy({ name: "d", cron: "0 8 * * *", client } as never))).toBe(
      "unknown deploy option 'cron' (put it in schedule: { cron: \"0 8 * * *\", timezone: \"UTC\" } (or interval / rrule)) in deploy() of flow 'greeting'",
    );
    expect(await asyncMessageOf(() => greeting.deploy({ name: "d", work_queue_name: "q", client } as never))).toContain("did you mean 'workQueue'?");
    expect(await asyncMessageOf(() => greeting.deploy({ name: "d", workPoolName: "p", client } as never))).toContain("did you mean 'workPool'?");
    expect(await asyncMessageOf(() => greeting.deploy({ name: "d", schedule: { cron: "0 8 * * *", tz: "UTC" }, client } as never))).toBe(
      "unknown schedule option 'schedule.tz' (did you mean 'schedule.timezone'?)",
    );
    expect(await asyncMessageOf(() => greeting.deploy({ name: "d", schedules: [{ cron: "0 8 * * *" }, { interval: 60, anchor_date: "2026-01-01" }], client } as never))).toContain(
      "unknown schedule option 'schedules.1.anchor_date' (did you mean 'schedules.1.anchorDate'?)",
    );
    expect(await asyncMessageOf(() => greeting.deploy({ name: "d", schedules: [{ schedule: { cron: "0 8 * * *", timzone: "UTC" } }], client } as never))).toContain(
      "'schedules.0.schedule.timzone' (did you mean 'schedules.0.schedule.timezone'?)",
    );
  });

  it("refuses unknown serve options", async () => {
    expect(await asyncMessageOf(() => greeting.serve({ name: "s", workPool: "p", client } as never))).toContain("serve() runs the deployment in this process with no pool");
    expect(await asyncMessageOf(() => greeting.serve({ name: "s", crn: "0 8 * * *", client } as never))).toBe("unknown serve option 'crn' (did you mean 'cron'?) in serve() of flow 'greeting'");
    expect(await asyncMessageOf(() => greeting.serve({ name: "s", schedules: [{ cron: "0 8 * * *", timeZone: "UTC" }], client } as never))).toContain("did you mean 'schedules.0.timezone'?");
  });

  it("refuses unknown worker options", () => {
    expect(messageOf(() => compileWorkerOptions({ client, queues: ["a"] } as never))).toBe("unknown worker option 'queues' (did you mean 'workQueueNames'?)");
    expect(messageOf(() => compileWorkerOptions({ client, limt: 2 } as never))).toContain("did you mean 'limit'?");
  });

  it("names the deployment and the key in weir.yaml", () => {
    const text = "deployments:\n  - name: basic\n    entrypoint: f.ts:a\n    workQueue: q\n    workPool: { name: p, work_queue_name: q }\n    schedules:\n      - { cron: '0 8 * * *', tz: UTC }\n";
    const message = messageOf(() => parseDeploymentFile(text, "/tmp"));
    expect(message).toContain("deployments.0.workQueue (line 4): unknown deployment option 'workQueue' (workPool: { name, workQueue }) in deployment 'basic'");
    expect(message).toContain("deployments.0.workPool.work_queue_name (line 5): unknown deployment option 'workPool.work_queue_name' (did you mean 'workPool.workQueue'?) in deployment 'basic'");
    expect(message).toContain("deployments.0.schedules.0.tz (line 7): unknown schedule option 'tz' (did you mean 'timezone'?) in deployment 'basic'");
  });
});
