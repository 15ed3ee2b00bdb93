/**
 * Options of the background services, their documented defaults, and `compileServicesOptions`
 * (validate, fill defaults, freeze). Times are in seconds, like Prefect's service settings.
 */
import type { Clock, Sleep } from "../core/clock.js";
import { realSleep } from "../core/clock.js";
import { WeirError, type FieldIssue } from "../core/weir-error.js";
import { deliverySettingsFromEnv, type DeliverySettings } from "../orchestration/notifications/deliver-notification.js";
import type { Leadership } from "./leadership.js";

/** The background services by name. */
export const SERVICE_NAMES = ["scheduler", "late-runs", "crash-detection", "cancellation-cleanup", "lease-expiry", "retention", "notification-delivery", "automations"] as const;

/** A background service's name. */
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** What `startServices` accepts; every field is optional. */
export interface ServicesOptions {
  /** Turn single services off (or retention on). @default every service on; retention on only when `retentionSeconds` is set */
  enabled?: Partial<Record<ServiceName, boolean>>;
  /** Scheduler loop period. @default 10 */
  schedulerIntervalSeconds?: number;
  /** Create runs for slots due within this many seconds. @default 3600 (1 hour) */
  scheduleHorizonSeconds?: number;
  /** Keep at least this many future runs per schedule, even beyond the horizon. @default 3 */
  scheduleMinRuns?: number;
  /** At most this many runs created per schedule and pass. @default 100 */
  scheduleMaxRuns?: number;
  /** After downtime, slots due longer ago than this are skipped instead of run in a burst. @default 300 (5 minutes) */
  scheduleMaxLatenessSeconds?: number;
  /** Late-runs loop period. @default 5 */
  lateRunsIntervalSeconds?: number;
  /** A Scheduled run is marked Late this long after its due time. @default 15 */
  lateAfterSeconds?: number;
  /** Crash-detection loop period. @default 10 */
  crashDetectionIntervalSeconds?: number;
  /** Heartbeats a run may miss before it counts as crashed. @default 3 */
  missedHeartbeats?: number;
  /** Heartbeat interval assumed for a worker-claimed run that never sent its own. @default 30 */
  defaultHeartbeatIntervalSeconds?: number;
  /** Cancellation-cleanup loop period. @default 10 */
  cancellationCleanupIntervalSeconds?: number;
  /** Lease-expiry loop period. @default 30 */
  leaseExpiryIntervalSeconds?: number;
  /** Delete finished runs, their states and logs older than this. @default null (retention off) */
  retentionSeconds?: number | null;
  /** Retention loop period. @default 3600 */
  retentionIntervalSeconds?: number;
  /** How often the notification-delivery loop looks for due notifications besides being woken by each enqueue. @default 1 */
  notificationIntervalSeconds?: number;
  /** Notifications sent at the same time (each attempt is bounded by WEIR_NOTIFICATION_TIMEOUT_SECONDS). @default 8 */
  notificationConcurrency?: number;
  /** Wait before the first retry of a failed notification; doubled each attempt, at most 600 seconds. @default 10 */
  notificationBackoffSeconds?: number;
  /** Automations loop period (how soon a trigger sees a new event or a missed deadline). @default 1 */
  automationsIntervalSeconds?: number;
  /** @default the context's clock */
  clock?: Clock;
  /** @default real timers */
  sleep?: Sleep;
  /** Where loop errors go. @default one line on stderr per error */
  onError?: (error: unknown, serviceName: string) => void;
  /** Where loop notices go (the scheduler's skipped slots after downtime). @default one line on stdout each */
  onLog?: (line: string, serviceName: string) => void;
  /** Told of every tick this process led and every error, besides `onError` (the server's metrics). @default none */
  observer?: ServicesObserver;
  /** @default advisory locks on PostgreSQL, always leader on SQLite */
  leadership?: Leadership;
  /**
   * The database URL, so leader election on PostgreSQL uses a connection of its own whose
   * failures it can handle (see leadership.ts). @default none (a pooled connection is held)
   */
  databaseUrl?: string;
}

/** Watches the services for metrics. */
export interface ServicesObserver {
  /** A tick this process led ended without an error, after `durationSeconds`. */
  onTick(serviceName: string, durationSeconds: number): void;
  /** A tick failed, or a part of one (a schedule the scheduler could not plan). */
  onError(serviceName: string): void;
  /** The scheduler skipped `count` missed slots of one schedule after downtime, by its catch-up policy. @default ignored */
  onSkippedSlots?(count: number, policy: string): void;
}

/** Options after `compileServicesOptions`: all fields present (clock may still come from the context). */
export type CompiledServicesOptions = Readonly<
  Required<Omit<ServicesOptions, "enabled" | "clock" | "leadership" | "retentionSeconds" | "databaseUrl" | "observer">> & {
    observer: ServicesObserver | undefined;
    databaseUrl: string | undefined;
    enabled: Readonly<Record<ServiceName, boolean>>;
    retentionSeconds: number | null;
    /** From WEIR_NOTIFICATION_TIMEOUT_SECONDS, WEIR_SMTP_URL and WEIR_SMTP_FROM. */
    notificationSettings: Omit<DeliverySettings, "dashboardBaseUrl">;
    clock: Clock | undefined;
    leadership: Leadership | undefined;
  }
>;

const SECONDS_DEFAULTS = {
  schedulerIntervalSeconds: 10,
  scheduleHorizonSeconds: 3600,
  scheduleMaxLatenessSeconds: 300,
  lateRunsIntervalSeconds: 5,
  lateAfterSeconds: 15,
  crashDetectionIntervalSeconds: 10,
  defaultHeartbeatIntervalSeconds: 30,
  cancellationCleanupIntervalSeconds: 10,
  leaseExpiryIntervalSeconds: 30,
  retentionIntervalSeconds: 3600,
  notificationIntervalSeconds: 1,
  notificationBackoffSeconds: 10,
  automationsIntervalSeconds: 1,
} as const;

