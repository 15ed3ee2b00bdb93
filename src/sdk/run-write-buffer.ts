/**
 * The bounded buffer through which the engine records task runs and log lines.
 *
 * Task-run states and logs are many and small, so they are never written one by one: the buffer
 * gathers them and writes them in batches (every `flushIntervalMs`, or at the end of the
 * event-loop turn in which `maxItems` are waiting; writers wait only past `highWaterMark`), one
 * flush at a time so that writes reach the store in the order they happened.
 * All states of one task run gathered in the same window travel as one `TaskRunWrite`. A failed
 * flush is retried a few times and its items are put back at the front, so nothing is lost.
 */
import type { LogInput, TaskRunWrite } from "../core/api-types.js";
import { isTerminalStateType, type State } from "../core/states.js";
import type { OrchestrationApi } from "../client/orchestration-api.js";

/** Fields of a task run that do not change between its states. */
export type TaskRunFields = Omit<TaskRunWrite, "states">;

/** Options of a RunWriteBuffer. */
export interface RunWriteBufferOptions {
  /** @default 50 */
  flushIntervalMs?: number;
  /** Pending items that start a flush at once. @default 1000 */
  maxItems?: number;
  /** Pending items above which writers must wait for a flush (back-pressure). @default 20000 */
  highWaterMark?: number;
}

const FLUSH_ATTEMPTS = 5;
// While a flush is under way, every this many new items the writer waits for one turn of the event loop.
const YIELD_EVERY_ITEMS = 64;

/** Buffers task-run writes and logs for one client and flushes them in batches. */
export class RunWriteBuffer {
  private readonly client: OrchestrationApi;
  private readonly flushIntervalMs: number;
  private readonly maxItems: number;
  private readonly highWaterMark: number;
  private taskRuns = new Map<string, TaskRunWrite>();
  // Ids of buffered task runs whose latest state is not final (see `added`).
  private readonly openTaskRuns = new Set<string>();
  private logs: LogInput[] = [];
  private pendingItems = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private flushing: Promise<void> | null = null;

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

  /** Record a new state of a task run; returns a promise to await only when the buffer is full. */
  addTaskRunState(fields: TaskRunFields, state: State): Promise<void> | undefined {
    if (isTerminalStateType(state.type)) this.openTaskRuns.delete(fields.id);
    else this.openTaskRuns.add(fields.id);
    const write = this.taskRuns.get(fields.id);
    if (write === undefined) this.taskRuns.set(fields.id, { ...fields, states: [state] });
    else write.states.push(state);
    return this.added();
  }

  /** Record changed fields of a task run without a new state (e.g. its cache key). */
  updateTaskRunFields(fields: TaskRunFields): void {
    const write = this.taskRuns.get(fields.id);
    if (write === undefined) this.taskRuns.set(fields.id, { ...fields, states: [] });
    else Object.assign(write, fields, { states: write.states });
  }

  /** Record a log line. */
  addLog(log: LogInput): Promise<void> | undefined {
    this.logs.push(log);
    return this.added();
  }

  private added(): Promise<void> | undefined {
    this.pendingItems += 1;
    if (this.pendingItems >= this.highWaterMark) return this.flush();
    const isFull = this.pendingItems >= this.maxItems && this.flushing === null && this.immediate === null;
    if (isFull && this.openTaskRuns.size * 2 <= this.taskRuns.size) void this.flush().catch(reportFlushError);
    else if (isFull) {
      // Most task runs waiting here have not ended (many submitted at once): flush once this turn
      // of the event loop ends, not now, so that the final states the same burst of work adds
      // next join this batch and each of those runs is written once instead of twice.
      // Otherwise flush at once: small batches of short-lived objects, less garbage to promote.
      this.immediate = setImmediate(() => {
        this.immediate = null;
        void this.flush().catch(reportFlushError);
      });
    } else if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush().catch(reportFlushError);
      }, this.flushIntervalMs);
      this.timer.unref();
    }
    // A flush waiting on a database server progresses only when the event loop turns, which a
    // flow awaiting one quick task after another never lets it do: writers then yield now and
    // then, so the server writes one batch while the engine runs the next tasks.
    if (this.flushing !== null && this.pendingItems % YIELD_EVERY_ITEMS === 0) return new Promise((resolve) => setImmediate(resolve));
    return undefined;
  }

  /** Write everything pending now (waits for a flush under way first). */
  async flush(): Promise<void> {
    while (this.flushing !== null) await this.flushing.catch(() => undefined);
    if (this.pendingItems === 0) return;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const taskRuns = [...this.taskRuns.values()];
    const logs = this.logs;
    this.taskRuns = new Map();
    this.openTaskRuns.clear();
    this.logs = [];
    this.pendingItems = 0;
    this.flushing = this.write(taskRuns, logs).finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async write(taskRuns: TaskRunWrite[], logs: LogInput[]): Promise<void> {
    let written = 0;
    for (let attempt = 1; ; attempt += 1) {
      try {
        if (written === 0 && taskRuns.length > 0) await this.client.writeTaskRuns(taskRuns);
        written = 1;
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
    for (const [id, write] of newer) {
      const older = this.taskRuns.get(id);
      if (older === undefined) this.taskRuns.set(id, write);
      else older.states.push(...write.states);
    }
    this.logs = [...logs, ...this.logs];
    this.pendingItems += taskRuns.length + logs.length;
  }

  /** Stop the timer (pending items stay until the next flush). */
  stopTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }
}

function reportFlushError(error: unknown): void {
  // Background flushes have no caller to reject; the next flush (at the latest at run end) retries.
  process.stderr.write(`weir: writing task runs/logs failed, will retry: ${error instanceof Error ? error.message : String(error)}\n`);
}
