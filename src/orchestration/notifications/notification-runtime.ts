/**
 * What the notification code of one process shares per open database, without a field on the
 * orchestration context: the wake-up of the delivery service (so an enqueued notification is
 * sent at once, not at the next poll) and the dashboard's base URL (`WEIR_UI_URL`, else the URL
 * the server listens on, which is known only once it listens).
 */
import type { WeirDatabase } from "../../db/weir-database.js";

interface Runtime {
  wakeListeners: Set<() => void>;
  serverUrl: string | null;
}

const runtimes = new WeakMap<WeirDatabase, Runtime>();

function runtimeOf(database: WeirDatabase): Runtime {
  let runtime = runtimes.get(database);
  if (runtime === undefined) {
    runtime = { wakeListeners: new Set(), serverUrl: null };
    runtimes.set(database, runtime);
  }
  return runtime;
}

/** Listen for enqueued notifications on `database`; returns the function that stops listening. */
export function onNotificationEnqueued(database: WeirDatabase, listener: () => void): () => void {
  const { wakeListeners } = runtimeOf(database);
  wakeListeners.add(listener);
  return () => wakeListeners.delete(listener);
}

/**
 * Tell this process's delivery service that notifications were enqueued. Called right after the
 * insert, maybe before its transaction commits, so listeners look again a moment later too.
 */
export function wakeNotificationDelivery(database: WeirDatabase): void {
  for (const listener of runtimeOf(database).wakeListeners) {
    try {
      listener();
    } catch {
      // A listener's failure must not fail the enqueue.
    }
  }
}

/** Record the URL the server listens on (the default dashboard base). */
export function setNotificationServerUrl(database: WeirDatabase, url: string): void {
  runtimeOf(database).serverUrl = url;
}

/** The dashboard's base URL: `WEIR_UI_URL`, else the server's URL, else null (embedded mode). */
export function notificationDashboardBaseUrl(database: WeirDatabase, env: NodeJS.ProcessEnv = process.env): string | null {
  const configured = env.WEIR_UI_URL?.trim();
  const base = configured !== undefined && configured !== "" ? configured : runtimeOf(database).serverUrl;
  return base === null ? null : base.replace(/\/+$/, "");
}
