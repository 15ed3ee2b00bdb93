/**
 * Keeps the concurrency slots this process holds (tag limits of running tasks) leased: a slot is
 * leased for `concurrencyLeaseSeconds()` and one loop per client renews every held lease each
 * third of that, so a task holds its slot for as long as it runs, and a process that dies loses
 * its slots within one lease (or sooner, when crash detection ends its flow run). No timer runs
 * while nothing is held.
 */
import type { OrchestrationApi } from "../client/orchestration-api.js";
import { WeirError } from "../core/weir-error.js";

/** Seconds a concurrency slot is leased for (WEIR_CONCURRENCY_LEASE_SECONDS). @default 30 */
export function concurrencyLeaseSeconds(): number {
  const value = Number(process.env.WEIR_CONCURRENCY_LEASE_SECONDS);
  return Number.isFinite(value) && value > 0 && value <= 86_400 ? value : 30;
}

/** Renews the leases one client holds (see the file header). */
export class ConcurrencyLeaseRenewer {
  private readonly held = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private intervalMs = 0;

  constructor(private readonly client: OrchestrationApi) {}

  /** Keep renewing `leaseId` (leased for `leaseSeconds`) until `release`. */
  hold(leaseId: string, leaseSeconds: number): void {
    this.held.set(leaseId, leaseSeconds);
    const intervalMs = Math.max(50, (leaseSeconds * 1000) / 3);
    if (this.timer !== null && intervalMs >= this.intervalMs) return;
    this.stopTimer();
    this.intervalMs = intervalMs;
    this.timer = setInterval(this.renewAll, intervalMs);
    this.timer.unref();
  }

  /** Stop renewing `leaseId` and give its slots back. */
  async release(leaseId: string): Promise<void> {
    this.held.delete(leaseId);
    if (this.held.size === 0) this.stopTimer();
    await this.client.releaseConcurrencyLease(leaseId).catch(() => undefined);
  }

  /** How many leases are being renewed. */
  get size(): number {
    return this.held.size;
  }

  private readonly renewAll = (): void => {
    for (const [leaseId, leaseSeconds] of this.held) {
      this.client.renewConcurrencyLease(leaseId, leaseSeconds).catch((error: unknown) => {
        // Gone (expired while this process stalled, or released by the server because its flow
        // run ended): renewing again cannot help. Other failures are retried on the next round.
        if (!(error instanceof WeirError && error.code === "NOT_FOUND") || !this.held.delete(leaseId)) return;
        if (this.held.size === 0) this.stopTimer();
        process.stderr.write(`weir: a concurrency slot lease (${leaseId}) was lost: ${error.message}\n`);
      });
    }
  };

  private stopTimer(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}

const renewers = new WeakMap<OrchestrationApi, ConcurrencyLeaseRenewer>();

/** The renewer of `client` (one per client, so one loop per process). */
export function leaseRenewerFor(client: OrchestrationApi): ConcurrencyLeaseRenewer {
  let renewer = renewers.get(client);
  if (renewer === undefined) {
    renewer = new ConcurrencyLeaseRenewer(client);
    renewers.set(client, renewer);
  }
  return renewer;
}
