/**
 * Follow a flow run live: poll its new log lines (by `afterId` cursor) and its state until the
 * run is terminal, then drain the last logs. Polling works the same over the embedded database
 * and over HTTP. Used by `weir flow-run logs --follow` (and reusable by `deployment run --watch`).
 */
import type { OrchestrationApi } from "../../client/orchestration-api.js";
import type { FlowRun, LogLevel, LogRecord } from "../../core/models.js";
import { isTerminalStateType } from "../../core/states.js";

/** Options of followFlowRun. */
export interface FollowFlowRunOptions {
  /** Only logs at this level or above. @default all */
  minLevel?: LogLevel;
  /** Called with each batch of new log lines, in order. */
  onLogs?: (logs: LogRecord[]) => void;
  /** Called when the run's state changes (and once at the start). */
  onState?: (run: FlowRun) => void;
  /** Time between polls. @default 500 */
  pollIntervalMs?: number;
  /** Stop following early. */
  signal?: AbortSignal;
  /** Injected for tests. @default setTimeout-based sleep that ends early on abort */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Keep reading logs this long after the run turns terminal (buffers flush within 1 s). @default 1000 */
  drainMs?: number;
}

/** Follow `flowRunId` until it is terminal (or the signal aborts); resolves to its last known record. */
export async function followFlowRun(client: OrchestrationApi, flowRunId: string, options: FollowFlowRunOptions = {}): Promise<FlowRun> {
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const sleep = options.sleep ?? abortableSleep;
  let afterId: number | undefined;
  let lastStateId: string | undefined;
  let terminalSinceMs: number | undefined;
  let run = await client.readFlowRun(flowRunId);
  for (;;) {
    afterId = await readNewLogs(client, flowRunId, afterId, options);
    run = await client.readFlowRun(flowRunId);
    if (run.state.id !== lastStateId) {
      lastStateId = run.state.id;
      options.onState?.(run);
    }
    if (options.signal?.aborted) return run;
    if (isTerminalStateType(run.stateType)) {
      terminalSinceMs ??= 0;
      if (terminalSinceMs >= (options.drainMs ?? 1000)) {
        await readNewLogs(client, flowRunId, afterId, options);
        return run;
      }
      terminalSinceMs += pollIntervalMs;
    } else {
      terminalSinceMs = undefined;
    }
    await sleep(pollIntervalMs, options.signal);
  }
}

/** Read every log line after `afterId` (page by page) and hand them on; returns the new cursor. */
export async function readNewLogs(
  client: OrchestrationApi,
  flowRunId: string,
  afterId: number | undefined,
  options: Pick<FollowFlowRunOptions, "minLevel" | "onLogs">,
): Promise<number | undefined> {
  let cursor = afterId;
  for (;;) {
    const logs = await client.readLogs({
      flowRunId,
      ...(options.minLevel ? { minLevel: options.minLevel } : {}),
      ...(cursor === undefined ? {} : { afterId: cursor }),
      limit: 1000,
    });
    if (logs.length === 0) return cursor;
    options.onLogs?.(logs);
    cursor = logs[logs.length - 1]?.id ?? cursor;
    if (logs.length < 1000) return cursor;
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
