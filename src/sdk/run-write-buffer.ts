/**
 * The bounded buffer through which the engine records task runs and log lines.
 *
 * Task-run states and logs are many and small, so they are never written one by one: the buffer
 * gathers them and writes them in batches (every `flushIntervalMs`, or as soon as `maxItems` are
 * waiting), one flush at a time so that writes reach the store in the order they happened.
 * All states of one task run gathered in the same window travel as one `TaskRunWrite`. A failed
 * flush is retried a few times and its items are put back at the front, so nothing is lost.
 */
import type { LogInput, TaskRunWrite } from "../core/api-types.js";
import type { State } from "../core/states.js";
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

/** Buffers task-run writes and logs for one client and flushes them in batches. */
export class RunWriteBuffer {
  private readonly client: OrchestrationApi;
  private readonly flushIntervalMs: number;
  private readonly maxItems: number;
  private readonly highWaterMark: number;
  private taskRuns = new Map<string, TaskRunWrite>();
  private logs: LogInput[] = [];
  private pendingItems = 0;
  private timer: NodeJS.Timeout | null = null;
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
    if (this.pendingItems >= this.maxItems && this.flushing === null) void this.flush().catch(reportFlushError);
    else if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush().catch(reportFlushError);
      }, this.flushIntervalMs);
      this.timer.unref();
    }
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
    this.timer = null;
  }
}

function reportFlushError(error: unknown): void {
  // Background flushes have no caller to reject; the next flush (at the latest at run end) retries.
  process.stderr.write(`weir: writing task runs/logs failed, will retry: ${error instanceof Error ? error.message : String(error)}\n`);
}
