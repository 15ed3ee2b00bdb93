/**
 * `startServer`: opens the orchestration (migrations run on open), starts the background
 * services, and serves the REST API under /api and the dashboard at / until `close()`.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { homedir, hostname as machineName, networkInterfaces } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import type { Clock } from "../core/clock.js";
import { WeirError } from "../core/weir-error.js";
import { openOrchestration } from "../orchestration/create-orchestration.js";
import { setNotificationServerUrl } from "../orchestration/notifications/notification-runtime.js";
import type { OrchestrationContext } from "../orchestration/orchestration-context.js";
import type { RunningServices, ServicesOptions } from "../services/start-services.js";
import type { ServerMetrics } from "./server-metrics.js";
import { createApp } from "./create-app.js";
import type { ErrorLogger } from "./error-response.js";
import { isLoopbackName, type AllowedHosts } from "./host-guard.js";
import { DEFAULT_MAX_RESULT_BYTES } from "./routes/result-routes.js";
import { tracingIfConfigured } from "../core/tracing/weir-tracing.js";

/** Options of `startServer`. */
export interface StartServerOptions {
  /** Interface to bind. @default "127.0.0.1" */
  host?: string;
  /** Port to bind; 0 picks a free one. @default 4200 */
  port?: number;
  /** Database URL. @default WEIR_DATABASE_URL, else `sqlite://$WEIR_HOME/weir.db` */
  databaseUrl?: string;
  /** API key required on every route but health and ready. @default WEIR_API_KEY, else none */
  apiKey?: string;
  /** Allow a non-loopback host without an API key. @default false */
  isInsecure?: boolean;
  /** Run the background services (scheduler, late runs, crash detection, …). @default true */
  runServices?: boolean;
  /** Largest accepted request body in bytes. @default 10485760 */
  maxBodyBytes?: number;
  /** Folder of the built dashboard. @default <package>/ui/dist */
  uiDir?: string | null;
  /** Where the ready line goes. @default console.log */
  log?: (line: string) => void;
  /** On close, how long requests in flight may take before their connections are cut. @default 5000 */
  gracePeriodMs?: number;
  /** The clock of the service layer (tests move it). @default systemClock */
  clock?: Clock;
  /** Options passed to the background services. @default {} */
  servicesOptions?: ServicesOptions;
  /**
   * Host names served besides the loopback names and the bound address; `["*"]` serves any.
   * @default WEIR_ALLOWED_HOSTS (comma list), else none; bound to 0.0.0.0 or :: with an API key, any
   */
  allowedHosts?: readonly string[];
  /** Browser origins whose pages may call the API besides the server's own. @default WEIR_ALLOWED_ORIGINS (comma list), else none */
  allowedOrigins?: readonly string[];
  /** Whether job variables may change how a run's process starts (`NODE_OPTIONS`, `LD_PRELOAD`, …). @default WEIR_ALLOW_PROCESS_ENV, else true only with an API key */
  allowsProcessEnv?: boolean;
  /** Where unexpected errors of requests are logged (with their stack). @default console.error */
  logError?: ErrorLogger;
  /** Largest result the `server` result store accepts, in bytes. @default WEIR_RESULT_MAX_BYTES, else 67108864 (64 MiB) */
  maxResultBytes?: number;
}

/** A running server. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:4200` (the actual port when 0 was asked). */
  url: string;
  /**
   * The orchestration context (tests reach the database and the event bus through it).
   * @internal
   */
  context: OrchestrationContext;
  /** Stop services, close connections and the database. Safe to call twice. */
  close(): Promise<void>;
}

/** The options `startServer` acts on, validated, with defaults filled. */
export interface CompiledStartServerOptions {
  host: string;
  port: number;
  apiKey: string | undefined;
  databaseUrl: string;
  gracePeriodMs: number;
  allowedHosts: AllowedHosts;
  allowedOrigins: readonly string[];
  allowsProcessEnv: boolean;
  maxResultBytes: number;
  /** Retention age from WEIR_RETENTION_DAYS (null: keep everything); `servicesOptions.retentionSeconds` wins. */
  retentionSeconds: number | null;
  /** Retention pass period from WEIR_RETENTION_INTERVAL_SECONDS (null: the services' default, 3600); `servicesOptions.retentionIntervalSeconds` wins. */
  retentionIntervalSeconds: number | null;
}

