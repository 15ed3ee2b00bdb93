/**
 * The finished work a retried flow run may reuse: the task runs of its earlier attempts that
 * completed with a reuse key (reuse-key.ts), by key, in the order they started. Loaded once per
 * retry attempt (never on a first attempt): the flow run's states say how the retry was asked for
 * (the `retry` details of the Scheduled state `retryFlowRun` stored: `reuse`, `fresh`, or
 * `fromTask`), its task runs say what finished. With `fromTask`, the first run of that task in the
 * previous attempt and every task run called after it are left out, so they run again.
 */
import type { OrchestrationApi } from "../client/orchestration-api.js";
import type { TaskRun } from "../core/models.js";
import type { State } from "../core/states.js";
import type { ReuseDetails } from "./reuse-key.js";

/** A completed task run of an earlier attempt that a call with the same key may reuse. */
export interface ReuseCandidate {
  taskRunId: string;
  state: State;
  details: ReuseDetails;
}

/** How the retry was asked for. */
export interface RetryChoice {
  mode: "reuse" | "fresh";
  fromTask: string | null;
}

/** The reusable task runs of a flow run, by reuse key (see file header). */
export class ReuseIndex {
  constructor(
    readonly choice: RetryChoice,
    private readonly byKey: Map<string, ReuseCandidate[]>,
    /** Why `fromTask` found nothing to restart from, if so. */
    readonly note: string | null = null,
  ) {}

  /** Take the next unused candidate for a key (each earlier run is reused by one call at most). */
  take(reuseKey: string): ReuseCandidate | null {
    const queue = this.byKey.get(reuseKey);
    return queue === undefined || queue.length === 0 ? null : queue.shift()!;
  }

  /** How many candidates are left. */
  get size(): number {
    let count = 0;
    for (const queue of this.byKey.values()) count += queue.length;
    return count;
  }
}

const PAGE_LIMIT = 1000;

/** Load the reuse index of a flow run at the start of a retry attempt. */
export async function loadReuseIndex(client: OrchestrationApi, flowRunId: string): Promise<ReuseIndex> {
  const states = await client.readFlowRunStates(flowRunId);
  const { choice, previousStartTime } = retryChoiceOf(states);
  if (choice.mode === "fresh") return new ReuseIndex(choice, new Map());
  const taskRuns: TaskRun[] = [];
  let cursor: string | null = null;
  do {
    const page = await client.listTaskRuns({ flowRunId }, { cursor, limit: PAGE_LIMIT });
    taskRuns.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  // Task-run ids are time-ordered and made when the task is called: id order is call order.
  taskRuns.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let cut: string | null = null;
  let note: string | null = null;
  if (choice.fromTask !== null) {
    const runsOfTask = taskRuns.filter((run) => run.taskKey === choice.fromTask && run.startTime !== null);
    const inPrevious = runsOfTask.filter((run) => previousStartTime === null || run.startTime! >= previousStartTime);
    const first = (inPrevious.length > 0 ? inPrevious : runsOfTask)[0];
    if (first === undefined) note = `task '${choice.fromTask}' never started in this flow run: every finished task is reused`;
    else cut = first.id;
  }
  const byKey = new Map<string, ReuseCandidate[]>();
  for (const run of taskRuns) {
    if (run.state.type !== "COMPLETED" || (cut !== null && run.id >= cut)) continue;
    const details = reuseDetailsOf(run.state);
    if (details === null) continue;
    const queue = byKey.get(details.reuseKey) ?? [];
    queue.push({ taskRunId: run.id, state: run.state, details });
    byKey.set(details.reuseKey, queue);
  }
  return new ReuseIndex(choice, byKey, note);
}

/**
 * The retry choice stored on the states since the previous attempt started (the last Running
 * state but the current one), and when that attempt started; `reuse` when none was stored (an
 * automatic retry, or a retry asked for before choices existed).
 */
export function retryChoiceOf(states: readonly State[]): { choice: RetryChoice; previousStartTime: string | null } {
  const starts: number[] = [];
  states.forEach((state, index) => {
    if (state.type === "RUNNING") starts.push(index);
  });
  const previous = starts.length >= 2 ? starts[starts.length - 2]! : -1;
  const current = starts.length >= 1 ? starts[starts.length - 1]! : states.length;
  let choice: RetryChoice = { mode: "reuse", fromTask: null };
  for (let index = current - 1; index > previous; index -= 1) {
    const retry = states[index]!.details?.retry as Partial<RetryChoice> | undefined;
    if (retry !== undefined && retry !== null && typeof retry === "object") {
      choice = { mode: retry.mode === "fresh" ? "fresh" : "reuse", fromTask: typeof retry.fromTask === "string" ? retry.fromTask : null };
      break;
    }
  }
  return { choice, previousStartTime: previous >= 0 ? states[previous]!.timestamp : null };
}

function reuseDetailsOf(state: State): ReuseDetails | null {
  const details = state.details;
  if (details === null || details === undefined || typeof details.reuseKey !== "string") return null;
  const hasResult = state.result !== null && state.result !== undefined;
  if (!hasResult && details.isUndefined !== true) return null;
  return { reuseKey: details.reuseKey, flowAttempt: typeof details.flowAttempt === "number" ? details.flowAttempt : 1, ...(details.isUndefined === true ? { isUndefined: true } : {}) };
}
