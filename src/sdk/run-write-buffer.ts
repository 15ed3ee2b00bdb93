/**
 * The bounded buffer through which the engine records task runs and log lines.
 *
 * Task-run states and logs are many and small, so they are never written one by one: the buffer
 * gathers them and writes them in batches (every `flushIntervalMs`, or as soon as `maxItems` are
 * waiting; writers wait only past `highWaterMark`). All states of one task run gathered in the
 * same window travel as one `TaskRunWrite`. Two flushes may be under way at once, so that the
 * store writes one batch while the next travels; they never share a task run, and only one at a
 * time carries logs, so each run's states and all log lines reach the store in the order they
 * happened. A failed flush is retried a few times and its items are put back at the front, so
 * nothing is lost.
 *
 * A run is best written once, whole: the store inserts new runs in one cheap statement, but must
 * read and merge a run it already holds. So a flush the buffer starts by itself holds back the
 * runs that have not ended and were not held before (most end moments later); a held run goes
 * with the next flush whatever its state, so no state waits more than two flushes. `flush()`
 * writes everything.
 *
 * The engine runs on one thread, and a flow of quick tasks (a loop of `await t()`, or a large
 * `t.map()`) keeps it busy with promise callbacks alone, so a flush waiting on the database would
 * make no progress until the flow ends. `admitRun()` therefore lets only so many task runs start
 * per turn of the event loop; later ones (`queueRun`) start on the next turns, after pending
 * I/O: the database writes one batch while the engine runs the next tasks. The same holds for a
 * loop of tasks that compute without awaiting anything: once a turn has lasted `MAX_TURN_MS`,
 * the next run starts on a later turn, so that flushes and heartbeats leave between such tasks,
 * not all after the last one.
 *
 * The store may refuse a task-run state (src/core/task-run-rules.ts). An ABORT (the task's flow
 * run is cancelled or has ended) goes to the watcher of that flow run (`watchFlowRun`), which
 * stops the flow's execution; a REJECT (e.g. a second final state) needs nothing: the state the
 * store kept stands.
 */
import type { LogInput, TaskRunRefusal, TaskRunWrite, TaskRunWriteResult } from "../core/api-types.js";
import { isTerminalStateType, type State } from "../core/states.js";
import type { OrchestrationApi } from "../client/orchestration-api.js";
import { hasSecretValues, redactSecrets } from "./secret-redaction.js";

/** Fields of a task run that do not change between its states. */
export type TaskRunFields = Omit<TaskRunWrite, "states">;

/** Options of a RunWriteBuffer. */
export interface RunWriteBufferOptions {
  /** @default 50 */
  flushIntervalMs?: number;
  /** Pending items that start a flush. @default 1000 */
  maxItems?: number;
  /** Pending items above which writers must wait for a flush (back-pressure). @default 20000 */
  highWaterMark?: number;
}

const FLUSH_ATTEMPTS = 5;
// Two flushes may be under way (on two connections): the database writes one batch while the
// next is sent, instead of waiting for it. They never share a run, and only one writes logs.
const MAX_FLUSHES_IN_FLIGHT = 2;
// Task runs that may start in one turn of the event loop: about the runs of one batch, and far
// fewer while a flush is in flight, whose next step (a reply to read) waits for the next turn.
const RUNS_PER_TURN = 256;
const RUNS_PER_TURN_WHILE_WRITING = 32;
// How long task runs may keep starting in one turn of the event loop (tasks that compute).
const MAX_TURN_MS = 20;
// `flush()` splits what it writes over both flush slots only past this many runs a part: a small
// batch costs less as one request (over HTTP, each costs the server about a millisecond).
const MIN_RUNS_PER_PART = 256;

/** Buffers task-run writes and logs for one client and flushes them in batches. */
export class RunWriteBuffer {
  private readonly client: OrchestrationApi;
  private readonly flushIntervalMs: number;
  private readonly maxItems: number;
  private readonly highWaterMark: number;
  private taskRuns = new Map<string, TaskRunWrite>();
  // How many buffered task runs have a latest state that is not final; ids of those held back once.
  private openTaskRuns = 0;
  private heldTaskRuns = new Set<string>();
  private logs: LogInput[] = [];
  private pendingItems = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  // Flushes under way, the runs they write, and whether one of them writes logs.
  private readonly flushes = new Set<Promise<void>>();
  private readonly writingRuns = new Set<string>();
  private isWritingLogs = false;
  // Runs started in this turn of the event loop, and the starts waiting for later turns.
  private runsThisTurn = 0;
  private turn: NodeJS.Immediate | null = null;
  private turnStartedMs = 0;
  private queuedRuns: QueuedRun[] = [];
  private nextQueuedRun = 0;
  private readonly flowRunWatchers = new Map<string, (refusal: TaskRunRefusal) => void>();