const COUNT_DEFAULTS = { scheduleMinRuns: 3, scheduleMaxRuns: 100, missedHeartbeats: 3, notificationConcurrency: 8 } as const;

function defaultOnLog(line: string, serviceName: string): void {
  console.log(`weir: service ${serviceName}: ${line}`);
}

/** The same failure of one service is logged at most this often (a 1 s loop would log every second of an outage). */
const REPEATED_FAILURE_LOG_INTERVAL_MS = 60_000;
const lastLoggedFailure = new Map<string, { message: string; atMs: number }>();

function defaultOnError(error: unknown, serviceName: string): void {
  const message = error instanceof Error ? error.message : String(error);
  const last = lastLoggedFailure.get(serviceName);
  const nowMs = Date.now();
  if (last !== undefined && last.message === message && nowMs - last.atMs < REPEATED_FAILURE_LOG_INTERVAL_MS) return;
  lastLoggedFailure.set(serviceName, { message, atMs: nowMs });
  console.error(`weir: service ${serviceName} failed: ${message}`);
}

function observedOnError(onError: (error: unknown, serviceName: string) => void, observer: ServicesObserver | undefined): (error: unknown, serviceName: string) => void {
  if (!observer) return onError;
  return (error, serviceName) => {
    observer.onError(serviceName);
    onError(error, serviceName);
  };
}

/** Validate options (a VALIDATION error names each bad field), fill the documented defaults, freeze. */
export function compileServicesOptions(options: ServicesOptions = {}): CompiledServicesOptions {
  const issues: FieldIssue[] = [];
  const seconds = { ...SECONDS_DEFAULTS } as Record<keyof typeof SECONDS_DEFAULTS, number>;
  for (const key of Object.keys(SECONDS_DEFAULTS) as (keyof typeof SECONDS_DEFAULTS)[]) {
    const value = options[key];
    if (value === undefined) continue;
    const isZeroAllowed = key === "scheduleMaxLatenessSeconds" || key === "lateAfterSeconds" || key === "scheduleHorizonSeconds";
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (!isZeroAllowed && value === 0)) {
      issues.push({ path: key, message: isZeroAllowed ? "must be a number of seconds ≥ 0" : "must be a number of seconds > 0" });
    } else seconds[key] = value;
  }
  const counts = { ...COUNT_DEFAULTS } as Record<keyof typeof COUNT_DEFAULTS, number>;
  for (const key of Object.keys(COUNT_DEFAULTS) as (keyof typeof COUNT_DEFAULTS)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || (value) < (key === "scheduleMinRuns" ? 0 : 1)) issues.push({ path: key, message: `must be an integer ≥ ${key === "scheduleMinRuns" ? 0 : 1}` });
    else counts[key] = value;
  }
  if (counts.scheduleMinRuns > counts.scheduleMaxRuns) issues.push({ path: "scheduleMinRuns", message: "must not exceed scheduleMaxRuns" });
  const retentionSeconds = options.retentionSeconds ?? null;
  if (retentionSeconds !== null && (typeof retentionSeconds !== "number" || !Number.isFinite(retentionSeconds) || retentionSeconds <= 0)) {
    issues.push({ path: "retentionSeconds", message: "must be a number of seconds > 0, or null to keep everything" });
  }
  const enabled = Object.fromEntries(SERVICE_NAMES.map((name) => [name, name === "retention" ? retentionSeconds !== null : true])) as Record<ServiceName, boolean>;
  const wanted = options.enabled ?? {};
  if (typeof wanted !== "object" || wanted === null || Array.isArray(wanted)) issues.push({ path: "enabled", message: "must be an object of service name → boolean" });
  for (const [name, isOn] of Object.entries(typeof wanted === "object" && wanted !== null && !Array.isArray(wanted) ? wanted : {})) {
    if (!(SERVICE_NAMES as readonly string[]).includes(name)) issues.push({ path: `enabled.${name}`, message: `unknown service (one of ${SERVICE_NAMES.join(", ")})` });
    else if (typeof isOn !== "boolean") issues.push({ path: `enabled.${name}`, message: "must be a boolean" });
    else enabled[name as ServiceName] = isOn;
  }
  if (enabled.retention && retentionSeconds === null) issues.push({ path: "retentionSeconds", message: "is required when retention is enabled" });
  let notificationSettings: Omit<DeliverySettings, "dashboardBaseUrl"> = { smtpUrl: null, smtpFrom: null, timeoutMs: 10_000 };
  try {
    const { smtpUrl, smtpFrom, timeoutMs } = deliverySettingsFromEnv(null);
    notificationSettings = { smtpUrl, smtpFrom, timeoutMs };
  } catch (error) {
    issues.push({ path: "WEIR_NOTIFICATION_TIMEOUT_SECONDS", message: error instanceof Error ? error.message.replace(/^WEIR_NOTIFICATION_TIMEOUT_SECONDS: /, "") : String(error) });
  }
  if (issues.length > 0) throw WeirError.validation("services options", issues);
  return Object.freeze({
    ...seconds,
    ...counts,
    enabled: Object.freeze(enabled),
    retentionSeconds,
    notificationSettings: Object.freeze(notificationSettings),
    clock: options.clock,
    sleep: options.sleep ?? realSleep,
    onError: observedOnError(options.onError ?? defaultOnError, options.observer),
    onLog: options.onLog ?? defaultOnLog,
    observer: options.observer,
    leadership: options.leadership,
    databaseUrl: options.databaseUrl,
  });
}
