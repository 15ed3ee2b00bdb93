/**
 * `weir work-queue create|ls|inspect|update|pause|resume|delete|set-concurrency-limit|clear-concurrency-limit`:
 * a queue is named within its pool (`--pool`, default `default`).
 */
import type { Command } from "commander";
import type { OrchestrationApi } from "../../client/orchestration-api.js";
import type { WorkQueue } from "../../core/models.js";
import type { StateType } from "../../core/states.js";
import { cliClient } from "../cli-client.js";
import { formatRelativeTime } from "../output/format-relative-time.js";
import { formatFields } from "../output/format-table.js";
import { printJson, printLine } from "../output/print-output.js";
import { parsePositiveInteger } from "../parse-positive-integer.js";
import { UsageError } from "../usage-error.js";
import { workQueueTable } from "./work-pool.js";

interface QueueOptions {
  pool: string;
  json?: boolean;
}

/** How many runs of a queue are waiting, starting and running. */
interface QueueRunCounts {
  scheduled: number;
  pending: number;
  running: number;
}

const COUNTED_STATES: ReadonlyArray<[keyof QueueRunCounts, StateType]> = [["scheduled", "SCHEDULED"], ["pending", "PENDING"], ["running", "RUNNING"]];

async function countQueueRuns(client: OrchestrationApi, queue: WorkQueue): Promise<QueueRunCounts> {
  const counts = await Promise.all(
    COUNTED_STATES.map(([, stateType]) => client.countFlowRuns({ workPoolNames: [queue.workPoolName], workQueueNames: [queue.name], stateTypes: [stateType] })),
  );
  return { scheduled: counts[0] ?? 0, pending: counts[1] ?? 0, running: counts[2] ?? 0 };
}

function queueLabel(queue: WorkQueue): string {
  return `'${queue.name}' in pool '${queue.workPoolName}'`;
}

function poolOption(command: Command): Command {
  return command.option("-p, --pool <pool>", "work pool of the queue", "default").option("--json", "print JSON");
}

