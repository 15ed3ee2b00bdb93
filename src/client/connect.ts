/**
 * The one way the SDK, workers and the CLI get an orchestration client: an `HttpClient` when a
 * server URL is set (`WEIR_API_URL` or config apiUrl), else an `InProcessClient` over the
 * embedded database (`WEIR_DATABASE_URL`, default `sqlite://$WEIR_HOME/weir.db`).
 */
import type { Clock } from "../core/clock.js";
import { HttpClient, retryWindowFromEnvironment } from "./http-client.js";
import { InProcessClient } from "./in-process-client.js";
import type { OrchestrationApi } from "./orchestration-api.js";
import { resolveSettings } from "./settings.js";

/** Options of `connect`; each overrides the resolved setting. */
export interface ConnectOptions {
  /** Server URL; given or set in env/config → HTTP client. */
  apiUrl?: string;
  apiKey?: string;
  /** Database of the in-process client. */
  databaseUrl?: string;
  /** Clock of the in-process service layer. @default systemClock */
  clock?: Clock;
  /** Environment to resolve settings from. @default process.env */
  env?: NodeJS.ProcessEnv;
  /**
   * How long HTTP calls wait out a server that refuses connections or answers 503 (see
   * `HttpClientOptions.retryWindowMs`); `WEIR_API_RETRY_SECONDS` overrides it. @default 0
   */
  retryWindowSeconds?: number;
}

/** How long a process that executes runs waits out a server restart or database outage. */
export const RUN_PROCESS_RETRY_WINDOW_SECONDS = 60;

/** A client per the settings (the in-process one opens its database on first use). */
export function connect(options: ConnectOptions = {}): OrchestrationApi {
  const settings = resolveSettings(options.env ?? process.env);
  const apiUrl = options.apiUrl ?? settings.apiUrl;
  if (apiUrl) {
    const apiKey = options.apiKey ?? settings.apiKey ?? undefined;
    const retryWindowMs = retryWindowFromEnvironment(options.env) ?? Math.round((options.retryWindowSeconds ?? 0) * 1000);
    return new HttpClient({ apiUrl, retryWindowMs, ...(apiKey ? { apiKey } : {}) });
  }
  return new InProcessClient({ databaseUrl: options.databaseUrl ?? settings.databaseUrl, ...(options.clock ? { clock: options.clock } : {}) });
}
