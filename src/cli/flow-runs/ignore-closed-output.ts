/**
 * A run process outlives the reader of its output when its worker dies (kill -9, an OOM kill):
 * every later write to stdout or stderr then fails with EPIPE (ERR_STREAM_DESTROYED once the
 * stream is closed, EIO for a terminal that went away), and Node turns an unhandled stream error
 * into an uncaught exception, which would end the run Crashed and run its body again on retry.
 * What the run prints is also stored over the API (its logs), so the printed copy may be lost:
 * the process drops such output and carries on to its true final state.
 */

const installed = new WeakSet<NodeJS.WritableStream>();

/** Keep this process running when `streams` (stdout and stderr) fail or lose their reader; their output is dropped. */
export function ignoreClosedOutput(streams: readonly NodeJS.WritableStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    if (installed.has(stream)) continue;
    installed.add(stream);
    // No failure of an output stream is worth a run: every one is dropped, not only EPIPE.
    stream.on("error", () => undefined);
  }
}
