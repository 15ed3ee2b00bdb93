// `weir flow-run logs --follow` over HTTP: a real server, the CLI as a child process talking to it
// through a counting proxy, and this test writing the run's lines and states meanwhile. The CLI
// must print every line once (backlog and live), follow the stream instead of polling, and exit
// with the run: 0 when it completed, 1 when it failed.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import { makeState } from "../../src/core/states.js";
import { startServer, type RunningServer } from "../../src/server/start-server.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";
import { cliEnv, runCli, type CliResult } from "./run-cli.js";

let database: TestDatabase;
let server: RunningServer;
let proxy: Server;
let writer: HttpClient;
let env: NodeJS.ProcessEnv;
/** Requests the CLI made, by `METHOD /path`. */
const requestCounts = new Map<string, number>();

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer({ port: 0, databaseUrl: database.url, runServices: false, uiDir: null, log: () => undefined });
  proxy = createServer((incoming, outgoing) => {
    const target = new URL(incoming.url ?? "/", server.url);
    const key = `${incoming.method ?? "GET"} ${target.pathname}`;
    requestCounts.set(key, (requestCounts.get(key) ?? 0) + 1);
    const upstream = request(target, { method: incoming.method, headers: incoming.headers }, (response) => {
      outgoing.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(outgoing);
    });
    upstream.on("error", () => outgoing.destroy());
    outgoing.on("close", () => upstream.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  writer = new HttpClient({ apiUrl: `${server.url}/api` });
  // No usable database for the CLI: everything goes through the proxy to the server.
  env = cliEnv(`sqlite://${database.dir}/unused/never-opened.db`, database.dir, { WEIR_API_URL: `${proxyUrl}/api` });
});

afterAll(async () => {
  await writer?.close();
  proxy?.closeAllConnections();
  await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
  await server?.close();
  await database?.dispose();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runningFlowRun(flowName: string) {
  const run = await writer.createFlowRun({ flowName });
  await writer.setFlowRunState(run.id, { state: makeState("Running") });
  return run;
}

async function writeLines(flowRunId: string, from: number, count: number): Promise<void> {
  const timestamp = new Date().toISOString();
  await writer.appendLogs(Array.from({ length: count }, (_, i) => ({ flowRunId, level: "INFO" as const, name: "test", message: `line ${from + i}`, timestamp })));
}

/** Start `weir flow-run logs <id> --follow`; `printed` resolves once stdout contains `text`. */
function follow(flowRunId: string, text: string): { printed: Promise<void>; done: Promise<CliResult> } {
  let announce: () => void = () => undefined;
  const printed = new Promise<void>((resolve) => (announce = resolve));
  const done = runCli(["flow-run", "logs", flowRunId, "--follow"], env, 90_000, (soFar) => {
    if (soFar.includes(text)) announce();
  });
  return { printed: Promise.race([printed, done.then((result) => Promise.reject(new Error(`the CLI ended early: ${result.stderr}`)))]), done };
}

const lineNumbers = (stdout: string): number[] => [...stdout.matchAll(/line (\d+)$/gm)].map((match) => Number(match[1]));

describe("weir flow-run logs --follow over HTTP", { timeout: 120_000 }, () => {
  it("prints the backlog and the live lines each once, in order, from the stream, and exits 0 when the run completes", async () => {
    const run = await runningFlowRun("followed");
    await writeLines(run.id, 0, 300);
    requestCounts.clear();
    const cli = follow(run.id, "line 300");
    // Lines keep coming while the CLI starts, subscribes and reads the backlog …
    let next = 300;
    let isPrinting = false;
    void cli.printed.then(() => (isPrinting = true), () => undefined);
    while (!isPrinting) {
      await writeLines(run.id, next++, 1);
      await sleep(50);
      if (next > 2_000) throw new Error("the CLI never printed line 300");
    }
    // … and for 3 s after it prints live: a poller reading every 0.5 s would read the logs ≥ 6 times.
    const liveUntil = Date.now() + 3_000;
    while (Date.now() < liveUntil) {
      await writeLines(run.id, next++, 1);
      await sleep(50);
    }
    await writer.setFlowRunState(run.id, { state: makeState("Completed") });
    const result = await cli.done;

    expect(result.code, result.stderr).toBe(0);
    expect(lineNumbers(result.stdout)).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(result.stderr).toMatch(/is Running/);
    expect(result.stderr).toMatch(/is Completed/);
    expect(requestCounts.get("GET /api/events")).toBe(1);
    // The backlog, one re-read when the stream first delivers, the last one at the end; one spare.
    expect(requestCounts.get("GET /api/logs")).toBeLessThanOrEqual(4);
  });

  it("exits 1 when the run fails, after its last lines", async () => {
    const run = await runningFlowRun("failing");
    await writeLines(run.id, 0, 1);
    const cli = follow(run.id, "line 0");
    await cli.printed;
    await writeLines(run.id, 1, 2);
    await writer.setFlowRunState(run.id, { state: makeState("Failed", { message: "boom" }) });
    const result = await cli.done;

    expect(result.code, result.stderr).toBe(1);
    expect(lineNumbers(result.stdout)).toEqual([0, 1, 2]);
    expect(result.stderr).toMatch(/is Failed/);
  });
});
