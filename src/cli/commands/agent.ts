/**
 * `weir agent start -q QUEUE`: the seed tutorial's spelling of a worker on the `default` pool
 * polling the named queue(s), each created if missing.
 */
import type { Command } from "commander";
import { isWeirError } from "../../core/weir-error.js";
import { cliClient } from "../cli-client.js";
import { collectValues } from "../parse-parameters.js";
import { UsageError } from "../usage-error.js";
import { addWorkerOptions, runWorkerUntilSignalled, type WorkerCommandOptions } from "./worker.js";

/** Register `weir agent start`. */
export function registerAgentCommand(program: Command): void {
  const agent = program.command("agent").description("run an agent (a worker on the default pool) for work queues");
  addWorkerOptions(
    agent
      .command("start")
      .description("claim and execute runs of queues of the default pool until stopped")
      .option("-q, --work-queue <queue>", "queue to poll (repeatable; created if missing)", collectValues),
  ).action(async (options: WorkerCommandOptions & { workQueue?: string[] }) => {
    const queues = options.workQueue ?? [];
    if (queues.length === 0) throw new UsageError("agent start needs at least one -q QUEUE");
    const client = await cliClient();
    for (const name of queues) {
      await client.createWorkQueue({ workPoolName: "default", name }).catch((error: unknown) => {
        if (!isWeirError(error) || error.code !== "CONFLICT") throw error;
      });
    }
    await runWorkerUntilSignalled(client, "default", queues, options);
  });
}
