/**
 * `serveFlow(flow, options)` (what `flow.serve()` calls): register a *served* deployment of the
 * flow (no pool: runs wait for this runner) and execute its due runs in this process, warm —
 * woken by the live event stream (in-process bus or the server's SSE stream) with a poll fallback
 * — up to `limit` at once, until SIGINT/SIGTERM or the `signal` aborts. Resolves once stopped and
 * the runs in flight have settled (they are aborted on stop).
 * @example await greeting.serve({ name: "hourly", cron: "0 * * * *", timezone: "Europe/London" });
 */
import type { OrchestrationApi } from "../client/orchestration-api.js";
import type { Deployment, FlowRun, Parameters } from "../core/models.js";
import { realSleep } from "../core/clock.js";
import { checkKnownOptions } from "../core/option-checks.js";
import { getClient } from "./client-provider.js";
import { schedulePoliciesOf, schedulesOf, type DeploySchedule, type SchedulePolicyOptions } from "./deploy.js";
import { entrypointFileHash } from "./entrypoint-hash.js";
import { definitionStackOf, inferEntrypoint } from "./entrypoint-inference.js";
import { executeFlowRun } from "./execute-flow-run.js";
import type { AnyFlow } from "./flow.js";
import { SERVE_OPTION_ALIASES } from "./option-aliases.js";
import { parameterJsonSchema } from "./validate-parameters.js";

/** Options of `flow.serve()`. */
export interface ServeOptions extends SchedulePolicyOptions {
  /** Deployment name (unique per flow). */
  name: string;
  /** Cron schedule (5 or 6 fields), with `timezone`. */
  cron?: string;
  /** Interval schedule in seconds, with `timezone`. */
  interval?: number;
  /** RRULE schedule, with `timezone`. */
  rrule?: string;
  /** IANA time zone of the schedule. @default "UTC" */
  timezone?: string;
  /** Several schedules (instead of cron/interval/rrule). */
  schedules?: DeploySchedule[];
  /** Default parameters of runs. @default {} */
  parameters?: Parameters;
  /** Most runs executing at once. @default 10 */
  limit?: number;
  /** Fallback poll for due runs. @default 5000 */
  pollIntervalMs?: number;
  /** @default [] */
  tags?: string[];
  description?: string;
  /** @default inferred from the caller, else `served:<flow name>` */
  entrypoint?: string;
  /** Stops serving when aborted (SIGINT/SIGTERM also stop it). */
  signal?: AbortSignal;
  /** Called once the deployment is registered. */
  onReady?: (deployment: Deployment) => void;
  /** @default getClient() */
  client?: OrchestrationApi;
}

// Every key of ServeOptions, checked against the interface by the compiler.
const SERVE_OPTION_KEYS = Object.keys({
  name: true,
  cron: true,
  interval: true,
  rrule: true,
  timezone: true,
  schedules: true,
  parameters: true,
  catchup: true,
  catchupWindow: true,
  overlap: true,
  limit: true,
  pollIntervalMs: true,
  tags: true,
  description: true,
  entrypoint: true,
  signal: true,
  onReady: true,
  client: true,
} satisfies Record<keyof ServeOptions, true>);

function dueTimeOf(run: FlowRun): number {
  return Date.parse(run.nextScheduledStartTime ?? run.expectedStartTime);
}

function servedSchedules(options: ServeOptions): DeploySchedule[] | undefined {
  const timezone = options.timezone ?? "UTC";
  if (options.cron !== undefined) return [{ cron: options.cron, timezone }];
  if (options.interval !== undefined) return [{ interval: options.interval, timezone }];
  if (options.rrule !== undefined) return [{ rrule: options.rrule, timezone }];
  return options.schedules;
}

function tryInferEntrypoint(flow: AnyFlow): string {
  try {
    return inferEntrypoint(flow.name, process.cwd(), definitionStackOf(flow), new Error().stack ?? "");
  } catch {
    return `served:${flow.name}`;
  }
}

/** Register a served deployment of `flow` and run its runs here until stopped (see file header). */
export async function serveFlow(flow: AnyFlow, options: ServeOptions): Promise<void> {
  checkKnownOptions(options, { kind: "serve", known: SERVE_OPTION_KEYS, aliases: SERVE_OPTION_ALIASES, owner: `serve() of flow '${flow.name}'` });
  const client = options.client ?? (await getClient());
  const schedules = schedulesOf({ schedules: servedSchedules(options) ?? [] });
  const entrypoint = options.entrypoint ?? tryInferEntrypoint(flow);
  const deployment = await client.upsertDeployment({
    name: options.name,
    flowName: flow.name,
    entrypoint,
    entrypointHash: entrypointFileHash(entrypoint, process.cwd()),
    path: process.cwd(),
    description: options.description ?? flow.options.description,
    parameters: options.parameters ?? {},
    parameterSchema: parameterJsonSchema(flow.options.params),
    tags: options.tags ?? [],
    isServed: true,
    retryPolicy: flow.options.storedRetryPolicy,
    ...schedulePoliciesOf(options),
    ...(schedules === undefined ? {} : { schedules }),
  });
  const limit = options.limit ?? 10;
  const pollIntervalMs = options.pollIntervalMs ?? 5000;
  const stop = new AbortController();
  const onStop = (): void => stop.abort();
  options.signal?.addEventListener("abort", onStop, { once: true });
  if (options.signal?.aborted) stop.abort();
  process.once("SIGINT", onStop);
  process.once("SIGTERM", onStop);
  const inFlight = new Map<string, Promise<void>>();
  const timers = new Map<string, NodeJS.Timeout>();
  let wakePoll: (() => void) | null = null;

  const start = (run: FlowRun): void => {
    if (stop.signal.aborted || inFlight.has(run.id) || run.stateType !== "SCHEDULED") return;
    const waitMs = dueTimeOf(run) - Date.now();
    if (waitMs > 0) {
      if (!timers.has(run.id) && waitMs < 2 * pollIntervalMs) timers.set(run.id, setTimeout(() => (timers.delete(run.id), start(run)), waitMs));
      return;
    }
    if (inFlight.size >= limit) return;
    const execution = executeFlowRun(flow, run.id, { client, signal: stop.signal })
      .then(() => undefined, () => undefined)
      .finally(() => {
        inFlight.delete(run.id);
        wakePoll?.();
      });
    inFlight.set(run.id, execution);
  };

  const listen = async (): Promise<void> => {
    for await (const event of client.subscribe(stop.signal)) {
      if (event.kind === "flow-run" && event.flowRun.deploymentId === deployment.id) start(event.flowRun);
    }
  };
  const listening = listen().catch(() => undefined);
  options.onReady?.(deployment);
  try {
    while (!stop.signal.aborted) {
      try {
        const page = await client.listFlowRuns({ deploymentIds: [deployment.id], stateTypes: ["SCHEDULED"], sort: "EXPECTED_START_TIME_ASC" }, { limit: Math.max(limit * 2, 50) });
        for (const run of page.items) start(run);
      } catch {
        // The server may be restarting; the next poll tries again.
      }
      const waker = new AbortController();
      wakePoll = () => waker.abort();
      const onAbort = (): void => waker.abort();
      stop.signal.addEventListener("abort", onAbort, { once: true });
      await realSleep(pollIntervalMs, waker.signal);
      stop.signal.removeEventListener("abort", onAbort);
    }
  } finally {
    process.off("SIGINT", onStop);
    process.off("SIGTERM", onStop);
    options.signal?.removeEventListener("abort", onStop);
    for (const timer of timers.values()) clearTimeout(timer);
    await Promise.allSettled(inFlight.values());
    await listening;
  }
}