/** Validate the listening options, fill defaults from the environment, and apply the loopback rule. */
export function compileStartServerOptions(options: StartServerOptions, env: NodeJS.ProcessEnv = process.env): CompiledStartServerOptions {
  const host = options.host ?? "127.0.0.1";
  if (host.trim() === "") throw new WeirError("VALIDATION", "host: must not be empty");
  const port = options.port ?? 4200;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new WeirError("VALIDATION", `port: expected an integer from 0 to 65535, got ${port}`);
  }
  const apiKey = options.apiKey ?? (env.WEIR_API_KEY || undefined);
  if (!apiKey && !isLoopbackHost(host) && !options.isInsecure) {
    throw new WeirError(
      "FORBIDDEN",
      `refusing to listen on non-loopback host '${host}' without an API key: set WEIR_API_KEY, or pass --insecure to accept anyone on the network`,
    );
  }
  const gracePeriodMs = options.gracePeriodMs ?? 5000;
  if (!Number.isInteger(gracePeriodMs) || gracePeriodMs < 0) {
    throw new WeirError("VALIDATION", `gracePeriodMs: expected a non-negative integer, got ${gracePeriodMs}`);
  }
  const databaseUrl = options.databaseUrl ?? defaultDatabaseUrl(env);
  const allowedOrigins = Object.freeze([...(options.allowedOrigins ?? commaList(env.WEIR_ALLOWED_ORIGINS))]);
  const allowedHosts = compileAllowedHosts(host, apiKey || undefined, options.allowedHosts ?? (env.WEIR_ALLOWED_HOSTS === undefined ? undefined : commaList(env.WEIR_ALLOWED_HOSTS)));
  const allowsProcessEnv = options.allowsProcessEnv ?? envFlag(env.WEIR_ALLOW_PROCESS_ENV, "WEIR_ALLOW_PROCESS_ENV") ?? Boolean(apiKey);
  const maxResultBytes = options.maxResultBytes ?? (env.WEIR_RESULT_MAX_BYTES?.trim() ? Number(env.WEIR_RESULT_MAX_BYTES) : DEFAULT_MAX_RESULT_BYTES);
  if (!Number.isSafeInteger(maxResultBytes) || maxResultBytes <= 0) {
    throw new WeirError("VALIDATION", `WEIR_RESULT_MAX_BYTES: expected a positive integer (bytes), got '${options.maxResultBytes ?? env.WEIR_RESULT_MAX_BYTES}'`);
  }
  const retentionDays = env.WEIR_RETENTION_DAYS?.trim() ? Number(env.WEIR_RETENTION_DAYS) : null;
  if (retentionDays !== null && !(Number.isFinite(retentionDays) && retentionDays > 0)) {
    throw new WeirError("VALIDATION", `WEIR_RETENTION_DAYS: expected a number of days > 0, got '${env.WEIR_RETENTION_DAYS}'`);
  }
  const retentionSeconds = retentionDays === null ? null : retentionDays * 86_400;
  const retentionIntervalSeconds = env.WEIR_RETENTION_INTERVAL_SECONDS?.trim() ? Number(env.WEIR_RETENTION_INTERVAL_SECONDS) : null;
  if (retentionIntervalSeconds !== null && !(Number.isFinite(retentionIntervalSeconds) && retentionIntervalSeconds > 0)) {
    throw new WeirError("VALIDATION", `WEIR_RETENTION_INTERVAL_SECONDS: expected a number of seconds > 0, got '${env.WEIR_RETENTION_INTERVAL_SECONDS}'`);
  }
  return Object.freeze({ host, port, apiKey: apiKey || undefined, databaseUrl, gracePeriodMs, allowedHosts, allowedOrigins, allowsProcessEnv, maxResultBytes, retentionSeconds, retentionIntervalSeconds });
}

/**
 * The Host names a server answers to. Loopback names always; the bound address; the configured
 * names. Bound to every interface (0.0.0.0, ::), also the machine's addresses and name, and any
 * name at all when an API key guards the data and no list was configured (behind a proxy the
 * public name is not known here).
 */
function compileAllowedHosts(host: string, apiKey: string | undefined, configured: readonly string[] | undefined): AllowedHosts {
  const names = (configured ?? []).map((name) => name.toLowerCase());
  if (names.includes("*")) return "any";
  const isWildcard = ["0.0.0.0", "::", "[::]"].includes(host);
  if (isWildcard && apiKey !== undefined && configured === undefined) return "any";
  if (isWildcard) {
    names.push(machineName().toLowerCase());
    for (const address of Object.values(networkInterfaces()).flat()) {
      if (address) names.push(address.family === "IPv6" ? `[${address.address.toLowerCase()}]` : address.address);
    }
  } else if (!isLoopbackName(host)) {
    names.push(host.includes(":") && !host.startsWith("[") ? `[${host.toLowerCase()}]` : host.toLowerCase());
  }
  return Object.freeze([...new Set(names)]);
}

function commaList(value: string | undefined): string[] {
  return (value ?? "").split(",").map((item) => item.trim()).filter((item) => item !== "");
}

function envFlag(value: string | undefined, name: string): boolean | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const lower = value.trim().toLowerCase();
  if (["1", "true", "yes"].includes(lower)) return true;
  if (["0", "false", "no"].includes(lower)) return false;
  throw new WeirError("VALIDATION", `${name}: expected 1 or 0, got '${value}'`);
}

