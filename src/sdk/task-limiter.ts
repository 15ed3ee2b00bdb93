import { WeirError } from "../core/weir-error.js";

/** A counting semaphore: at most `limit` holders at once (a flow's `taskConcurrency`). */
export class TaskLimiter {
  private readonly limit: number;
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw WeirError.validation("flow options", [{ path: "taskConcurrency", message: "must be a whole number ≥ 1" }]);
    }
    this.limit = limit;
  }

  /** Take a slot, waiting for one when all are taken. */
  acquire(): Promise<void> | undefined {
    if (this.active < this.limit) {
      this.active += 1;
      return undefined;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Give a slot back (to the longest waiter, if any). */
  release(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next();
    else this.active -= 1;
  }
}
