/**
 * `npm start` end to end: the quickstart starts a real server and a real worker (child
 * processes), applies weir.yaml and triggers the pipeline deployment. Once the run is Completed,
 * its artifacts are checked in the database the server used (SQLite or PostgreSQL per
 * WEIR_TEST_DB) and on the dashboard's run page in Chromium; then Ctrl-C (SIGINT) must stop
 * everything and exit 0. (The quickstart builds the dashboard itself when ui/dist is missing.)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { connect } from "../../src/client/connect.js";
import type { OrchestrationApi } from "../../src/client/orchestration-api.js";
import { REPO_ROOT } from "../helpers/run-process.js";
import { useTestDatabase } from "../helpers/test-database.js";

const CHROMIUM = process.env.WEIR_CHROMIUM ?? "/usr/bin/chromium";
const database = useTestDatabase();
let quickstart: ChildProcess | undefined;
let client: OrchestrationApi | undefined;
let browser: Browser | undefined;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Resolves with the output once `pattern` appears; rejects if the process exits first. */
function waitForOutput(child: ChildProcess, read: () => string, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(read());
      if (match === null) return;
      cleanup();
      resolve(match);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`quickstart exited (${code}) before ${pattern}:\n${read()}`));
    };
    const cleanup = () => {
      child.stdout?.off("data", check);
      child.stderr?.off("data", check);
      child.off("exit", onExit);
    };
    child.stdout?.on("data", check);
    child.stderr?.on("data", check);
    child.once("exit", onExit);
    check();
  });
}

afterAll(async () => {
  await browser?.close();
  if (quickstart !== undefined && quickstart.exitCode === null && quickstart.signalCode === null) {
    const exited = new Promise((resolve) => quickstart?.once("exit", resolve));
    quickstart.kill("SIGTERM");
    await exited;
  }
  await client?.close();
});

describe("npm start (examples/quickstart.ts)", () => {
  it("serves the dashboard, deploys weir.yaml, runs a worker, completes a pipeline run and stops on Ctrl-C", { timeout: 240_000 }, async () => {
    const port = await freePort();
    const outputDir = join(database.dir, "pipeline-output");
    const child = spawn(process.execPath, ["--import", "tsx", "examples/quickstart.ts", "--param", `outputDir=${outputDir}`], {
      cwd: REPO_ROOT,
      env: { ...process.env, WEIR_PORT: String(port), WEIR_HOME: join(database.dir, "home"), WEIR_DATABASE_URL: database.url, WEIR_API_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    quickstart = child;
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));

    const [, runId] = await waitForOutput(child, () => output, new RegExp(`Pipeline run .*http://localhost:${port}/runs/([0-9a-f-]{36})`));
    expect(output).toContain(`Dashboard:  http://localhost:${port}/`);
    const [, finalState] = await waitForOutput(child, () => output, /finished: (\w+)/);
    expect(finalState, output).toBe("Completed");

    client = connect({ databaseUrl: database.url, env: {} });
    const flowRun = await client.readFlowRun(runId ?? "");
    expect(flowRun).toMatchObject({ stateName: "Completed", flowName: "data-preprocessing" });
    const deployments = await client.listDeployments();
    expect(deployments.items.map((deployment) => deployment.name).sort()).toEqual(["basic_greeting", "daily"]);
    const artifacts = await client.listArtifacts({ flowRunId: flowRun.id });
    expect(artifacts.items.map((artifact) => artifact.key).sort()).toEqual([
      "data-preprocessing-features",
      "data-preprocessing-quality",
      "data-preprocessing-row-counts",
      "data-preprocessing-summary",
    ]);
    const versions = readdirSync(outputDir).filter((name) => !name.startsWith(".") && name !== "latest.json");
    expect(versions).toHaveLength(1);
    expect(existsSync(join(outputDir, versions[0] ?? "", "train.parquet"))).toBe(true);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    const page = await browser.newPage();
    await page.goto(`http://localhost:${port}/runs/${flowRun.id}`);
    await page.getByText("Data preprocessing: seattle-weather").first().waitFor({ timeout: 30_000 });
    await page.getByRole("cell", { name: "split: train" }).first().waitFor({ timeout: 30_000 });
    await browser.close();
    browser = undefined;

    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    expect(await exited, output).toBe(0);
    expect(output).toContain("[server] Weir server stopped");
  });
});
