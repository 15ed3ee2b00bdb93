/** Lease expiry: removes concurrency leases whose holder stopped renewing them or whose flow run ended (see expire-concurrency-leases.ts). */
import type { OrchestrationContext } from "../orchestration/orchestration-context.js";
import { expireConcurrencyLeases } from "../orchestration/maintenance/expire-concurrency-leases.js";
import type { ServiceLoop } from "./service-loop.js";

/** The lease-expiry loop. */
export function createLeaseExpiryService(ctx: OrchestrationContext, options: { intervalMs: number }): ServiceLoop {
  return {
    name: "lease-expiry",
    intervalMs: options.intervalMs,
    tick: async () => {
      await expireConcurrencyLeases(ctx);
    },
  };
}
