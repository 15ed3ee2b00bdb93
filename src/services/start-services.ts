/**
 * Start Weir's background services over one service-layer context: scheduler, late runs, crash
 * detection, cancellation cleanup, concurrency lease expiry, retention (off by default),
 * notification delivery and automations. Each
 * is a `runLoop` with the shared clock, sleep and leadership (one leader per loop on PostgreSQL);
 * `stop()` aborts every loop, waits for the current ticks and gives up leadership.
 *
 * @example const services = startServices(context, { retentionSeconds: 30 * 86_400 }); … await services.stop();
 */
import type { OrchestrationContext } from "../orchestration/orchestration-context.js";
import { createAutomationsService } from "./automations-service.js";
import { createCancellationCleanupService } from "./cancellation-cleanup-service.js";
import { createCrashDetectionService } from "./crash-detection-service.js";
import { createLateRunsService } from "./late-runs-service.js";
import { createLeadership } from "./create-leadership.js";
import { createLeaseExpiryService } from "./lease-expiry-service.js";
import { createNotificationDeliveryService } from "./notification-delivery-service.js";
import { createRetentionService } from "./retention-service.js";
import { runLoop } from "./run-loop.js";
import { createSchedulerService } from "./scheduler-service.js";
import type { ServiceLoop } from "./service-loop.js";
import { compileServicesOptions, type CompiledServicesOptions, type ServiceName, type ServicesObserver, type ServicesOptions } from "./services-options.js";

export { compileServicesOptions, type ServicesOptions } from "./services-options.js";

/** Running services. */
export interface RunningServices {
  /** Names of the loops that run. */
  names: readonly ServiceName[];
  /** Stop every loop (idempotent); resolves when all have stopped and leadership is released. */
  stop(): Promise<void>;
}

/** Build the enabled service loops (without running them). */
export function createServiceLoops(ctx: OrchestrationContext, options: CompiledServicesOptions): ServiceLoop[] {
  const ms = (seconds: number): number => seconds * 1000;
  const all: Record<ServiceName, () => ServiceLoop> = {
    scheduler: () =>
      createSchedulerService(ctx, {
        intervalMs: ms(options.schedulerIntervalSeconds),
        horizonSeconds: options.scheduleHorizonSeconds,
        minRuns: options.scheduleMinRuns,
        maxRuns: options.scheduleMaxRuns,
        maxLatenessSeconds: options.scheduleMaxLatenessSeconds,
        onError: options.onError,
        onLog: options.onLog,
        onSkippedSlotCount: (count, policy) => options.observer?.onSkippedSlots?.(count, policy),
      }),
    "late-runs": () => createLateRunsService(ctx, { intervalMs: ms(options.lateRunsIntervalSeconds), lateAfterSeconds: options.lateAfterSeconds }),
    "crash-detection": () =>
      createCrashDetectionService(ctx, {
        intervalMs: ms(options.crashDetectionIntervalSeconds),
        missedHeartbeats: options.missedHeartbeats,
        defaultHeartbeatIntervalSeconds: options.defaultHeartbeatIntervalSeconds,
      }),
    "cancellation-cleanup": () =>
      createCancellationCleanupService(ctx, {
        intervalMs: ms(options.cancellationCleanupIntervalSeconds),
        missedHeartbeats: options.missedHeartbeats,
        defaultHeartbeatIntervalSeconds: options.defaultHeartbeatIntervalSeconds,
      }),
    "lease-expiry": () => createLeaseExpiryService(ctx, { intervalMs: ms(options.leaseExpiryIntervalSeconds) }),
    retention: () => createRetentionService(ctx, { intervalMs: ms(options.retentionIntervalSeconds), retentionSeconds: options.retentionSeconds ?? 0 }),
    "notification-delivery": () =>
      createNotificationDeliveryService(ctx, {
        intervalMs: ms(options.notificationIntervalSeconds),
        concurrency: options.notificationConcurrency,
        backoffSeconds: options.notificationBackoffSeconds,
        settings: options.notificationSettings,
        onError: options.onError,
      }),
    automations: () => createAutomationsService(ctx, { intervalMs: ms(options.automationsIntervalSeconds), onError: options.onError }),
  };
  return (Object.keys(all) as ServiceName[]).filter((name) => options.enabled[name]).map((name) => all[name]());
}

// A tick that reports its duration once it ends without an error (failures go to onError).
function timed(loop: ServiceLoop, observer: ServicesObserver): ServiceLoop["tick"] {
  return async (tickContext) => {
    const startedAt = performance.now();
    await loop.tick(tickContext);
    observer.onTick(loop.name, (performance.now() - startedAt) / 1000);
  };
}

/** Start the background services (see file header). Throws VALIDATION on bad options. */
export function startServices(ctx: OrchestrationContext, options: ServicesOptions = {}): RunningServices {
  const compiled = compileServicesOptions(options);
  // The use cases read time from the context: give them the services' clock when one is set.
  const context: OrchestrationContext = compiled.clock ? { ...ctx, clock: compiled.clock } : ctx;
  const leadership = compiled.leadership ?? createLeadership(ctx.database, compiled.databaseUrl);
  const controller = new AbortController();
  const loops = createServiceLoops(context, compiled);
  const running = loops.map((loop) =>
    runLoop({
      ...loop,
      tick: compiled.observer ? timed(loop, compiled.observer) : loop.tick,
      clock: context.clock,
      sleep: compiled.sleep,
      signal: controller.signal,
      onError: compiled.onError,
      leader: leadership,
      ...(loop.wakeUp ? { wakeUp: loop.wakeUp } : {}),
    }),
  );
  let stopping: Promise<void> | null = null;
  return {
    names: loops.map((loop) => loop.name as ServiceName),
    stop: () =>
      (stopping ??= (async () => {
        controller.abort();
        await Promise.all(running);
        await Promise.all(loops.map(async (loop) => loop.drain?.()));
        if (!compiled.leadership) await leadership.release();
      })()),
  };
}
