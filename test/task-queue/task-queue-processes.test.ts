/**
 * Task queues with real processes, on the test database (SQLite or PostgreSQL per WEIR_TEST_DB):
 * `weir task-worker start` child processes execute the task runs a flow (another child process)
 * places on a queue. 10,000 mapped items over 4 task workers run exactly once each and come back
 * in order; a failing attempt is retried on a worker; a killed worker's items are executed again
 * by another; payloads over 64 KiB go through result storage; a `thread` task runs off the main
 * thread.
 */
import { appendFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { InProcessClient } from "../../src/client/in-process-client.js";
import { MAX_INLINE_TASK_PAYLOAD_BYTES } from "../../src/core/task-queue.js";
import { cliEnv } from "../cli/run-cli.js";
import { useTestDatabase } from "../helpers/test-database.js";
import { TaskQueueProcesses } from "./task-queue-kit.js";

const database = useTestDatabase();
const processes = new TaskQueueProcesses(
  () => database.dir,
  (queue, extra) => cliEnv(database.url, database.dir, { TQ_LOG: join(database.dir, `${queue}.log`), TQ_QUEUE: queue, WEIR_LOGGING_QUIET: "1", ...extra }),
);
const startTaskWorker = processes.startTaskWorker.bind(processes);
const runFlow = processes.runFlow.bind(processes);
const executions = processes.executions.bind(processes);
let client: InProcessClient | null = null;

async function openClient(): Promise<InProcessClient> {
  client ??= await InProcessClient.open({ databaseUrl: database.url });
  return client;
}

afterEach(() => processes.stopAll());
afterAll(async () => {
  await processes.stopAll();
  await client?.close();
});

describe("task queues across processes", () => {
  it("maps 10,000 items over 4 task workers: each executed exactly once, results in order", async () => {
    const queue = "tq-map";
    writeFileSync(join(database.dir, `${queue}.log`), "");
    await Promise.all([1, 2, 3, 4].map(() => startTaskWorker(queue, ["--concurrency", "100", "--poll-interval", "50"])));
    const count = 10_000;
    const { isFailed, value, error, seconds } = await runFlow(queue, "map", count);
    expect(error).toBeNull();
    expect(isFailed).toBe(false);
    expect(value.values).toEqual(Array.from({ length: count }, (_, index) => index * index));
    const runs = executions(queue);
    expect(runs).toHaveLength(count);
    expect(new Set(runs.map((run) => run.item)).size).toBe(count);
    const perWorker = new Map<number, number>();
    for (const run of runs) perWorker.set(run.pid, (perWorker.get(run.pid) ?? 0) + 1);
    expect(perWorker.size).toBe(4);
    const api = await openClient();
    const taskRuns = await api.listTaskRuns({ flowRunId: value.flowRunId }, { limit: 10 });
    expect(taskRuns.items.every((run) => run.stateName === "Completed" && run.taskKey === "square")).toBe(true);
    expect(await api.countTaskQueue(queue)).toEqual({});
    const load = loadavg().map((value) => value.toFixed(2)).join(" ");
    const figure = `task queue (${process.env.WEIR_TEST_DB ?? "sqlite"}): ${count} items over 4 task workers in ${seconds.toFixed(1)} s = ${Math.round(count / seconds)} items/s (per worker: ${[...perWorker.values()].join(", ")}; load average ${load})`;
    // Passing tests print nothing (vitest silent: passed-only): TQ_BENCH_REPORT names a file for the figure.
    if (process.env.TQ_BENCH_REPORT) appendFileSync(process.env.TQ_BENCH_REPORT, `${figure}\n`);
  }, 300_000);

  it("retries a task whose first execution on a task worker fails", async () => {
    const queue = "tq-flaky";
    await startTaskWorker(queue);
    const { isFailed, value } = await runFlow(queue, "flaky", 3);
    expect(isFailed).toBe(false);
    expect(value.values).toEqual([100, 101, 102]);
    expect(executions(queue).filter((run) => run.kind === "flaky")).toHaveLength(6);
    const api = await openClient();
    const taskRuns = (await api.listTaskRuns({ flowRunId: value.flowRunId })).items;
    expect(taskRuns).toHaveLength(3);
    for (const run of taskRuns) {
      expect(run.stateName).toBe("Completed");
      expect((await api.readTaskRunStates(run.id)).map((state) => state.name)).toEqual(["Running", "AwaitingRetry", "Retrying", "Completed"]);
    }
    const logs = await api.readLogs({ flowRunId: value.flowRunId, limit: 100 });
    expect(logs.some((log) => log.message.includes("first execution of 0 fails"))).toBe(true);
  }, 120_000);

  it("runs a killed task worker's claimed items again on another worker", async () => {
    const queue = "tq-kill";
    const victim = await startTaskWorker(queue, ["--lease-seconds", "2", "--concurrency", "4"], { TQ_SLOW_MS: "4000" });
    const flow = runFlow(queue, "slow", 4);
    const deadline = Date.now() + 60_000;
    while (executions(queue).filter((run) => run.kind === "slow-start").length < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(executions(queue).filter((run) => run.kind === "slow-start").map((run) => run.pid)).toEqual([victim.pid, victim.pid, victim.pid, victim.pid]);
    victim.kill("SIGKILL");
    const rescuer = await startTaskWorker(queue, ["--lease-seconds", "2", "--concurrency", "4"], { TQ_SLOW_MS: "200" });
    const { isFailed, value } = await flow;
    expect(isFailed).toBe(false);
    expect(value.values).toEqual([0, 2, 4, 6]);
    const ends = executions(queue).filter((run) => run.kind === "slow-end");
    expect(ends.map((run) => run.pid)).toEqual([rescuer.pid, rescuer.pid, rescuer.pid, rescuer.pid]);
    expect(executions(queue).filter((run) => run.kind === "slow-start")).toHaveLength(8);
  }, 120_000);

  it("sends arguments and a value over 64 KiB through result storage (the database's store), intact", async () => {
    const queue = "tq-big";
    await startTaskWorker(queue);
    const { isFailed, value, error } = await runFlow(queue, "big", 100);
    expect(error).toBeNull();
    expect(isFailed).toBe(false);
    expect(value.isIntact).toBe(true);
    expect(value.argBytes).toBeGreaterThan(MAX_INLINE_TASK_PAYLOAD_BYTES);
    expect(value.valueBytes).toBeGreaterThan(MAX_INLINE_TASK_PAYLOAD_BYTES);
    const api = await openClient();
    expect((await api.listResults({ limit: 1000 })).items.filter((item) => item.key.startsWith("task-queue-"))).toEqual([]);
  }, 60_000);

  it("runs a thread task off the main thread and returns its value", async () => {
    const { isFailed, value, error } = await runFlow("tq-thread", "thread", 25);
    expect(error).toBeNull();
    expect(isFailed).toBe(false);
    expect(value.caller).toBe(0);
    expect(value.result!.value).toBe(75_025);
    expect(value.result!.threadId).toBeGreaterThan(0);
  }, 60_000);
});
