/**
 * Wake-ups of claims waiting at the server (`POST /api/task-queue-items/claim` with
 * `waitSeconds`): a waiting claim sleeps until an item is enqueued on its queue through this
 * server, its re-check interval passes (items enqueued elsewhere: another server, a direct
 * database connection), or its request is abandoned. In process only; nothing is shared between
 * servers.
 */

/** Waiting claims by queue name. */
export class TaskQueueWakeups {
  private readonly waiting = new Map<string, Set<() => void>>();

  /** Resolve after `ms`, when `wake` names `queue`, or when `signal` aborts, whichever is first. */
  wait(queue: string, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const waiters = this.waiting.get(queue) ?? new Set<() => void>();
      this.waiting.set(queue, waiters);
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        waiters.delete(done);
        if (waiters.size === 0 && this.waiting.get(queue) === waiters) this.waiting.delete(queue);
        resolve();
      };
      const timer = setTimeout(done, ms);
      waiters.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  /** Wake every claim waiting on these queues. */
  wake(queues: Iterable<string>): void {
    for (const queue of new Set(queues)) {
      const waiters = this.waiting.get(queue);
      if (waiters === undefined) continue;
      this.waiting.delete(queue);
      for (const done of waiters) done();
    }
  }

  /** How many claims are waiting (for tests). */
  get waitingCount(): number {
    let count = 0;
    for (const waiters of this.waiting.values()) count += waiters.size;
    return count;
  }
}
