/**
 * Database outages seen from the HTTP layer. An error whose cause is the database being out of
 * reach (PostgreSQL refusing or dropping connections, shutting down, out of connections; SQLite
 * busy past its timeout, failing to read or write its file, or closed) is not a bug of the
 * request: it is answered 503 with `Retry-After`, and the server logs one line when the outage
 * starts and one when it ends, instead of a stack trace per request.
 *
 * The end is noticed passively: once no request has failed for `Retry-After` seconds, a request
 * answered without a server error starts (at most one at a time) a probe of the database; the
 * first probe that succeeds ends the outage. The quiet period keeps a half outage (SQLite reads
 * answering while writes fail on a full disk) from logging a start and an end per request.
 */

/** Seconds a client is asked to wait before retrying during an outage. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "ECONNABORTED"]);
// SQLSTATE classes 08 (connection exception), 53 (insufficient resources), 57P (operator
// intervention: shutdown, cannot connect now) and 58 (system error: I/O).
const POSTGRES_STATE = /^(08...|53...|57P0[1-5]|58...)$/;
const SQLITE_CODE = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY|PROTOCOL)(_|$)/;
const POSTGRES_MESSAGES = [
  "connection terminated",
  "timeout exceeded when trying to connect",
  "is not queryable",
  "the database system is",
  "terminating connection",
];
const SQLITE_CLOSED_MESSAGE = "the database connection is not open";

/** Why an error means the database is unavailable (a short reason such as `ECONNREFUSED`), or null if it does not. */
export function databaseOutageReason(error: unknown): string | null {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const current = pending.shift();
    if (current === null || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    const reason = reasonOf(current);
    if (reason !== null) return reason;
    const { cause, errors } = current as { cause?: unknown; errors?: unknown };
    pending.push(cause);
    if (Array.isArray(errors)) pending.push(...(errors as unknown[]));
  }
  return null;
}

function reasonOf(error: { code?: unknown; message?: unknown }): string | null {
  const code = typeof error.code === "string" ? error.code : "";
  const message = typeof error.message === "string" ? error.message : "";
  if (NETWORK_CODES.has(code) || SQLITE_CODE.test(code)) return code;
  if (POSTGRES_STATE.test(code)) return `${code} ${message}`.trim();
  const lower = message.toLowerCase();
  if (POSTGRES_MESSAGES.some((text) => lower.includes(text)) || lower.includes(SQLITE_CLOSED_MESSAGE)) return message;
  return null;
}

/** Options of `DatabaseOutageMonitor`. */
export interface DatabaseOutageMonitorOptions {
  /** Where the start and end lines go. */
  log: (line: string) => void;
  /** Whether the database answers now (a `select 1`). */
  isReady: () => Promise<boolean>;
  /** Milliseconds since the epoch. @default Date.now */
  now?: () => number;
}

/** Tracks one outage at a time: logs its start and its end once each (see file header). */
export class DatabaseOutageMonitor {
  #startedAt: number | null = null;
  #lastFailureAt = 0;
  #refusedCount = 0;
  #probe: Promise<void> | null = null;
  readonly #options: DatabaseOutageMonitorOptions;

  constructor(options: DatabaseOutageMonitorOptions) {
    this.#options = options;
  }

  /** Whether an outage is under way. */
  get isOutage(): boolean {
    return this.#startedAt !== null;
  }

  /** Note a request that failed for `reason` (logs the start of an outage). */
  noteFailure(reason: string): void {
    this.#refusedCount++;
    this.#lastFailureAt = this.#now();
    if (this.#startedAt !== null) return;
    this.#startedAt = this.#lastFailureAt;
    this.#options.log(`database unavailable (${reason.slice(0, 300)}): answering 503 until it is back`);
  }

  /** Note a request answered without a server error: during an outage gone quiet, probe the database. */
  noteAnswered(): void {
    if (this.#startedAt === null || this.#probe !== null) return;
    if (this.#now() - this.#lastFailureAt < OUTAGE_RETRY_AFTER_SECONDS * 1000) return;
    this.#probe = this.#options
      .isReady()
      .then(
        (isReady) => {
          if (isReady && this.#now() - this.#lastFailureAt >= OUTAGE_RETRY_AFTER_SECONDS * 1000) this.#end();
        },
        () => undefined,
      )
      .finally(() => {
        this.#probe = null;
      });
  }

  /** Settles once the probe in flight (if any) has (tests and shutdown wait for it). */
  async settled(): Promise<void> {
    await this.#probe;
  }

  #end(): void {
    if (this.#startedAt === null) return;
    const seconds = ((this.#now() - this.#startedAt) / 1000).toFixed(1);
    this.#options.log(`database available again after ${seconds} s (${this.#refusedCount} requests answered 503)`);
    this.#startedAt = null;
    this.#refusedCount = 0;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}