  constructor(client: OrchestrationApi, options: RunWriteBufferOptions = {}) {
    this.client = client;
    this.flushIntervalMs = options.flushIntervalMs ?? 50;
    this.maxItems = options.maxItems ?? 1000;
    this.highWaterMark = options.highWaterMark ?? 20_000;
  }

  /** Whether anything waits to be written. */
  get hasPending(): boolean {
    return this.pendingItems > 0;
  }

  /**
   * Whether a task run may start now; when not, hand its start to `queueRun` (see the file
   * header): runs start in call order, so many per turn of the event loop.
   */
  admitRun(): boolean {
    if (this.turn === null) this.bookTurn();
    if (this.queuedRuns.length > this.nextQueuedRun || this.runsThisTurn >= this.runsPerTurn()) return false;
    if (performance.now() - this.turnStartedMs >= MAX_TURN_MS) return false;
    this.runsThisTurn += 1;
    return true;
  }

  /** Start a run on a later turn of the event loop (`fail` gets what `start` throws). */
  queueRun(start: () => void, fail: (error: unknown) => void): void {
    this.queuedRuns.push({ start, fail });
  }

  private runsPerTurn(): number {
    return this.flushes.size === 0 ? RUNS_PER_TURN : RUNS_PER_TURN_WHILE_WRITING;
  }

  private bookTurn(): void {
    this.turn = setImmediate(this.nextTurn);
    this.turnStartedMs = performance.now();
  }

  private readonly nextTurn = (): void => {
    this.turn = null;
    this.runsThisTurn = 0;
    const queued = this.queuedRuns;
    if (queued.length === this.nextQueuedRun) return;
    const end = Math.min(queued.length, this.nextQueuedRun + this.runsPerTurn());
    this.runsThisTurn = end - this.nextQueuedRun;
    // The next turn is booked first: a run that starts more runs queues them behind these.
    this.bookTurn();
    for (let index = this.nextQueuedRun; index < end; index += 1) {
      // Runs that compute as they start: the rest wait for the next turn.
      if (index > this.nextQueuedRun && performance.now() - this.turnStartedMs >= MAX_TURN_MS) break;
      const run = queued[index]!;
      this.nextQueuedRun = index + 1;
      try {
        run.start();
      } catch (error) {
        run.fail(error);
      }
    }
    if (this.nextQueuedRun === queued.length) {
      this.queuedRuns = [];
      this.nextQueuedRun = 0;
    }
  };

  /** Record a new state of a task run; returns a promise to await only when the buffer is full. */
  addTaskRunState(fields: TaskRunFields, state: State): Promise<void> | undefined {
    const isOpen = !isTerminalStateType(state.type);
    const write = this.taskRuns.get(fields.id);
    if (write === undefined) {
      this.taskRuns.set(fields.id, writeOf(fields, [state]));
      if (isOpen) this.openTaskRuns += 1;
    } else {
      if (isOpen !== isOpenWrite(write)) this.openTaskRuns += isOpen ? 1 : -1;
      write.states.push(state);
    }
    return this.added();
  }

  /** Record changed fields of a task run without a new state (e.g. its cache key). */
  updateTaskRunFields(fields: TaskRunFields): void {
    const write = this.taskRuns.get(fields.id);
    if (write === undefined) this.taskRuns.set(fields.id, writeOf(fields, []));
    else Object.assign(write, fields, { states: write.states });
  }

  /**
   * Be told when the store aborts a task run of `flowRunId` (its flow run is cancelled or ended:
   * stop executing it). Returns the function that stops watching.
   */
  watchFlowRun(flowRunId: string, onAbort: (refusal: TaskRunRefusal) => void): () => void {
    this.flowRunWatchers.set(flowRunId, onAbort);
    return () => {
      if (this.flowRunWatchers.get(flowRunId) === onAbort) this.flowRunWatchers.delete(flowRunId);
    };
  }

