/**
 * Hostile values over HTTP: bodies nested far deeper than any real data get 422 naming the limit
 * (never a 500 from a stack overflow), values at the limit are stored, and NUL characters in log
 * lines, error messages and results are stored as U+FFFD instead of failing the write.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogInput } from "../../src/core/api-types.js";
import { MAX_JSON_DEPTH } from "../../src/core/json-depth.js";
import { makeState } from "../../src/core/states.js";
import { IN_PROCESS_URL, createServerTestApp, type ServerTestApp } from "./server-test-app.js";

let server: ServerTestApp;
beforeAll(async () => {
  server = await createServerTestApp();
});
afterAll(async () => {
  await server.close();
});

/** JSON text of `depth` nested arrays (built as text: `JSON.stringify` itself overflows on them). */
function nestedArrays(depth: number): string {
  return `${"[".repeat(depth)}${"]".repeat(depth)}`;
}

/** JSON text of `depth` nested objects `{"a":{"a":…1}}`. */
function nestedObjects(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

async function send(method: string, path: string, body: string): Promise<{ status: number; body: { error?: { code: string; message: string } } }> {
  const response = await server.fetch(`${IN_PROCESS_URL}${path}`, { method, headers: { "content-type": "application/json" }, body });
  return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string } } };
}

describe("deeply nested values", () => {
  const deepValues = [
    ["5,000 nested objects", nestedObjects(5000)],
    ["100,000 nested arrays", nestedArrays(100_000)],
  ] as const;

  for (const [label, deep] of deepValues) {
    it(`refuses ${label} with 422 naming the limit, wherever a JSON value is accepted`, async () => {
      const run = await server.client.createFlowRun({ flowName: "deep" });
      const cases: Array<[string, string, string]> = [
        ["POST", "/api/flow-runs", `{"flowName":"deep","parameters":{"x":${deep}}}`],
        ["PUT", "/api/variables/deep_value", `{"value":${deep}}`],
        ["POST", "/api/artifacts", `{"type":"table","data":${deep},"flowRunId":"${run.id}"}`],
        ["POST", `/api/flow-runs/${run.id}/set-state`, `{"state":{"id":"${crypto.randomUUID()}","timestamp":"${new Date().toISOString()}","type":"COMPLETED","name":"Completed","result":{"kind":"inline","value":${deep}}}}`],
        ["POST", "/api/deployments", `{"flowName":"deep","name":"d","entrypoint":"flow.ts:deep","workPoolName":"default","jobVariables":{"x":${deep}}}`],
      ];
      for (const [method, path, body] of cases) {
        const answer = await send(method, path, body);
        expect({ method, path, status: answer.status }).toEqual({ method, path, status: 422 });
        expect(answer.body.error?.message).toContain(`the limit is ${MAX_JSON_DEPTH}`);
      }
      expect((await server.client.readFlowRun(run.id)).stateName).toBe("Pending");
    });
  }

  it(`stores values nested exactly ${MAX_JSON_DEPTH} levels`, async () => {
    // parameters (1) → x (2) → … : the limit counts the parameters object itself.
    const created = await send("POST", "/api/flow-runs", `{"flowName":"deep","parameters":{"x":${nestedArrays(MAX_JSON_DEPTH - 1)}}}`);
    expect(created.status).toBe(200);
    const tooDeep = await send("POST", "/api/flow-runs", `{"flowName":"deep","parameters":{"x":${nestedArrays(MAX_JSON_DEPTH)}}}`);
    expect(tooDeep.status).toBe(422);
    const variable = await send("PUT", "/api/variables/at_limit", `{"value":${nestedObjects(MAX_JSON_DEPTH - 1)}}`);
    expect(variable.status).toBe(200);
  });
});

describe("NUL characters over HTTP", () => {
  it("stores a batch of 100 log lines with a NUL in one, all of them", async () => {
    const run = await server.client.createFlowRun({ flowName: "nul" });
    const timestamp = new Date().toISOString();
    const logs: LogInput[] = Array.from({ length: 100 }, (_, index) => ({ flowRunId: run.id, level: "INFO", name: "weir.test", message: `line ${index}${index === 42 ? "\u0000" : ""}`, timestamp }));
    await server.client.appendLogs(logs);
    const stored = await server.client.readLogs({ flowRunId: run.id, limit: 1000 });
    expect(stored.map((log) => log.message)).toEqual(Array.from({ length: 100 }, (_, index) => `line ${index}${index === 42 ? "\ufffd" : ""}`));
  });

  it("ends a run Failed with a NUL in its error, and Completed with one in its result", async () => {
    const failing = await server.client.createFlowRun({ flowName: "nul" });
    await server.client.setFlowRunState(failing.id, { state: makeState("Running") });
    const failed = await server.client.setFlowRunState(failing.id, {
      state: makeState("Failed", { message: "boom\u0000", error: { name: "Error\u0000", message: "boom\u0000", stack: "at \u0000" } }),
    });
    expect(failed.status).toBe("ACCEPT");
    expect(await server.client.readFlowRun(failing.id)).toMatchObject({ stateName: "Failed", state: { message: "boom\ufffd", error: { name: "Error\ufffd", message: "boom\ufffd", stack: "at \ufffd" } } });

    const succeeding = await server.client.createFlowRun({ flowName: "nul" });
    await server.client.setFlowRunState(succeeding.id, { state: makeState("Running") });
    await server.client.setFlowRunState(succeeding.id, { state: makeState("Completed", { result: { kind: "inline", value: { "k\u0000": ["v\u0000", "\ud800"] } } }) });
    expect(await server.client.readFlowRun(succeeding.id)).toMatchObject({ stateName: "Completed", state: { result: { kind: "inline", value: { "k\ufffd": ["v\ufffd", "\ufffd"] } } } });
  });
});
