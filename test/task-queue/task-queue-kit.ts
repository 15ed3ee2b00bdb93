/**
 * What the task-queue tests with real processes share: `weir task-worker start` child processes
 * (resolved once they say they started, stopped with SIGTERM), a flow of fixtures/queued-tasks.ts
 * run in its own process (fixtures/run-queued-flow.ts), and the executions the tasks log.
 * Each process gets the environment the test gives: a database URL, or a server URL only.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { REPO_ROOT } from "../cli/run-cli.js";
import { runScript } from "../helpers/run-process.js";

const FLOW_SCRIPT = join(REPO_ROOT, "test/task-queue/fixtures/run-queued-flow.ts");

/** What run-queued-flow.ts prints. */
export interface QueuedFlowOutcome {
  isFailed: boolean;
  value: { flowRunId: string; values?: number[]; caller?: number; result?: { value: number; threadId: number; pid: number }; argBytes?: number; valueBytes?: number; isIntact?: boolean };
  error: string | null;
  seconds: number;
}

/** Task workers and flows of one test file; `envFor(queue)` gives each process its environment. */
export class TaskQueueProcesses {
  private readonly workers: ChildProcess[] = [];

  constructor(
    private readonly dir: () => string,
    private readonly envFor: (queue: string, extra: Record<string, string>) => NodeJS.ProcessEnv,
  ) {}

  /** The file the tasks of `queue` log their executions to. */
  logOf(queue: string): string {
    return join(this.dir(), `${queue}.log`);
  }

  /** Start `weir task-worker start` on a queue; resolves once it says it started. */
  startTaskWorker(queue: string, args: string[] = [], extra: Record<string, string> = {}): Promise<ChildProcess> {
    const child = spawn(process.execPath, [join(REPO_ROOT, "bin/weir.js"), "task-worker", "start", "--queue", queue, ...args], { env: this.envFor(queue, extra), stdio: ["ignore", "pipe", "pipe"] });
    this.workers.push(child);
    let output = "";
    return new Promise((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("Task worker started")) resolve(child);
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.once("exit", (code) => reject(new Error(`task worker exited (${code}) before starting: ${output}`)));
    });
  }

  /** SIGTERM every task worker started, and wait for them to exit. */
  async stopAll(): Promise<void> {
    await Promise.all(
      this.workers.splice(0).map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
          }),
      ),
    );
  }

  /** Run flow `name` of the fixtures with `count` in its own process; fails the test unless it exits 0. */
  async runFlow(queue: string, name: string, count: number, extra: Record<string, string> = {}): Promise<QueuedFlowOutcome> {
    const result = await runScript(FLOW_SCRIPT, [name, String(count)], this.envFor(queue, extra), 240_000);
    const last = result.stdout.trim().split("\n").at(-1) ?? "";
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(last) as QueuedFlowOutcome;
  }

  /** The executions the tasks of `queue` logged: `{ kind, item, pid }` each. */
  executions(queue: string): Array<{ kind: string; item: number; pid: number }> {
    const path = this.logOf(queue);
    if (!existsSync(path)) return [];
    return readFileSync(path, "utf8")
      .trim()
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => {
        const [kind, item, pid] = line.split(" ");
        return { kind: kind!, item: Number(item), pid: Number(pid) };
      });
  }
}