  private reportRefusals(result: TaskRunWriteResult | undefined): void {
    // A client of an older server answers nothing.
    const refused = result?.refused;
    if (refused === undefined || refused.length === 0) return;
    for (const refusal of refused) {
      if (refusal.status !== "ABORT" || refusal.flowRunId === null) continue;
      this.flowRunWatchers.get(refusal.flowRunId)?.(refusal);
    }
  }

  /** Record a log line. */
  addLog(log: LogInput): Promise<void> | undefined {
    this.logs.push(hasSecretValues() ? { ...log, message: redactSecrets(log.message) } : log);
    return this.added();
  }

  private added(): Promise<void> | undefined {
    this.pendingItems += 1;
    if (this.pendingItems >= this.highWaterMark) return this.flush();
    const isFull = this.pendingItems >= this.maxItems && this.flushes.size < MAX_FLUSHES_IN_FLIGHT && this.immediate === null;
    if (isFull && this.openTaskRuns * 2 <= this.taskRuns.size) this.flushInBackground();
    else if (isFull) {
      // Most runs waiting here have not ended (many started at once): flush once this turn of the
      // event loop ends, when the final states the same burst of work adds next have joined.
      this.immediate = setImmediate(() => {
        this.immediate = null;
        if (this.flushes.size < MAX_FLUSHES_IN_FLIGHT) this.flushInBackground();
      });
    } else if (this.timer === null) this.startTimer();
    return undefined;
  }