/** Register `weir work-queue …`. */
export function registerWorkQueueCommand(program: Command): void {
  const queue = program.command("work-queue").description("create, list, inspect, edit, pause, resume and delete work queues");

  queue
    .command("create")
    .description("create a queue in a pool")
    .argument("<name>", "queue name")
    .option("-p, --pool <pool>", "work pool", "default")
    .option("--priority <n>", "priority (1 = served first)")
    .option("-l, --limit <n>", "most runs of the queue at once")
    .option("-d, --description <text>", "description")
    .option("--json", "print JSON")
    .action(async (name: string, options: { pool: string; priority?: string; limit?: string; description?: string; json?: boolean }) => {
      const created = await (await cliClient()).createWorkQueue({
        workPoolName: options.pool,
        name,
        ...(options.priority === undefined ? {} : { priority: parsePositiveInteger(options.priority, "--priority") }),
        ...(options.limit === undefined ? {} : { concurrencyLimit: parsePositiveInteger(options.limit, "--limit", { allowZero: true }) }),
        ...(options.description === undefined ? {} : { description: options.description }),
      });
      if (options.json) printJson(created);
      else printLine(`Created work queue '${created.name}' in pool '${created.workPoolName}' (priority ${created.priority})`);
    });

  queue
    .command("ls")
    .description("list queues (of one pool, or all)")
    .option("-p, --pool <pool>", "only this pool")
    .option("--json", "print JSON")
    .action(async (options: { pool?: string; json?: boolean }) => {
      const queues = await (await cliClient()).listWorkQueues(options.pool);
      if (options.json) printJson(queues);
      else printLine(workQueueTable(queues));
    });

  poolOption(queue.command("inspect").description("show a queue with how many of its runs wait and run").argument("<name>", "queue name")).action(
    async (name: string, options: QueueOptions) => {
      const client = await cliClient();
      const found = await client.readWorkQueue(options.pool, name);
      const runCounts = await countQueueRuns(client, found);
      if (options.json) return printJson({ ...found, runCounts });
      printLine(
        formatFields([
          ["name", found.name],
          ["pool", found.workPoolName],
          ["id", found.id],
          ["priority", String(found.priority)],
          ["limit", found.concurrencyLimit === null ? "unlimited" : String(found.concurrencyLimit)],
          ["status", found.isPaused ? "paused" : "ready"],
          ["description", found.description ?? "-"],
          ["last polled", found.lastPolledAt ? formatRelativeTime(found.lastPolledAt) : "never"],
          ["runs", `${runCounts.scheduled} scheduled, ${runCounts.pending} pending, ${runCounts.running} running`],
        ]),
      );
    },
  );

  poolOption(
    queue
      .command("update")
      .description("change a queue's priority or description")
      .argument("<name>", "queue name")
      .option("--priority <n>", "priority (1 = served first)")
      .option("-d, --description <text>", "description (empty to clear it)"),
  ).action(async (name: string, options: QueueOptions & { priority?: string; description?: string }) => {
    if (options.priority === undefined && options.description === undefined) throw new UsageError("nothing to update: give --priority N or --description TEXT");
    const priority = options.priority === undefined ? undefined : parsePositiveInteger(options.priority, "--priority");
    const updated = await (await cliClient()).updateWorkQueue(options.pool, name, {
      ...(priority === undefined ? {} : { priority }),
      ...(options.description === undefined ? {} : { description: options.description === "" ? null : options.description }),
    });
    if (options.json) printJson(updated);
    else printLine(`Updated work queue ${queueLabel(updated)} (priority ${updated.priority})`);
  });

  for (const [verb, isPaused] of [["pause", true], ["resume", false]] as const) {
    poolOption(
      queue
        .command(verb)
        .description(isPaused ? "pause a queue (workers claim none of its runs)" : "resume a paused queue")
        .argument("<name>", "queue name"),
    ).action(async (name: string, options: QueueOptions) => {
      const updated = await (await cliClient()).updateWorkQueue(options.pool, name, { isPaused });
      if (options.json) printJson(updated);
      else printLine(`Work queue ${queueLabel(updated)} ${isPaused ? "paused" : "resumed"}`);
    });
  }

  poolOption(
    queue
      .command("delete")
      .description("delete a queue (refused for a pool's default queue and for a queue a deployment uses); runs still waiting in it stay unclaimed until a queue of that name exists again")
      .argument("<name>", "queue name"),
  ).action(async (name: string, options: QueueOptions) => {
    const client = await cliClient();
    const found = await client.readWorkQueue(options.pool, name);
    const runCounts = await countQueueRuns(client, found);
    await client.deleteWorkQueue(found.workPoolName, found.name);
    if (options.json) return printJson({ ...found, runCounts });
    printLine(`Deleted work queue ${queueLabel(found)}`);
    const waiting = runCounts.scheduled;
    if (waiting > 0) process.stderr.write(`Note: ${waiting} run${waiting === 1 ? "" : "s"} waiting in it will not be claimed until a queue named '${found.name}' exists again\n`);
  });

  poolOption(
    queue
      .command("set-concurrency-limit")
      .description("limit how many runs of the queue run at once (0 lets none start)")
      .argument("<name>", "queue name")
      .argument("<limit>", "most runs at once (a whole number ≥ 0)"),
  ).action(async (name: string, rawLimit: string, options: QueueOptions) => {
    const concurrencyLimit = parsePositiveInteger(rawLimit, "LIMIT", { allowZero: true });
    const updated = await (await cliClient()).updateWorkQueue(options.pool, name, { concurrencyLimit });
    if (options.json) printJson(updated);
    else printLine(`Work queue ${queueLabel(updated)} runs at most ${concurrencyLimit} run${concurrencyLimit === 1 ? "" : "s"} at once`);
  });

  poolOption(queue.command("clear-concurrency-limit").description("remove the queue's concurrency limit").argument("<name>", "queue name")).action(
    async (name: string, options: QueueOptions) => {
      const updated = await (await cliClient()).updateWorkQueue(options.pool, name, { concurrencyLimit: null });
      if (options.json) printJson(updated);
      else printLine(`Work queue ${queueLabel(updated)} has no concurrency limit`);
    },
  );
}
