/**
 * `npm start` end to end: the quickstart starts a real server and a real worker (child
 * processes), applies weir.yaml, triggers the pipeline deployment, and exits 0 once the run is
 * Completed (WEIR_QUICKSTART_EXIT=1). The run's artifacts and outputs are then checked in the
 * database the server used (SQLite or PostgreSQL per WEIR_TEST_DB).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "../../src/client/connect.js";
import type { OrchestrationApi } from "../../src/client/orchestration-api.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
let database: TestDatabase;
let quickstart: ChildProcess | undefined;
let client: OrchestrationApi | undefined;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  if (quickstart !== undefined && quickstart.exitCode === null && quickstart.signalCode === null) {
    const exited = new Promise((resolve) => quickstart?.once("exit", resolve));
    quickstart.kill("SIGTERM");
    await exited;
  }
  await client?.close();
  await database.dispose();
});

describe("npm start (examples/quickstart.ts)", () => {
  it("serves the dashboard, deploys weir.yaml, runs a worker and completes one pipeline run", { timeout: 180_000 }, async () => {
    const port = await freePort();
    const outputDir = join(database.dir, "pipeline-output");
    quickstart = spawn(process.execPath, ["--import", "tsx", "examples/quickstart.ts", "--param", `outputDir=${outputDir}`], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        WEIR_PORT: String(port),
        WEIR_HOME: join(database.dir, "home"),
        WEIR_DATABASE_URL: database.url,
        WEIR_QUICKSTART_EXIT: "1",
        WEIR_API_URL: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    quickstart.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    quickstart.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => quickstart?.once("exit", resolve));
    expect(code, output).toBe(0);
    expect(output).toContain(`Dashboard:  http://localhost:${port}/`);
    const runUrl = new RegExp(`http://localhost:${port}/runs/([0-9a-f-]{36})`).exec(output);
    expect(runUrl, output).not.toBeNull();
    expect(output).toMatch(/finished: Completed/);

    client = connect({ databaseUrl: database.url, env: {} });
    const run = await client.readFlowRun(runUrl?.[1] ?? "");
    expect(run).toMatchObject({ stateName: "Completed", flowName: "data-preprocessing" });
    const deployments = await client.listDeployments();
    expect(deployments.items.map((deployment) => deployment.name).sort()).toEqual(["basic_greeting", "daily"]);
    const artifacts = await client.listArtifacts({ flowRunId: run.id });
    expect(artifacts.items.map((artifact) => artifact.key).sort()).toEqual([
      "data-preprocessing-features",
      "data-preprocessing-quality",
      "data-preprocessing-row-counts",
      "data-preprocessing-summary",
    ]);
    const versions = readdirSync(outputDir).filter((name) => !name.startsWith(".") && name !== "latest.json");
    expect(versions).toHaveLength(1);
    expect(existsSync(join(outputDir, versions[0] ?? "", "train.parquet"))).toBe(true);
  });
});