  private startTimer(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      // With every flush slot taken, the timer starts again when one ends.
      if (this.flushes.size < MAX_FLUSHES_IN_FLIGHT) this.flushInBackground();
    }, this.flushIntervalMs);
    this.timer.unref();
  }

  private stopFlushTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  /** A flush started by the buffer itself: holds back runs that may end soon (see the file header). */
  private flushInBackground(): void {
    this.stopFlushTimer();
    const taken = this.takePending(true);
    if (taken === null) this.startTimer();
    else void this.beginWrite(taken.taskRuns, taken.logs).catch(reportFlushError);
  }

  /**
   * Take what may be written now out of the buffer: every run but those a flush in flight is
   * writing (their new states wait for it), and the logs unless a flush in flight writes logs.
   * With `holdBack`, runs that have not ended and were not held before stay too, marked held.
   * Null when nothing may be written.
   */
  private takePending(holdBack: boolean): { taskRuns: TaskRunWrite[]; logs: LogInput[] } | null {
    const kept = new Map<string, TaskRunWrite>();
    const held = new Set<string>();
    const taskRuns: TaskRunWrite[] = [];
    let keptItems = 0;
    let keptOpen = 0;
    for (const write of this.taskRuns.values()) {
      const isOpen = isOpenWrite(write);
      const isHeld = this.heldTaskRuns.has(write.id);
      if (this.writingRuns.has(write.id) || (holdBack && isOpen && !isHeld)) {
        kept.set(write.id, write);
        keptItems += write.states.length;
        if (isOpen) keptOpen += 1;
        if (isOpen || isHeld) held.add(write.id);
      } else taskRuns.push(write);
    }
    this.heldTaskRuns = held;
    const logs = this.isWritingLogs ? [] : this.logs;
    if (taskRuns.length === 0 && logs.length === 0) return null;
    this.taskRuns = kept;
    this.openTaskRuns = keptOpen;
    if (logs.length > 0) this.logs = [];
    this.pendingItems = keptItems + this.logs.length;
    return { taskRuns, logs };
  }

  /**
   * Write everything pending now and wait until it is stored. What may go at once goes at once,
   * split over both flush slots when it is large (at a flow's end, the last batch is written by
   * two connections); the rest (later states of runs a flush in flight writes) once the flushes
   * in flight end.
   */
  async flush(): Promise<void> {
    this.stopFlushTimer();
    let failure: { error: unknown } | null = null;
    for (let pass = 0; pass < 2 && failure === null; pass += 1) {
      const taken = this.takePending(false);
      if (taken !== null) {
        const { taskRuns, logs } = taken;
        const size = taskRuns.length < MAX_FLUSHES_IN_FLIGHT * MIN_RUNS_PER_PART ? taskRuns.length : Math.ceil(taskRuns.length / MAX_FLUSHES_IN_FLIGHT);
        for (let part = 0; part < MAX_FLUSHES_IN_FLIGHT; part += 1) {
          const runs = taskRuns.slice(part * size, (part + 1) * size);
          if (runs.length === 0 && (part > 0 || logs.length === 0)) continue;
          void this.beginWrite(runs, part === 0 ? logs : []).catch((error: unknown) => (failure ??= { error }));
        }
      }
      // Flushes started elsewhere that fail put their items back, for the second pass to write.
      while (this.flushes.size > 0) await Promise.allSettled([...this.flushes]);
      if (this.pendingItems === 0) break;
    }
    if (failure !== null) throw (failure as { error: unknown }).error;
  }

  private beginWrite(taskRuns: TaskRunWrite[], logs: LogInput[]): Promise<void> {
    for (const write of taskRuns) this.writingRuns.add(write.id);
    if (logs.length > 0) this.isWritingLogs = true;
    const flushing: Promise<void> = this.write(taskRuns, logs).finally(() => {
      for (const write of taskRuns) this.writingRuns.delete(write.id);
      if (logs.length > 0) this.isWritingLogs = false;
      this.flushes.delete(flushing);
      // Held runs (or items added meanwhile) go with the next flush, at the latest on the timer.
      if (this.pendingItems > 0 && this.timer === null) this.startTimer();
    });
    this.flushes.add(flushing);
    return flushing;
  }

  private async write(taskRuns: TaskRunWrite[], logs: LogInput[]): Promise<void> {
    let written = 0;
    for (let attempt = 1; ; attempt += 1) {
      try {
        if (written === 0 && taskRuns.length > 0) {
          const result = await this.client.writeTaskRuns(taskRuns);
          written = 1;
          this.reportRefusals(result);
        } else written = 1;
        if (logs.length > 0) await this.client.appendLogs(logs);
        return;
      } catch (error) {
        if (attempt >= FLUSH_ATTEMPTS) {
          this.putBack(written === 0 ? taskRuns : [], logs);
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }

  // Items of a failed flush go back in front of newer ones, keeping their order.
  private putBack(taskRuns: TaskRunWrite[], logs: LogInput[]): void {
    const newer = this.taskRuns;
    this.taskRuns = new Map(taskRuns.map((write) => [write.id, write]));
    let items = logs.length;
    for (const write of taskRuns) items += write.states.length;
    for (const [id, write] of newer) {
      const older = this.taskRuns.get(id);
      if (older === undefined) this.taskRuns.set(id, write);
      else older.states.push(...write.states);
    }
    this.logs = [...logs, ...this.logs];
    this.pendingItems += items;
    this.openTaskRuns = 0;
    for (const write of this.taskRuns.values()) if (isOpenWrite(write)) this.openTaskRuns += 1;
  }

  /** Stop the timers (pending items stay until the next flush; waiting runs start). */
  stopTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }
}

/** A run waiting for a turn of the event loop to start. */
interface QueuedRun {
  start: () => void;
  fail: (error: unknown) => void;
}

/** A write of a run: its fields copied into one literal shape (a spread costs ~1 µs per run). */
function writeOf(fields: TaskRunFields, states: State[]): TaskRunWrite {
  return {
    id: fields.id,
    flowRunId: fields.flowRunId,
    name: fields.name,
    taskKey: fields.taskKey,
    dynamicKey: fields.dynamicKey,
    tags: fields.tags,
    inputs: fields.inputs,
    cacheKey: fields.cacheKey,
    cacheExpiration: fields.cacheExpiration,
    retryPolicy: fields.retryPolicy,
    subflowRunId: fields.subflowRunId,
    states,
  };
}

/** Whether the latest state of a write is not final. */
function isOpenWrite(write: TaskRunWrite): boolean {
  const last = write.states[write.states.length - 1];
  return last !== undefined && !isTerminalStateType(last.type);
}

function reportFlushError(error: unknown): void {
  // Background flushes have no caller to reject; the next flush (at the latest at run end) retries.
  process.stderr.write(`weir: writing task runs/logs failed, will retry: ${error instanceof Error ? error.message : String(error)}\n`);
}