/** Start the Weir server (see file header). */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const { host, port, apiKey, databaseUrl, gracePeriodMs, allowedHosts, allowedOrigins, allowsProcessEnv, maxResultBytes, retentionSeconds, retentionIntervalSeconds } = compileStartServerOptions(options);
  const log = options.log ?? console.log;
  const opened = await openOrchestration({ databaseUrl, ...(options.clock ? { clock: options.clock } : {}) });
  const stops: (() => Promise<void>)[] = [() => opened.close()];
  try {
    const metrics = await startMetrics(opened.context);
    stops.unshift(async () => metrics.close());
    if (options.runServices ?? true) {
      const services = await startBackgroundServices(opened.context, {
        databaseUrl,
        retentionSeconds,
        ...(retentionIntervalSeconds === null ? {} : { retentionIntervalSeconds }),
        observer: metrics.servicesObserver,
        ...options.servicesOptions,
      });
      stops.unshift(() => services.stop());
    }
    const shuttingDown = new AbortController();
    const tracing = await (tracingIfConfigured() ?? null);
    // Last, once the requests in flight have ended: export their spans.
    if (tracing !== null) stops.push(() => tracing.flush().catch(() => undefined));
    const { app } = createApp({
      orchestration: opened.orchestration,
      subscribe: (signal, filter) => opened.context.events.stream(AbortSignal.any([signal, shuttingDown.signal]), filter),
      isReady: async () => {
        await sql`select 1`.execute(opened.context.database.db);
        return true;
      },
      apiKey,
      allowedHosts,
      allowedOrigins,
      allowsProcessEnv,
      maxResultBytes,
      log: (line) => log(`Weir server: ${line}`),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.logError ? { logError: options.logError } : {}),
      maxBodyBytes: options.maxBodyBytes,
      uiDir: options.uiDir === undefined ? defaultUiDir() : options.uiDir,
      isClosing: () => shuttingDown.signal.aborted,
      metrics,
      tracing,
    });
    const { serve } = await import("@hono/node-server");
    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const listening = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(listening));
      listening.once("error", (cause: NodeJS.ErrnoException) => {
        // The first thing a newcomer meets when another server holds the port: say how to pick another.
        const why = cause.code === "EADDRINUSE" ? `port ${port} is in use (EADDRINUSE); choose another with --port (npm start: set WEIR_PORT)` : (cause.code ?? cause.message);
        reject(new WeirError("UNAVAILABLE", `cannot listen on ${host}:${port}: ${why}`, { cause }));
      });
    });
    // serve() uses node:http unless told otherwise.
    stops.unshift(() => closeGracefully(server as Server, shuttingDown, gracePeriodMs));
    const address = server.address() as AddressInfo;
    const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
    // The default dashboard link of notifications (WEIR_UI_URL wins); a wildcard address names no host to open.
    setNotificationServerUrl(opened.context.database, ["0.0.0.0", "::"].includes(address.address) ? `http://${machineName()}:${address.port}` : url);
    log(`Weir server ready at ${url}`);
    let closing: Promise<void> | undefined;
    return { url, context: opened.context, close: () => (closing ??= runAll(stops)) };
  } catch (error) {
    await runAll(stops);
    throw error;
  }
}

/** Whether a host name or address only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

function defaultDatabaseUrl(env: NodeJS.ProcessEnv): string {
  if (env.WEIR_DATABASE_URL) return env.WEIR_DATABASE_URL;
  const home = env.WEIR_HOME || join(homedir(), ".weir");
  return `sqlite://${join(home, "weir.db")}`;
}

function defaultUiDir(): string {
  return fileURLToPath(new URL("../../ui/dist", import.meta.url));
}

// Stop accepting, end the event streams, let requests in flight finish, then cut what is left.
async function closeGracefully(server: Server, shuttingDown: AbortController, gracePeriodMs: number): Promise<void> {
  shuttingDown.abort();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), gracePeriodMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

async function runAll(stops: (() => Promise<void>)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const stop of stops) {
    try {
      await stop();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new WeirError("INTERNAL", "the server did not shut down cleanly", { cause: errors[0] });
}

async function startBackgroundServices(context: OrchestrationContext, options: ServicesOptions): Promise<RunningServices> {
  // Loaded only when wanted: `--no-services` and tests start faster without the loops.
  const { startServices } = await import("../services/start-services.js");
  return startServices(context, options);
}

async function startMetrics(context: OrchestrationContext): Promise<ServerMetrics> {
  // Loaded on start only: importing `weirflow/server` stays free of prom-client.
  const { createServerMetrics } = await import("./server-metrics.js");
  return createServerMetrics({ context });
}
