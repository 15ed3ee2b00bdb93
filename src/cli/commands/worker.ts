/**
 * `weir worker start --pool P [--queue Q ...] [--limit N] [--name NAME]`: a worker that claims the
 * pool's runs and executes each in a child process until SIGINT/SIGTERM (then it stops claiming,
 * lets runs finish within the shutdown grace period, and marks the rest Crashed). `--execution`
 * picks how runs execute (a process per run, pooled processes, or inline; a deployment's own
 * `execution` wins, see src/worker/start-worker.ts).
 */
import type { Command } from "commander";
import type { OrchestrationApi } from "../../client/orchestration-api.js";
import { errorLine } from "../output/error-line.js";
import { cliClient } from "../cli-client.js";
import { printLine } from "../output/print-output.js";
import { collectValues } from "../parse-parameters.js";
import { parsePositiveInteger } from "../parse-positive-integer.js";
import { startWorker } from "../../worker/start-worker.js";
import { EXECUTION_MODES, type ExecutionMode } from "../../core/models.js";
import { UsageError } from "../usage-error.js";
import { executeInline } from "../flow-runs/inline-executor.js";

/** Options shared by `worker start` and `agent start`. */
export interface WorkerCommandOptions {
  limit: string;
  name?: string;
  pollInterval: string;
  heartbeatInterval: string;
  shutdownGrace: string;
  killGrace: string;
  warmSpares?: string;
  execution?: string;
  allowInline?: boolean;
  poolSize?: string;
  maxRunsPerProcess?: string;
  maxProcessMemoryMb?: string;
}

/** Add the options shared by `worker start` and `agent start`. */
export function addWorkerOptions(command: Command): Command {
  return command
    .option("-l, --limit <n>", "most runs executing at once", "4")
    .option("-n, --name <name>", "worker name (default: host-pid)")
    .option("--poll-interval <seconds>", "fallback poll interval", "5")
    .option("--heartbeat-interval <seconds>", "heartbeat interval of the worker and its runs", "10")
    .option("--shutdown-grace <seconds>", "on SIGTERM, how long runs may still finish", "30")
    .option("--kill-grace <seconds>", "on cancellation, between SIGTERM and SIGKILL", "10")
    .option("--warm-spares <n>", "run processes kept started ahead, waiting for the next runs; 0 for none (default: 2, at most --limit, with --execution process)")
    .option("--execution <mode>", "how runs of deployments that set no `execution` run: process (a fresh process per run), pooled (long-lived run processes, one run at a time each) or inline (in this worker's process)", "process")
    .option("--allow-inline", "run deployments that ask `execution: inline` in this process (default: only with --execution inline; else they run pooled)")
    .option("--pool-size <n>", "pooled run processes kept started ahead (default: --limit with --execution pooled, else 0)")
    .option("--max-runs-per-process <n>", "retire a pooled run process after this many runs", "1000")
    .option("--max-process-memory-mb <mb>", "retire a pooled run process whose memory passed this after a run", "1024");
}

function seconds(value: string, option: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) return parsePositiveInteger(value, option);
  return number;
}

function parseExecution(value: string): ExecutionMode {
  const mode = EXECUTION_MODES.find((known) => known === value.trim());
  if (mode === undefined) throw new UsageError(`invalid --execution '${value}': expected one of ${EXECUTION_MODES.join(", ")}`);
  return mode;
}

/** Run a worker on `pool`/`queues` until SIGINT or SIGTERM. */
export async function runWorkerUntilSignalled(client: OrchestrationApi, pool: string, queues: string[] | undefined, options: WorkerCommandOptions): Promise<void> {
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const worker = await startWorker({
      client,
      workPoolName: pool,
      ...(queues && queues.length > 0 ? { workQueueNames: queues } : {}),
      limit: parsePositiveInteger(options.limit, "--limit"),
      ...(options.name ? { name: options.name } : {}),
      pollIntervalMs: seconds(options.pollInterval, "--poll-interval") * 1000,
      heartbeatIntervalSeconds: seconds(options.heartbeatInterval, "--heartbeat-interval"),
      shutdownGraceMs: seconds(options.shutdownGrace, "--shutdown-grace") * 1000,
      killGraceMs: seconds(options.killGrace, "--kill-grace") * 1000,
      ...(options.warmSpares === undefined ? {} : { warmSpares: parsePositiveInteger(options.warmSpares, "--warm-spares", { allowZero: true }) }),
      execution: parseExecution(options.execution ?? "process"),
      inlineExecutor: executeInline,
      ...(options.allowInline ? { allowInline: true } : {}),
      ...(options.poolSize === undefined ? {} : { poolSize: parsePositiveInteger(options.poolSize, "--pool-size", { allowZero: true }) }),
      maxRunsPerProcess: parsePositiveInteger(options.maxRunsPerProcess ?? "1000", "--max-runs-per-process"),
      maxProcessMemoryMb: parsePositiveInteger(options.maxProcessMemoryMb ?? "1024", "--max-process-memory-mb"),
      echo: process.stdout,
      signal: stop.signal,
      onError: (error) => process.stderr.write(`worker: ${errorLine(error)}\n`),
    });
    printLine(`Worker '${worker.name}' started on pool '${pool}'${queues && queues.length > 0 ? `, queues ${queues.join(", ")}` : ""}; Ctrl+C to stop`);
    await worker.stopped;
    printLine(`Worker '${worker.name}' stopped`);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** Register `weir worker start`. */
export function registerWorkerCommand(program: Command): void {
  const worker = program.command("worker").description("run a worker that executes a pool's flow runs");
  addWorkerOptions(
    worker
      .command("start")
      .description("claim and execute runs of a work pool until stopped")
      .requiredOption("-p, --pool <pool>", "work pool to poll")
      .option("-q, --queue <queue>", "queue to poll (repeatable; default all of the pool's queues)", collectValues),
  ).action(async (options: WorkerCommandOptions & { pool: string; queue?: string[] }) => {
    await runWorkerUntilSignalled(await cliClient({ waitsOutRestarts: true }), options.pool, options.queue, options);
  });
}
