/**
 * Options of `HttpClient`, in and compiled (STYLE rule 3): the public `HttpClientOptions`, the
 * frozen `CompiledHttpClientOptions` every request reads, and the `WEIR_API_RETRY_SECONDS`
 * default that `connect` also reads. Separate from the client, so that its file holds the calls.
 */
import { realSleep, type Sleep } from "../core/clock.js";
import { WeirError } from "../core/weir-error.js";
import type { HttpRequestSettings } from "./http-request.js";
import { nodeHttpFetch } from "./node-http-fetch.js";
import { defaultActor } from "./settings.js";

/** Options of `HttpClient`. */
export interface HttpClientOptions {
  /** Base URL of the server, with or without `/api` (e.g. `http://127.0.0.1:4200/api`). */
  apiUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`. @default undefined */
  apiKey?: string;
  /** The fetch to use (tests pass `app.request`). @default nodeHttpFetch (node:http, see node-http-fetch.ts) */
  fetch?: typeof fetch;
  /** Sleep between retries. @default realSleep */
  sleep?: Sleep;
  /** Retries of idempotent calls on connection errors. @default 4 */
  retries?: number;
  /** Retries of task-run writes and logs on connection errors (~1 s apart at most). @default 60 */
  bufferedWriteRetries?: number;
  /**
   * Besides `retries`, how long any call keeps retrying while the server refuses connections or
   * answers 503 (a restart, a database outage). Run processes wait out a restart; an interactive
   * command fails fast. @default WEIR_API_RETRY_SECONDS × 1000, else 0
   */
  retryWindowMs?: number;
  /** Most task-run writes + log lines waiting for a retry at once; beyond it calls fail fast. @default 100000 */
  maxBufferedItems?: number;
  /** How long one request may wait for its answer before failing with TIMEOUT. @default 60000 */
  requestTimeoutMs?: number;
  /** Task-run and log batches larger than this (JSON bytes) are split; keep it under the server's body limit. @default 4194304 */
  maxBatchBytes?: number;
  /** Who this client's deployment changes are made by, sent as `X-Weir-Actor`. @default WEIR_ACTOR, else the OS user */
  actor?: string;
}

/** The compiled, frozen `HttpClientOptions`: what each request needs, and the batching limits. */
export interface CompiledHttpClientOptions extends HttpRequestSettings {
  maxBufferedItems: number;
  maxBatchBytes: number;
  actor: string;
}

/** Validate `HttpClientOptions`, fill defaults and freeze. */
export function compileHttpClientOptions(options: HttpClientOptions): CompiledHttpClientOptions {
  let url: URL;
  try {
    url = new URL(options.apiUrl);
  } catch (cause) {
    throw new WeirError("VALIDATION", `apiUrl: not a URL: '${options.apiUrl}'`, { cause });
  }
  const path = url.pathname.replace(/\/+$/, "");
  const baseUrl = `${url.origin}${path.endsWith("/api") ? path : `${path}/api`}`;
  for (const field of ["retries", "bufferedWriteRetries", "retryWindowMs", "maxBufferedItems", "requestTimeoutMs", "maxBatchBytes"] as const) {
    const value = options[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw new WeirError("VALIDATION", `${field}: expected a non-negative integer, got ${String(value)}`);
    }
  }
  return Object.freeze({
    baseUrl,
    apiKey: options.apiKey || undefined,
    fetch: options.fetch ?? nodeHttpFetch,
    sleep: options.sleep ?? realSleep,
    retries: options.retries ?? 4,
    bufferedWriteRetries: options.bufferedWriteRetries ?? 60,
    retryWindowMs: options.retryWindowMs ?? retryWindowFromEnvironment() ?? 0,
    maxBufferedItems: options.maxBufferedItems ?? 100_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
    maxBatchBytes: options.maxBatchBytes ?? 4 * 1024 * 1024,
    actor: options.actor ?? defaultActor(),
  });
}

/** `WEIR_API_RETRY_SECONDS` in milliseconds, or undefined when it is unset or not a number ≥ 0. */
export function retryWindowFromEnvironment(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env.WEIR_API_RETRY_SECONDS;
  const seconds = Number(text);
  return text !== undefined && text.trim() !== "" && Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : undefined;
}
