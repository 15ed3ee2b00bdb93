/**
 * A worker's batches of run log records: lines of its run processes' output, records its pooled
 * processes send, and its own notes. Records are written together every FLUSH_EVERY_MS, or at
 * once when FLUSH_AT_RECORDS are waiting; one batch at a time, in order. A batch that fails is
 * dropped: lost output must never fail a run, and the next batch still goes out.
 */
import type { OrchestrationApi } from "../client/orchestration-api.js";
import type { LogInput } from "../core/api-types.js";

const FLUSH_EVERY_MS = 200;
const FLUSH_AT_RECORDS = 200;

/** Log records on their way to the store. */
export interface LogBatcher {
  add(...records: LogInput[]): void;
  /** Write what is waiting now (without waiting for it). */
  flush(): void;
  /** Resolves once every batch started so far was written (or failed). */
  written(): Promise<void>;
  /** Stop the timer, write what is waiting and wait for it. */
  close(): Promise<void>;
}

/** Batches for `client.appendLogs` (see file header). */
export function createLogBatcher(client: Pick<OrchestrationApi, "appendLogs">): LogBatcher {
  let pending: LogInput[] = [];
  let writing: Promise<void> = Promise.resolve();
  const flush = (): void => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    writing = writing.then(() => client.appendLogs(batch)).catch(() => undefined);
  };
  const timer = setInterval(flush, FLUSH_EVERY_MS);
  timer.unref();
  return {
    add(...records) {
      pending.push(...records);
      if (pending.length >= FLUSH_AT_RECORDS) flush();
    },
    flush,
    written: () => writing,
    async close() {
      clearInterval(timer);
      flush();
      await writing;
    },
  };
}
