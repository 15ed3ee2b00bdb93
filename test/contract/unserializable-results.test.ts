/**
 * Return values JSON cannot hold (a function, a BigInt, a Symbol, a circular object, a Map, NaN,
 * nesting past the limit) are never stored as a silent `null`: the run logs a WARNING naming the
 * type and where it is, and a run whose result must be persisted ends Failed (not Crashed).
 * Runs in this process and over HTTP, on the database WEIR_TEST_DB names.
 */
import { statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrchestrationApi } from "../../src/client/orchestration-api.js";
import { MAX_JSON_DEPTH } from "../../src/core/json-depth.js";
import { flow, getRunContext, setClient, task } from "../../src/index.js";
import { flushAll } from "../../src/sdk/client-provider.js";
import { resultStorageDir } from "../../src/sdk/result-storage.js";
import { createServerTestApp, type ServerTestApp } from "../server/server-test-app.js";
import { useSdkTestClient } from "../helpers/test-orchestration.js";
import { useQuietRunLines } from "../helpers/quiet-run-lines.js";

function circular(): unknown {
  const node: Record<string, unknown> = { name: "loop" };
  node.self = node;
  return { x: { y: node } };
}

function deep(levels: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < levels; level += 1) value = { a: value };
  return { x: value };
}

const UNSERIALIZABLE: Array<[string, () => unknown, RegExp]> = [
  ["a function", () => ({ x: { y: () => 1 } }), /result\.x\.y is a function/],
  ["a BigInt", () => ({ x: { y: 10n } }), /result\.x\.y is a bigint/],
  ["a Symbol", () => ({ x: [1, Symbol("s")] }), /result\.x\[1\] is a symbol/],
  ["a circular object", circular, /result\.x\.y\.self is a circular reference/],
  ["a Map", () => ({ x: new Map([["k", 1]]) }), /result\.x is a Map instance/],
  ["NaN", () => ({ x: Number.NaN }), /result\.x is NaN/],
  ["nesting past the limit", () => deep(MAX_JSON_DEPTH + 5), new RegExp(`nested more than ${MAX_JSON_DEPTH} levels deep`)],
];

/** Run each case as a flow on `api`; returns what was stored for it. */
async function runCases(api: () => OrchestrationApi, persistResult: boolean) {
  const outcomes: Array<{ label: string; stateName: string; result: unknown; warnings: string[]; pattern: RegExp }> = [];
  for (const [label, make, pattern] of UNSERIALIZABLE) {
    let id = "";
    const returning = flow({ name: `returns-${persistResult ? "persisted" : "inline"}`, persistResult }, async () => {
      id = getRunContext().flowRunId!;
      return make();
    });
    await returning().catch(() => undefined);
    await flushAll();
    const run = await api().readFlowRun(id);
    const logs = await api().readLogs({ flowRunId: id, minLevel: "WARNING" });
    outcomes.push({ label, stateName: run.stateName, result: run.state.result, warnings: logs.map((log) => log.message), pattern });
  }
  return outcomes;
}

function expectWarnedAndStored(outcomes: Awaited<ReturnType<typeof runCases>>, stateName: string): void {
  for (const outcome of outcomes) {
    expect({ label: outcome.label, stateName: outcome.stateName }).toEqual({ label: outcome.label, stateName });
    expect(outcome.result ?? null).toBeNull();
    expect(outcome.warnings.length, `${outcome.label}: ${outcome.warnings.join(" | ")}`).toBeGreaterThan(0);
    expect(outcome.warnings[0]).toMatch(outcome.pattern);
  }
}

describe("unserializable results, in this process", () => {
  const { client, database } = useSdkTestClient();
  useQuietRunLines();

  it("keeps a flow Completed without a result, and says which part of its value is what", async () => {
    expectWarnedAndStored(await runCases(() => client, false), "Completed");
  });

  it("ends a flow Failed, not Crashed, when its result must be persisted", async () => {
    const outcomes = await runCases(() => client, true);
    expectWarnedAndStored(outcomes, "Failed");
    const run = (await client.listFlowRuns({ flowNames: ["returns-persisted"] }, { limit: 100 })).items[0]!;
    expect(run.state.error?.message).toMatch(/cannot be stored as JSON: result\./);
  });

  it("ends a task Failed with a WARNING on its task run when its persisted result is a function", async () => {
    let flowRunId = "";
    const makesFunction = task({ name: "makes-function", persistResult: true }, async () => ({ x: { y: () => 1 } }));
    await flow("task-result", async () => {
      flowRunId = getRunContext().flowRunId!;
      await makesFunction();
    })().catch(() => undefined);
    await flushAll();
    const [taskRun] = (await client.listTaskRuns({ flowRunId })).items;
    expect(taskRun?.stateName).toBe("Failed");
    const lines = await client.readLogs({ taskRunId: taskRun!.id, minLevel: "WARNING" });
    expect(lines.filter((log) => log.level === "WARNING").map((log) => log.message)).toEqual([expect.stringMatching(/result of task 'makes-function' cannot be stored as JSON: result\.x\.y is a function/)]);
    // …and the run's last line says how it ended, as every failed run's does.
    expect(lines.at(-1)).toMatchObject({ level: "ERROR", message: expect.stringMatching(/^Finished in state Failed\(/) });
  });

  it("creates result files readable by their owner only, in a folder only its owner can enter", async () => {
    await flow({ name: "persisted", persistResult: true }, async () => ({ secret: 1 }))();
    const dir = resultStorageDir();
    expect(dir.startsWith(database.dir)).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const run = (await client.listFlowRuns({ flowNames: ["persisted"] })).items[0]!;
    const ref = run.state.result as { storageKey: string };
    expect(statSync(`${dir}/${ref.storageKey}`).mode & 0o777).toBe(0o600);
  });
});

describe("unserializable results, over HTTP", () => {
  let server: ServerTestApp;
  beforeAll(async () => {
    server = await createServerTestApp();
    setClient(server.client);
  });
  afterAll(async () => {
    await flushAll();
    setClient(null);
    await server.close();
  });

  it("warns and keeps Completed inline, ends Failed when persisted", async () => {
    const previousHome = process.env.WEIR_HOME;
    process.env.WEIR_HOME = server.database.dir;
    try {
      expectWarnedAndStored(await runCases(() => server.client, false), "Completed");
      expectWarnedAndStored(await runCases(() => server.client, true), "Failed");
    } finally {
      if (previousHome === undefined) delete process.env.WEIR_HOME;
      else process.env.WEIR_HOME = previousHome;
    }
  });
});
