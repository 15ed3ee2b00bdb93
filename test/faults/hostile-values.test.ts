/**
 * Fault suite (fast, also in `npm run check`): hostile values over a real server. A `weir run`
 * process whose flow logs, fails with and returns NULs ends Failed / Completed with U+FFFD in
 * their place (same outcome on both engines, no line lost), and parameters nested 5,000 objects
 * or 100,000 arrays deep are refused with 422, never 500.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import { runProcess, REPO_ROOT } from "../helpers/run-process.js";
import { useTestServer } from "../helpers/test-server.js";
import { serverEnv } from "../worker/worker-test-kit.js";
import { recordFaultFigures } from "./fault-figures.js";

const FLOW = fileURLToPath(new URL("./fixtures/hostile-flows.ts", import.meta.url));
const FFFD = "\uFFFD";

const { database, server } = useTestServer();
let client: HttpClient;

beforeAll(() => {
  client = new HttpClient({ apiUrl: server.url });
});

afterAll(async () => {
  await client?.close();
});

describe("hostile values over a real server", () => {
  it("stores NULs of a log line, an error and a result as U+FFFD through `weir run`", { timeout: 60_000 }, async () => {
    const env = { ...serverEnv(server.url, database.dir), WEIR_LOGGING_QUIET: "1" };
    const [failing, returning] = await Promise.all(
      [true, false].map((fail) => runProcess(process.execPath, [`${REPO_ROOT}bin/weir.js`, "run", `${FLOW}:nul`, "--param", `fail=${fail}`], env, 50_000)),
    );
    expect(failing?.code).not.toBe(0);
    expect(returning?.code, returning?.stderr).toBe(0);
    const runs = (await client.listFlowRuns({ flowNames: ["nul"] })).items;
    const failed = runs.find((run) => run.stateType === "FAILED");
    const completed = runs.find((run) => run.stateType === "COMPLETED");
    expect(failed?.state.message).toContain(`bad${FFFD}byte`);
    expect(completed?.state.result).toEqual({ kind: "inline", value: { text: `a${FFFD}b` } });
    for (const run of [failed, completed]) {
      expect((await client.readLogs({ flowRunId: run?.id })).map((log) => log.message)).toContain(`before${FFFD}after`);
    }
  });

  it("refuses parameters nested 5,000 objects or 100,000 arrays deep with 422", async () => {
    await client.upsertFlow({ name: "deep" });
    const statuses: number[] = [];
    for (const value of [`${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`, `${"[".repeat(100_000)}${"]".repeat(100_000)}`]) {
      const response = await fetch(`${server.url}/api/flow-runs`, { method: "POST", headers: { "content-type": "application/json" }, body: `{"flowName":"deep","parameters":{"value":${value}}}` });
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    expect(statuses).toEqual([422, 422]);
    expect(await client.countFlowRuns({ flowNames: ["deep"] })).toBe(0);
    recordFaultFigures("deep-nesting-http", { statuses: statuses.join(",") });
  });
});
