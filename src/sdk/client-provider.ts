/**
 * The process-wide orchestration client of the SDK and the write buffer of each client.
 * By default the client comes from `connect()` (HTTP with WEIR_API_URL, else the embedded
 * database); tests and runners install their own with `setClient`.
 */
import type { OrchestrationApi } from "../client/orchestration-api.js";
import { connect, RUN_PROCESS_RETRY_WINDOW_SECONDS } from "../client/connect.js";
import { RunWriteBuffer } from "./run-write-buffer.js";

let client: OrchestrationApi | null = null;
let connecting: Promise<OrchestrationApi> | null = null;
const buffers = new Map<OrchestrationApi, RunWriteBuffer>();
let isExitHookInstalled = false;

/** The SDK's client: the one given to `setClient`, else one made by `connect()` on first use. */
export async function getClient(): Promise<OrchestrationApi> {
  if (client !== null) return client;
  // The SDK's client executes runs: it waits out a server restart rather than failing the run.
  connecting ??= Promise.resolve(connect({ retryWindowSeconds: RUN_PROCESS_RETRY_WINDOW_SECONDS })).then((made) => {
    client ??= made;
    return client;
  });
  return connecting;
}

/** Install the client the SDK uses from now on (null: make one with `connect()` on next use). */
export function setClient(next: OrchestrationApi | null): void {
  client = next;
  connecting = null;
}

/** The write buffer of a client (one per client, created on first use). */
export function writeBufferFor(target: OrchestrationApi): RunWriteBuffer {
  let buffer = buffers.get(target);
  if (buffer === undefined) {
    buffer = new RunWriteBuffer(target);
    buffers.set(target, buffer);
    installExitHook();
  }
  return buffer;
}

/** Write every buffered task-run state and log line of every client now. */
export async function flushAll(): Promise<void> {
  const results = await Promise.allSettled([...buffers.values()].map((buffer) => buffer.flush()));
  const failed = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failed !== undefined) throw failed.reason;
}

/** Flush and forget the buffer of a client (call before closing it). */
export async function releaseClient(target: OrchestrationApi): Promise<void> {
  const buffer = buffers.get(target);
  if (buffer === undefined) return;
  await buffer.flush();
  buffer.stopTimer();
  buffers.delete(target);
}

function installExitHook(): void {
  if (isExitHookInstalled) return;
  isExitHookInstalled = true;
  // Timers are unref'd, so the last batch is written when the event loop drains.
  process.on("beforeExit", () => {
    if ([...buffers.values()].some((buffer) => buffer.hasPending)) void flushAll().catch(() => undefined);
  });
}
