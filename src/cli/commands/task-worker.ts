/**
 * `weir task-worker start --queue Q [--concurrency N] [--name NAME]`: execute the task runs that
 * flows place on task queue Q (`task({ taskQueue: "Q" })`) until SIGINT/SIGTERM, then finish the
 * items in hand. The worker imports each task's module from the path the flow process recorded:
 * it needs the same code at the same path (a shared checkout, image or volume). It reaches the
 * queue through the server (`WEIR_API_URL`) or the database (`WEIR_DATABASE_URL`), like any client.
 */
import type { Command } from "commander";
import { WeirError } from "../../core/weir-error.js";
import { setClient } from "../../sdk/client-provider.js";
import { hasTaskQueue } from "../../sdk/placement/task-queue-dispatcher.js";
import { runTaskWorker } from "../../sdk/placement/task-worker.js";
import { cliClient } from "../cli-client.js";
import { errorLine } from "../output/error-line.js";
import { printLine } from "../output/print-output.js";
import { parsePositiveInteger } from "../parse-positive-integer.js";

interface TaskWorkerCommandOptions {
  queue: string;
  concurrency: string;
  name?: string;
  leaseSeconds: string;
  pollInterval: string;
}

/** Register `weir task-worker start`. */
export function registerTaskWorkerCommand(program: Command): void {
  const taskWorker = program.command("task-worker").description("run a task worker that executes the task runs flows place on a task queue");
  taskWorker
    .command("start")
    .description("claim and execute a task queue's task runs until stopped")
    .requiredOption("-q, --queue <queue>", "task queue to serve")
    .option("-c, --concurrency <n>", "task runs executing at once", "10")
    .option("-n, --name <name>", "task worker name (default: host-pid)")
    .option("--lease-seconds <seconds>", "how long a claim holds a task run without renewal (a dead worker's runs are claimed again after it)", "30")
    .option("--poll-interval <ms>", "wait between claims when the queue is empty", "200")
    .action(async (options: TaskWorkerCommandOptions) => {
      const client = await cliClient({ waitsOutRestarts: true });
      if (!hasTaskQueue(client)) throw new WeirError("BAD_REQUEST", "this client has no task queues: set WEIR_API_URL (a Weir server) or WEIR_DATABASE_URL");
      setClient(client);
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      try {
        const running = runTaskWorker({
          client,
          queue: options.queue,
          concurrency: parsePositiveInteger(options.concurrency, "--concurrency"),
          ...(options.name ? { name: options.name } : {}),
          leaseSeconds: parsePositiveInteger(options.leaseSeconds, "--lease-seconds"),
          pollIntervalMs: parsePositiveInteger(options.pollInterval, "--poll-interval"),
          signal: stop.signal,
          onError: (error) => process.stderr.write(`task worker: ${errorLine(error)}\n`),
        });
        printLine(`Task worker started on task queue '${options.queue}'; Ctrl+C to stop`);
        const summary = await running;
        printLine(`Task worker '${summary.name}' stopped after ${summary.executed} task runs`);
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
}
