/** `weir work-queue create|ls`. */
import type { Command } from "commander";
import { cliClient } from "../cli-client.js";
import { printJson, printLine } from "../output/print-output.js";
import { parsePositiveInteger } from "../parse-positive-integer.js";
import { workQueueTable } from "./work-pool.js";

/** Register `weir work-queue …`. */
export function registerWorkQueueCommand(program: Command): void {
  const queue = program.command("work-queue").description("create and list work queues");

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
}
