/**
 * The one orchestration client of a CLI invocation: opened on first use through `connect()`
 * (WEIR_API_URL → HTTP, else the embedded database), shared with the SDK so that `weir run` and
 * `flow-run execute` write through the same connection, and closed by `main()` before exit.
 */
import type { OrchestrationApi } from "../client/orchestration-api.js";

let current: Promise<OrchestrationApi> | undefined;

/**
 * The CLI's client, connected on first call. Commands that execute runs (`run`, `flow-run
 * execute`) ask for `waitsOutRestarts`: their calls wait out a server restart instead of failing.
 */
export function cliClient(options: { waitsOutRestarts?: boolean } = {}): Promise<OrchestrationApi> {
  // Loaded lazily so that `weir version` and `--help` never open a database.
  current ??= import("../client/connect.js").then(({ connect, RUN_PROCESS_RETRY_WINDOW_SECONDS }) =>
    connect(options.waitsOutRestarts ? { retryWindowSeconds: RUN_PROCESS_RETRY_WINDOW_SECONDS } : {}),
  );
  return current;
}

/** Close the client if one was opened (idempotent). */
export async function closeCliClient(): Promise<void> {
  const opened = current;
  current = undefined;
  if (!opened) return;
  const client = await opened.catch(() => undefined);
  await client?.close();
}
