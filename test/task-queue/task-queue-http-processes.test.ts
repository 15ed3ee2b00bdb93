/**
 * Task queues over HTTP with real processes: a `weir server start` process on the test database
 * (SQLite or PostgreSQL per WEIR_TEST_DB), and task workers and a flow process that reach it by
 * WEIR_API_URL only (no database URL in their environment). A few hundred mapped items over 2
 * task workers run exactly once each and come back in order; arguments and a value over the
 * 64 KiB inline limit travel through the server's result storage and come back intact, and are
 * deleted once read.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { InProcessClient } from "../../src/client/in-process-client.js";
import { MAX_INLINE_TASK_PAYLOAD_BYTES } from "../../src/core/task-queue.js";
import { REPO_ROOT, cliEnv } from "../cli/run-cli.js";
import { useTestDatabase } from "../helpers/test-database.js";
import { TaskQueueProcesses } from "./task-queue-kit.js";

const API_KEY = "tq-http-key-0123456789";
const database = useTestDatabase();
let server: ChildProcess | null = null;
let apiUrl = "";
let client: InProcessClient | null = null;

/** The environment of a process that reaches Weir by the server only (its WEIR_HOME is not the test database's folder, whose weir.db is the SQLite test database). */
function httpEnv(queue: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = cliEnv(database.url, join(database.dir, "http-home"), { TQ_LOG: join(database.dir, `${queue}.log`), TQ_QUEUE: queue, WEIR_LOGGING_QUIET: "1", WEIR_API_URL: apiUrl, WEIR_API_KEY: API_KEY, ...extra });
  delete env.WEIR_DATABASE_URL;
  delete env.WEIR_RESULT_STORAGE;
  return env;
}

const processes = new TaskQueueProcesses(() => database.dir, httpEnv);

function startServer(): Promise<string> {
  const child = spawn(process.execPath, [join(REPO_ROOT, "bin/weir.js"), "server", "start", "--port", "0"], {
    env: cliEnv(database.url, database.dir, { WEIR_API_KEY: API_KEY, WEIR_LOGGING_QUIET: "1" }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  server = child;
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Weir server ready at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => reject(new Error(`server exited (${code}) before it was ready: ${output}`)));
  });
}

async function openClient(): Promise<InProcessClient> {
  client ??= await InProcessClient.open({ databaseUrl: database.url });
  return client;
}

beforeAll(async () => {
  apiUrl = await startServer();
}, 60_000);
afterEach(() => processes.stopAll());
afterAll(async () => {
  await processes.stopAll();
  await client?.close();
  const running = server;
  if (running !== null && running.exitCode === null && running.signalCode === null) {
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGTERM");
    await exited;
  }
});

describe("task queues over HTTP (WEIR_API_URL only)", () => {
  it("maps 300 items over 2 task workers: each executed exactly once, results in order", async () => {
    const queue = "tq-http-map";
    writeFileSync(processes.logOf(queue), "");
    const workers = await Promise.all([1, 2].map(() => processes.startTaskWorker(queue, ["--concurrency", "20"])));
    const count = 300;
    const { isFailed, value, error, seconds } = await processes.runFlow(queue, "map", count);
    expect(error).toBeNull();
    expect(isFailed).toBe(false);
    expect(value.values).toEqual(Array.from({ length: count }, (_, index) => index * index));
    const runs = processes.executions(queue);
    expect(runs).toHaveLength(count);
    expect(new Set(runs.map((run) => run.item)).size).toBe(count);
    expect(new Set(runs.map((run) => run.pid))).toEqual(new Set(workers.map((worker) => worker.pid)));
    const api = await openClient();
    const taskRuns = await api.listTaskRuns({ flowRunId: value.flowRunId }, { limit: 1000 });
    expect(taskRuns.items).toHaveLength(count);
    expect(taskRuns.items.every((run) => run.stateName === "Completed" && run.taskKey === "square")).toBe(true);
    expect(await api.countTaskQueue(queue)).toEqual({});
    // Passing tests print nothing (vitest silent: passed-only): TQ_BENCH_REPORT names a file for the figure.
    const load = loadavg().map((average) => average.toFixed(2)).join(" ");
    const figure = `task queue over HTTP (${process.env.WEIR_TEST_DB ?? "sqlite"}): ${count} items over 2 task workers in ${seconds.toFixed(1)} s (flow run) = ${Math.round(count / seconds)} items/s (load average ${load})`;
    if (process.env.TQ_BENCH_REPORT) appendFileSync(process.env.TQ_BENCH_REPORT, `${figure}\n`);
  }, 240_000);

  it("sends arguments and a value over 64 KiB through the server's result storage, intact, and deletes them once read", async () => {
    const queue = "tq-http-big";
    await processes.startTaskWorker(queue);
    const { isFailed, value, error } = await processes.runFlow(queue, "big", 200);
    expect(error).toBeNull();
    expect(isFailed).toBe(false);
    expect(value.isIntact).toBe(true);
    expect(value.argBytes).toBeGreaterThan(MAX_INLINE_TASK_PAYLOAD_BYTES);
    expect(value.valueBytes).toBeGreaterThan(2 * MAX_INLINE_TASK_PAYLOAD_BYTES);
    expect(processes.executions(queue).map((run) => run.kind)).toEqual(["big"]);
    const api = await openClient();
    expect(await api.countTaskQueue(queue)).toEqual({});
    // The payloads went through the server's store (inline they would have been refused), and are gone once read.
    const left = (await api.listResults({ limit: 1000 })).items.filter((item) => item.key.startsWith("task-queue-"));
    expect(left).toEqual([]);
  }, 120_000);
});
