/**
 * Follow a flow run live until it ends: every state of its history once, in order, and every
 * log line once. Used by `weir flow-run logs --follow` and `weir deployment run --watch`.
 *
 * How: subscribe to the run's events first (`OrchestrationApi.subscribe`: SSE over HTTP, the
 * event bus in process), then read the backlog, and print what the stream brings, keeping the
 * ids of the lines already printed so a line both read and streamed shows once. The stream is
 * not enough alone: over HTTP it is live only once the server has taken the request, it drops
 * what is published while it reconnects, and an in-process client sees no events written by
 * other processes on SQLite. So when the first events arrive (the stream is live: whatever was
 * written before is readable now), whenever it has been quiet for `resyncAfterQuietMs`, and at
 * the end, the follower re-reads the run and the lines after the last one it read (a streamed
 * line is read again at most once, and is not printed again). A state event only says
 * "something changed": the history is re-read then, so a short state between two events (Failed
 * before AwaitingRetry) is still reported.
 *
 * The end: once the run is terminal, lines are still taken for `drainMs` (buffered writes reach
 * the API within a second), then a last read; a run that left its terminal state meanwhile
 * (Crashed → AwaitingRetry) is followed on.
 */
import type { OrchestrationApi } from "../../client/orchestration-api.js";
import { LOG_LEVEL_RANK, type FlowRun, type LogLevel, type LogRecord } from "../../core/models.js";
import { isTerminalStateType, type State } from "../../core/states.js";
import { openEventInbox } from "./event-inbox.js";

/** Options of followFlowRun. */
export interface FollowFlowRunOptions {
  /** Only logs at this level or above. @default all */
  minLevel?: LogLevel;
  /** Called with each batch of new log lines (each line once). */
  onLogs?: (logs: LogRecord[]) => void;
  /** Called with each state of the run's history once, in order, with the run as last read. */
  onState?: (state: State, run: FlowRun) => void;
  /** Stop following early. */
  signal?: AbortSignal;
  /** Re-read the run and its logs after this long without an event. @default 1000 */
  resyncAfterQuietMs?: number;
  /** Keep taking log lines this long after the run turns terminal. @default 1000 */
  drainMs?: number;
}

/** The exit code of a command that followed a run to its end: 0 only when it completed. */
export function exitCodeOfFinishedRun(run: FlowRun): number {
  return run.stateType === "COMPLETED" ? 0 : 1;
}

/** Follow `flowRunId` until it is terminal (or the signal aborts); resolves to its last known record. */
export async function followFlowRun(client: OrchestrationApi, flowRunId: string, options: FollowFlowRunOptions = {}): Promise<FlowRun> {
  const resyncAfterQuietMs = options.resyncAfterQuietMs ?? 1000;
  const drainMs = options.drainMs ?? 1000;
  const stop = new AbortController();
  const abort = (): void => stop.abort();
  options.signal?.addEventListener("abort", abort, { once: true });
  if (options.signal?.aborted) stop.abort();
  const inbox = openEventInbox(client.subscribe(stop.signal, { flowRunId }), stop.signal);

  const printedLogIds = new Set<number>();
  const seenStateIds = new Set<string>();
  let readCursor: number | undefined;

  function printLogs(logs: LogRecord[]): void {
    const fresh = logs.filter((log) => !printedLogIds.has(log.id) && log.flowRunId === flowRunId && isAtLeast(log.level, options.minLevel));
    if (fresh.length === 0) return;
    fresh.sort((a, b) => a.id - b.id);
    for (const log of fresh) printedLogIds.add(log.id);
    options.onLogs?.(fresh);
  }

  async function readNewStates(): Promise<{ run: FlowRun; states: State[] }> {
    const [run, states] = await Promise.all([client.readFlowRun(flowRunId), client.readFlowRunStates(flowRunId)]);
    return { run, states: states.filter((state) => !seenStateIds.has(state.id)) };
  }

  function printStates(run: FlowRun, states: readonly State[]): void {
    for (const state of states) {
      if (seenStateIds.has(state.id)) continue;
      seenStateIds.add(state.id);
      options.onState?.(state, run);
    }
  }

  async function readRun(): Promise<FlowRun> {
    const { run, states } = await readNewStates();
    printStates(run, states);
    return run;
  }

  // The run's new states, then its new lines, printed merged by time: a state and the lines
  // written after it come out in that order even when both are read in one go (as when the
  // stream sees nothing of another process, on an embedded SQLite).
  async function resync(): Promise<FlowRun> {
    const { run, states } = await readNewStates();
    const lines: LogRecord[] = [];
    readCursor = await readNewLogs(client, flowRunId, readCursor, { ...(options.minLevel ? { minLevel: options.minLevel } : {}), onLogs: (logs) => lines.push(...logs) });
    let next = 0;
    for (const state of states) {
      const before: LogRecord[] = [];
      while (next < lines.length && (lines[next] as LogRecord).timestamp < state.timestamp) before.push(lines[next++] as LogRecord);
      printLogs(before);
      printStates(run, [state]);
    }
    printLogs(lines.slice(next));
    return run;
  }

  try {
    let run = await resync();
    // A run that ended before we came needs no more drain than what is left of its own.
    let terminalSinceMs: number | null = isTerminalStateType(run.stateType) ? Math.min(Date.now(), Date.parse(run.state.timestamp)) : null;
    let hasStreamDelivered = false;
    while (!stop.signal.aborted) {
      const waitMs = terminalSinceMs === null ? resyncAfterQuietMs : terminalSinceMs + drainMs - Date.now();
      const events = await inbox.take(waitMs);
      if (stop.signal.aborted) break;
      const isDrained = terminalSinceMs !== null && Date.now() >= terminalSinceMs + drainMs;
      const isFirstDelivery = events.length > 0 && !hasStreamDelivered;
      if (events.length > 0) hasStreamDelivered = true;
      const isResync = isDrained || events.length === 0 || isFirstDelivery;
      // Read before printing the batch, so lines the stream missed come out in order.
      if (isResync) run = await resync();
      let hasNewState = false;
      for (const event of events) {
        if (event.kind === "logs") printLogs(event.logs);
        else if (event.kind === "flow-run" && event.flowRun.id === flowRunId && !seenStateIds.has(event.flowRun.state.id)) hasNewState = true;
      }
      if (hasNewState && !isResync) run = await readRun();
      if (!isTerminalStateType(run.stateType)) terminalSinceMs = null;
      else if (isDrained) return run;
      else terminalSinceMs ??= Date.now();
    }
    return run;
  } finally {
    stop.abort();
    options.signal?.removeEventListener("abort", abort);
    await inbox.close();
  }
}

function isAtLeast(level: LogLevel, minLevel: LogLevel | undefined): boolean {
  return minLevel === undefined || LOG_LEVEL_RANK[level] >= LOG_LEVEL_RANK[minLevel];
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
