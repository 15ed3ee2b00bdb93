/**
 * The notification-delivery service: sends the notifications of the outbox
 * (src/orchestration/notifications/notification-outbox.ts).
 *
 * Each tick claims as many due deliveries as there are free slots (`concurrency`) and starts
 * sending them without waiting: a slow receiver holds one slot for at most one attempt's timeout
 * and never delays the next tick, the other services or the request that enqueued. The loop
 * sleeps `intervalMs` between ticks, or less: an enqueue in this process, or a finished send
 * (a slot came free), wakes it. A failed attempt that may be retried is due again after
 * `backoffSeconds × 2^(attempt−1)` (at most 600 s, ±20 % jitter, or the receiver's Retry-After
 * when longer) until the delivery's `maxAttempts`; each outcome is recorded on the row. A claim
 * lasts three attempt timeouts: a server that dies mid-send leaves the row to be claimed again.
 * On stop, sends in flight are aborted and their rows given back untried (`drain`).
 */
import type { Clock } from "../core/clock.js";
import type { OrchestrationContext } from "../orchestration/orchestration-context.js";
import type { DeliveryOutcome } from "../orchestration/notifications/delivery-outcome.js";
import { deliverNotification, type DeliverySettings } from "../orchestration/notifications/deliver-notification.js";
import { createNotificationOutbox, type ClaimedNotification } from "../orchestration/notifications/notification-outbox.js";
import { notificationDashboardBaseUrl, onNotificationEnqueued } from "../orchestration/notifications/notification-runtime.js";
import type { ServiceLoop } from "./service-loop.js";

/** Longest wait between two attempts, in seconds. */
export const MAX_NOTIFICATION_BACKOFF_SECONDS = 600;

/** Options of the notification-delivery service. */
export interface NotificationDeliveryServiceOptions {
  intervalMs: number;
  /** Sends at the same time. */
  concurrency: number;
  /** Wait before the first retry, in seconds (doubled each attempt). */
  backoffSeconds: number;
  /** Timeout, SMTP defaults and (without a dashboard base URL) `fetch`; the dashboard's base URL is read per send. */
  settings: Omit<DeliverySettings, "dashboardBaseUrl">;
  /** Where errors of recording outcomes go. */
  onError(error: unknown, serviceName: string): void;
  /** Jitter source in [0, 1). @default Math.random */
  random?: () => number;
}

/** The wait before the attempt after attempt number `attempt` (1-based) failed, in seconds (see file header). */
export function notificationBackoffSeconds(attempt: number, baseSeconds: number, random: () => number = Math.random): number {
  const exponential = Math.min(MAX_NOTIFICATION_BACKOFF_SECONDS, baseSeconds * 2 ** Math.max(0, attempt - 1));
  return exponential * (0.8 + 0.4 * random());
}

/** A wake-up that can be waited for (resolves at the next `wake()`, or when the signal aborts). */
function createWakeSignal() {
  let waiting: (() => void)[] = [];
  let isPending = false;
  return {
    wake(): void {
      const current = waiting;
      waiting = [];
      if (current.length === 0) isPending = true;
      for (const resolve of current) resolve();
    },
    wait(signal: AbortSignal): Promise<void> {
      if (isPending || signal.aborted) {
        isPending = false;
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        const done = (): void => {
          signal.removeEventListener("abort", done);
          waiting = waiting.filter((each) => each !== done);
          resolve();
        };
        waiting.push(done);
        signal.addEventListener("abort", done, { once: true });
      });
    },
  };
}

/** Build the service (see file header); its `stop` is the loop's signal, then `drain()`. */
export function createNotificationDeliveryService(ctx: OrchestrationContext, options: NotificationDeliveryServiceOptions): ServiceLoop & { drain(): Promise<void> } {
  const name = "notification-delivery";
  const outbox = createNotificationOutbox(ctx);
  const clock: Clock = ctx.clock;
  const random = options.random ?? Math.random;
  const inFlight = new Set<Promise<void>>();
  const wakeSignal = createWakeSignal();
  // The enqueue wakes us before its transaction commits: look once more a moment later.
  const stopListening = onNotificationEnqueued(ctx.database, () => {
    wakeSignal.wake();
    setTimeout(() => wakeSignal.wake(), 100).unref();
  });
  const claimMs = options.settings.timeoutMs * 3 + 5000;

  async function record(delivery: ClaimedNotification, outcome: DeliveryOutcome): Promise<void> {
    const now = clock.now();
    if (outcome.isSent) return outbox.recordSent(delivery.id, now);
    if (!outcome.isRetryable) {
      await outbox.recordFailure(delivery.id, now, outcome.reason, null);
      return;
    }
    const waitSeconds = Math.max(notificationBackoffSeconds(delivery.attempt, options.backoffSeconds, random), Math.min(outcome.retryAfterSeconds ?? 0, 3600));
    const status = await outbox.recordFailure(delivery.id, now, outcome.reason, new Date(now.getTime() + waitSeconds * 1000));
    // A retry due before the next poll: wake the loop for it.
    if (status === "pending" && waitSeconds * 1000 < options.intervalMs) setTimeout(() => wakeSignal.wake(), waitSeconds * 1000 + 5).unref();
  }

  async function send(delivery: ClaimedNotification, signal: AbortSignal): Promise<void> {
    const settings: DeliverySettings = { ...options.settings, dashboardBaseUrl: notificationDashboardBaseUrl(ctx.database) };
    let outcome: DeliveryOutcome;
    try {
      outcome = await deliverNotification(delivery.action, delivery.message, settings, signal);
    } catch (error) {
      // Only a stop aborts a send: give the row back untried.
      if (signal.aborted) return outbox.release(delivery.id, clock.now());
      throw error;
    }
    await record(delivery, outcome);
  }

  return {
    name,
    intervalMs: options.intervalMs,
    async tick({ now, signal }) {
      const free = options.concurrency - inFlight.size;
      if (free <= 0) return;
      const claimed = await outbox.claimDue(now, free, new Date(now.getTime() + claimMs));
      for (const delivery of claimed) {
        const sending: Promise<void> = send(delivery, signal)
          .catch((error: unknown) => options.onError(error, name))
          .finally(() => {
            inFlight.delete(sending);
            wakeSignal.wake();
          });
        inFlight.add(sending);
      }
    },
    wakeUp: (signal) => wakeSignal.wait(signal),
    async drain() {
      stopListening();
      await Promise.allSettled([...inFlight]);
    },
  };
}
