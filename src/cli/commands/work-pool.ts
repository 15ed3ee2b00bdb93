/** `weir work-pool create|ls|inspect|pause|resume|delete|set-concurrency-limit|clear-concurrency-limit`. */
import type { Command } from "commander";
import type { Worker, WorkPool, WorkQueue } from "../../core/models.js";
import { cliClient } from "../cli-client.js";
import { formatRelativeTime } from "../output/format-relative-time.js";
import { formatFields, formatTable } from "../output/format-table.js";
import { printJson, printLine } from "../output/print-output.js";
import { parsePositiveInteger } from "../parse-positive-integer.js";

/** A table of queues (shared with `work-queue ls`). */
export function workQueueTable(queues: readonly WorkQueue[]): string {
  return formatTable(
    [
      { header: "pool", value: (q: WorkQueue) => q.workPoolName },
      { header: "queue", value: (q) => q.name },
      { header: "priority", value: (q) => String(q.priority), align: "right" },
      { header: "limit", value: (q) => (q.concurrencyLimit === null ? "-" : String(q.concurrencyLimit)), align: "right" },
      { header: "status", value: (q) => (q.isPaused ? "paused" : "ready") },
      { header: "last polled", value: (q) => (q.lastPolledAt ? formatRelativeTime(q.lastPolledAt) : "never") },
    ],
    queues,
    "(no queues)",
  );
}

function workerTable(workers: readonly Worker[]): string {
  return formatTable(
    [
      { header: "worker", value: (w: Worker) => w.name },
      { header: "status", value: (w) => w.status },
      { header: "last heartbeat", value: (w) => formatRelativeTime(w.lastHeartbeatAt) },
    ],
    workers,
    "(no workers)",
  );
}

/** Register `weir work-pool …`. */
export function registerWorkPoolCommand(program: Command): void {
  const pool = program.command("work-pool").description("create, list, inspect, pause, resume and delete work pools, and limit their runs");

  pool
    .command("create")
    .description("create a work pool (with its default queue)")
    .argument("<name>", "pool name")
    .option("--type <type>", "worker type", "process")
    .option("-l, --limit <n>", "most runs of the pool at once")
    .option("-d, --description <text>", "description")
    .option("--paused", "create it paused")
    .option("--json", "print JSON")
    .action(async (name: string, options: { type: string; limit?: string; description?: string; paused?: boolean; json?: boolean }) => {
      const created = await (await cliClient()).createWorkPool({
        name,
        type: options.type,
        ...(options.limit === undefined ? {} : { concurrencyLimit: parsePositiveInteger(options.limit, "--limit", { allowZero: true }) }),
        ...(options.description === undefined ? {} : { description: options.description }),
        isPaused: options.paused ?? false,
      });
      if (options.json) printJson(created);
      else printLine(`Created work pool '${created.name}' (${created.type})`);
    });

  pool
    .command("ls")
    .description("list work pools")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const client = await cliClient();
      const [pools, workers] = await Promise.all([client.listWorkPools(), client.listWorkers()]);
      if (options.json) return printJson(pools);
      printLine(
        formatTable(
          [
            { header: "name", value: (p: WorkPool) => p.name },
            { header: "type", value: (p) => p.type },
            { header: "limit", value: (p) => (p.concurrencyLimit === null ? "-" : String(p.concurrencyLimit)), align: "right" },
            { header: "workers online", value: (p) => String(workers.filter((w) => w.workPoolName === p.name && w.status === "ONLINE").length), align: "right" },
            { header: "status", value: (p) => (p.isPaused ? "paused" : "ready") },
          ],
          pools,
          "(no work pools)",
        ),
      );
    });

  pool
    .command("inspect")
    .description("show a work pool with its queues and workers")
    .argument("<name>", "pool name")
    .option("--json", "print JSON")
    .action(async (name: string, options: { json?: boolean }) => {
      const client = await cliClient();
      const found = await client.readWorkPool(name);
      const [queues, workers] = await Promise.all([client.listWorkQueues(name), client.listWorkers(name)]);
      if (options.json) return printJson({ ...found, queues, workers });
      printLine(
        formatFields([
          ["name", found.name],
          ["id", found.id],
          ["type", found.type],
          ["status", found.isPaused ? "paused" : "ready"],
          ["limit", found.concurrencyLimit === null ? "unlimited" : String(found.concurrencyLimit)],
          ["description", found.description ?? "-"],
        ]),
      );
      printLine();
      printLine(workQueueTable(queues));
      printLine();
      printLine(workerTable(workers));
    });

  for (const [verb, isPaused] of [["pause", true], ["resume", false]] as const) {
    pool
      .command(verb)
      .description(isPaused ? "pause a pool (workers claim nothing from it)" : "resume a paused pool")
      .argument("<name>", "pool name")
      .option("--json", "print JSON")
      .action(async (name: string, options: { json?: boolean }) => {
        const updated = await (await cliClient()).updateWorkPool(name, { isPaused });
        if (options.json) printJson(updated);
        else printLine(`Work pool '${updated.name}' ${isPaused ? "paused" : "resumed"}`);
      });
  }

  pool
    .command("delete")
    .description("delete a work pool with its queues and worker records (refused for the default pool and for a pool a deployment uses)")
    .argument("<name>", "pool name")
    .option("--json", "print the deleted pool as JSON")
    .action(async (name: string, options: { json?: boolean }) => {
      const client = await cliClient();
      const found = await client.readWorkPool(name);
      const queues = await client.listWorkQueues(name);
      await client.deleteWorkPool(name);
      if (options.json) return printJson({ ...found, queues });
      const names = queues.map((q) => q.name).join(", ");
      printLine(`Deleted work pool '${found.name}' (${found.type}) with ${queues.length} queue${queues.length === 1 ? "" : "s"}${names ? ` (${names})` : ""}`);
    });

  pool
    .command("set-concurrency-limit")
    .description("limit how many runs of the pool run at once (0 lets none start)")
    .argument("<name>", "pool name")
    .argument("<limit>", "most runs at once (a whole number ≥ 0)")
    .option("--json", "print JSON")
    .action(async (name: string, rawLimit: string, options: { json?: boolean }) => {
      const concurrencyLimit = parsePositiveInteger(rawLimit, "LIMIT", { allowZero: true });
      const updated = await (await cliClient()).updateWorkPool(name, { concurrencyLimit });
      if (options.json) printJson(updated);
      else printLine(`Work pool '${updated.name}' runs at most ${concurrencyLimit} run${concurrencyLimit === 1 ? "" : "s"} at once`);
    });

  pool
    .command("clear-concurrency-limit")
    .description("remove the pool's concurrency limit")
    .argument("<name>", "pool name")
    .option("--json", "print JSON")
    .action(async (name: string, options: { json?: boolean }) => {
      const updated = await (await cliClient()).updateWorkPool(name, { concurrencyLimit: null });
      if (options.json) printJson(updated);
      else printLine(`Work pool '${updated.name}' has no concurrency limit`);
    });
}
