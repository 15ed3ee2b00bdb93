/**
 * Two "machines" (processes with separate WEIR_HOMEs and working directories) against one server
 * on the database WEIR_TEST_DB names share a cached task result through the result store: the
 * second run's tasks end Cached and their bodies do not run (the marker file says so), with
 * `server` storage (the default with WEIR_API_URL) and with `s3://` storage (moto, a local
 * S3-protocol stand-in, see moto-server.ts).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import { runScript } from "../helpers/run-process.js";
import { useTestServer } from "../helpers/test-server.js";
import { createBucket, MOTO_SKIP_REASON, startMoto, type MotoServer } from "./moto-server.js";

const FIXTURE = "test/results/fixtures/cached-flow.ts";

interface FlowOutput {
  flowRunId: string;
  size: number;
  checksum: number;
  info: { label: string };
}

const { server } = useTestServer();
const scratch = mkdtempSync(join(tmpdir(), "weir-shared-cache-"));
let client: HttpClient;
beforeAll(() => {
  client = new HttpClient({ apiUrl: server.url, retries: 0 });
});
afterAll(async () => {
  await client.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Run the fixture as one machine: its own WEIR_HOME, nothing of this process's WEIR_* settings. */
async function runOn(machine: string, marker: string, extraEnv: Record<string, string>): Promise<FlowOutput> {
  const home = join(scratch, machine, "home");
  mkdirSync(home, { recursive: true });
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: join(scratch, machine), WEIR_HOME: home, WEIR_API_URL: server.url, WEIR_LOGGING_QUIET: "1", ...extraEnv };
  const result = await runScript(FIXTURE, [marker, machine.replace(/-[ab]$/, "")], env, 120_000);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!) as FlowOutput;
}

async function taskStates(flowRunId: string): Promise<Record<string, string>> {
  const runs = (await client.listTaskRuns({ flowRunId })).items;
  return Object.fromEntries(runs.map((run) => [run.taskKey, run.stateName]));
}

async function expectShared(label: string, extraEnv: Record<string, string>, storeUrl: string): Promise<void> {
  const marker = join(scratch, `${label}.marker`);
  const first = await runOn(`${label}-a`, marker, extraEnv);
  expect(readFileSync(marker, "utf8").trim().split("\n")).toHaveLength(2);
  expect(await taskStates(first.flowRunId)).toEqual({ expensive: "Completed", summary: "Completed" });
  const [expensiveRun] = (await client.listTaskRuns({ flowRunId: first.flowRunId, taskKey: "expensive" })).items;
  expect(expensiveRun!.state.result).toMatchObject({ kind: "stored", serializer: "bytes", store: storeUrl });

  const second = await runOn(`${label}-b`, marker, extraEnv);
  // Neither body ran on the second machine.
  expect(readFileSync(marker, "utf8").trim().split("\n")).toHaveLength(2);
  expect(await taskStates(second.flowRunId)).toEqual({ expensive: "Cached", summary: "Cached" });
  expect({ ...second, flowRunId: "" }).toEqual({ ...first, flowRunId: "" });
  expect(second.size).toBe(1024 * 1024);
}

describe("a cached task result shared by two machines", () => {
  it("through server storage (the default with WEIR_API_URL)", async () => {
    await expectShared("server", {}, "server");
  }, 240_000);

  describe.skipIf(MOTO_SKIP_REASON !== null)(`through s3:// storage (moto, an S3-protocol stand-in)${MOTO_SKIP_REASON === null ? "" : ` (skipped: ${MOTO_SKIP_REASON})`}`, () => {
    let moto: MotoServer | null = null;
    beforeAll(async () => {
      moto = await startMoto();
      await createBucket(moto, "shared-results");
    }, 300_000);
    afterAll(async () => {
      await moto?.stop();
    });

    it("with WEIR_RESULT_STORAGE=s3://bucket/prefix", async () => {
      await expectShared("s3", { ...moto!.env, WEIR_RESULT_STORAGE: "s3://shared-results/cache" }, "s3://shared-results/cache");
    }, 240_000);
  });
});
