/**
 * How a `weir` process ends, shared by the full CLI (main.ts) and the lean run child
 * (flow-run-child-main.ts): close the client within a bound, and turn a stray failure outside any
 * awaited action into one `Error:` line and exit code 1.
 */
import { flushTracing } from "../core/tracing/weir-tracing.js";
import { closeCliClient } from "./cli-client.js";
import { errorLine } from "./output/error-line.js";

/** Exit code for a command that failed (bad id, failed flow run, server error, …). */
export const EXIT_FAILURE = 1;

/** How long closing the client may take before the CLI exits anyway. */
const CLOSE_TIMEOUT_MS = 5000;

/** Close the CLI's client and export the spans of its runs (when traces are on), giving up after `timeoutMs`. */
export async function closeCliClientWithin(timeoutMs = CLOSE_TIMEOUT_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  await Promise.race([Promise.all([closeCliClient().catch(() => undefined), flushTracing()]), timeout]);
  clearTimeout(timer);
}

/** A failure outside any awaited action (a stray rejected promise) still ends as one line. */
export function exitOnStrayFailure(): void {
  const crash = (error: unknown): void => {
    process.stderr.write(`${errorLine(error)}\n`);
    process.exit(EXIT_FAILURE);
  };
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);
}
